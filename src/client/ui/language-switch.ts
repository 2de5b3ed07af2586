import { language, setLanguage, t, type Language } from "../i18n/index.js";
import { h } from "./dom.js";

const NAMES: Record<Language, string> = { de: "Deutsch", en: "English" };

/** A labelled select that switches the UI language and redraws the screen. */
export function languageSwitch(redraw: () => void, id = "language"): HTMLElement {
  const select = h("select", { id, onchange: () => {
    setLanguage(select.value as Language);
    redraw();
  } });
  for (const [code, name] of Object.entries(NAMES)) {
    const option = h("option", { value: code, lang: code }, name);
    option.selected = code === language();
    select.append(option);
  }
  return h("div", { class: "language" }, h("label", { for: id }, t("language")), select);
}
