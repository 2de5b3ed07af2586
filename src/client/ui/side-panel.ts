import { t } from "../i18n/index.js";
import { h } from "./dom.js";
import { icon } from "./icons.js";

/**
 * One side panel (chat, people, devices, lobby, settings): beside the stage
 * on a wide screen, over it on a phone, with a button to close it. Buttons
 * that open it (the bar's) say whether it is open.
 */
export class SidePanel {
  private readonly openers: HTMLElement[] = [];

  /** `element`: the panel's own section, whose first heading names it. */
  constructor(
    readonly element: HTMLElement,
    close: () => void,
  ) {
    element.id ||= `panel-${Math.random().toString(36).slice(2, 8)}`;
    element.classList.add("side-panel");
    const closeButton = h("button", { type: "button", class: "panel-close", "aria-label": t("closePanel"), title: t("closePanel"), onclick: close }, icon("close"));
    element.querySelector("h2")?.after(closeButton);
    this.open = false;
  }

  /** A button that opens and closes this panel. */
  opensWith(button: HTMLElement): void {
    button.setAttribute("aria-controls", this.element.id);
    button.setAttribute("aria-expanded", String(this.open));
    this.openers.push(button);
  }

  set open(open: boolean) {
    this.element.hidden = !open;
    for (const button of this.openers) button.setAttribute("aria-expanded", String(open));
  }

  get open(): boolean {
    return !this.element.hidden;
  }
}
