import { t, type MessageKey } from "../i18n/index.js";
import { h } from "./dom.js";

/** Shown after leaving, or when the meeting ended for this person: rejoin (when it makes sense) or go home. */
export function leftScreen(title: MessageKey, rejoin?: () => void): HTMLElement {
  return h(
    "main",
    { class: "left card" },
    h("h1", {}, t(title)),
    h(
      "div",
      { class: "row" },
      rejoin && h("button", { type: "button", class: "primary", onclick: rejoin }, t("rejoin")),
      h("a", { href: "/", class: "button" }, t("home")),
    ),
  );
}
