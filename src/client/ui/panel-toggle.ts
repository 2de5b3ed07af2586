import { h } from "./dom.js";

/** A button that shows or hides one side panel. */
export class PanelToggle {
  readonly button: HTMLButtonElement;

  constructor(
    readonly panel: HTMLElement,
    label: string,
    onClick: () => void,
  ) {
    panel.id ||= `panel-${Math.random().toString(36).slice(2, 8)}`;
    this.button = h("button", { type: "button", class: "panel-toggle", "aria-controls": panel.id, "aria-expanded": "false", onclick: onClick }, label);
  }

  set open(open: boolean) {
    this.panel.hidden = !open;
    this.button.setAttribute("aria-expanded", String(open));
  }

  get open(): boolean {
    return !this.panel.hidden;
  }
}
