/**
 * A small modal dialog that opens from a bar button: above the button on a
 * wide screen, as a sheet from the bottom edge on a phone. Escape, a click
 * outside or choosing something closes it, and the focus returns to the
 * button. Used by the "More" menu and the reactions.
 */
import { h } from "./dom.js";

/** Phones (and phones held sideways): no labels under the bar's icons, menus as sheets, one's own picture small. */
export const COMPACT_QUERY = "(max-width: 700px), (max-height: 500px)";

export function compactScreen(): boolean {
  return typeof matchMedia === "function" && matchMedia(COMPACT_QUERY).matches;
}

export class Popover {
  readonly dialog: HTMLDialogElement;
  private anchor: HTMLElement | undefined;

  constructor(className: string, title: string, ...content: HTMLElement[]) {
    const heading = h("h2", { class: "visually-hidden" }, title);
    heading.id = `${className}-title`;
    this.dialog = h("dialog", { class: `popover ${className}`, "aria-labelledby": heading.id }, heading, ...content);
    // A click on the backdrop lands on the dialog itself, outside its box.
    this.dialog.addEventListener("click", (event) => {
      const box = this.dialog.getBoundingClientRect();
      const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
      if (event.target === this.dialog && !inside) this.close();
    });
    this.dialog.addEventListener("close", () => {
      this.anchor?.setAttribute("aria-expanded", "false");
      this.anchor?.focus();
    });
  }

  /** Makes `button` the one that opens and closes this popover. */
  attach(button: HTMLElement): void {
    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", () => (this.dialog.open ? this.close() : this.open(button)));
  }

  get isOpen(): boolean {
    return this.dialog.open;
  }

  open(anchor: HTMLElement): void {
    if (this.dialog.open) return;
    this.anchor = anchor;
    anchor.setAttribute("aria-expanded", "true");
    this.dialog.showModal();
    this.place(anchor);
  }

  close(): void {
    if (this.dialog.open) this.dialog.close();
  }

  /** Above the button, inside the window; a phone's sheet is placed by the style sheet. */
  private place(anchor: HTMLElement): void {
    const style = this.dialog.style;
    if (compactScreen()) {
      style.left = style.bottom = "";
      return;
    }
    const button = anchor.getBoundingClientRect();
    const width = this.dialog.offsetWidth;
    const left = Math.min(Math.max(8, button.left + button.width / 2 - width / 2), window.innerWidth - width - 8);
    style.left = `${Math.round(left)}px`;
    style.bottom = `${Math.round(window.innerHeight - button.top + 8)}px`;
  }
}
