import { t } from "../i18n/index.js";
import { h } from "./dom.js";

/** Shown after "Leave": rejoin or go home. */
export function leftScreen(rejoin: () => void): HTMLElement {
  return h(
    "main",
    { class: "left card" },
    h("h1", {}, t("leftTitle")),
    h("div", { class: "row" }, h("button", { type: "button", class: "primary", onclick: rejoin }, t("rejoin")), h("a", { href: "/", class: "button" }, t("home"))),
  );
}
