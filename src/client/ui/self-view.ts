/**
 * One's own picture, small over the stage in a corner (on phones, and in
 * a meeting of two). It can be dragged to another corner, or moved there
 * with its button — the same without dragging (WCAG 2.5.7).
 */
import { t } from "../i18n/index.js";
import { h } from "./dom.js";
import { icon } from "./icons.js";

const CORNERS = ["bottom-right", "bottom-left", "top-left", "top-right"] as const;
type Corner = (typeof CORNERS)[number];

export class SelfView {
  readonly element: HTMLElement;
  private readonly slot: HTMLElement;
  private corner: Corner = "bottom-right";

  constructor() {
    this.slot = h("div", { class: "self-slot" });
    const move = h("button", { type: "button", class: "self-move", "aria-label": t("moveSelfView"), title: t("moveSelfView"), onclick: () => this.moveTo(CORNERS[(CORNERS.indexOf(this.corner) + 1) % CORNERS.length]!) }, icon("move"));
    this.element = h("div", { class: "self-view", hidden: true }, this.slot, move);
    this.element.dataset.corner = this.corner;
    this.dragToCorners();
  }

  /** Holds this tile (one's own), or none. */
  hold(tile: HTMLElement | undefined): void {
    if (tile && tile.parentElement !== this.slot) this.slot.replaceChildren(tile);
    if (!tile) this.slot.replaceChildren();
    this.element.hidden = !tile;
  }

  get holding(): boolean {
    return this.slot.childElementCount > 0;
  }

  private moveTo(corner: Corner): void {
    this.corner = corner;
    this.element.dataset.corner = corner;
  }

  /** Follows the finger or mouse, then settles in the nearest corner. */
  private dragToCorners(): void {
    let start: { x: number; y: number; id: number } | undefined;
    this.element.addEventListener("pointerdown", (event) => {
      if ((event.target as HTMLElement).closest("button, summary")) return;
      start = { x: event.clientX, y: event.clientY, id: event.pointerId };
      this.element.setPointerCapture(event.pointerId);
      this.element.classList.add("dragging");
    });
    this.element.addEventListener("pointermove", (event) => {
      if (start?.id !== event.pointerId) return;
      this.element.style.translate = `${event.clientX - start.x}px ${event.clientY - start.y}px`;
    });
    const drop = (event: PointerEvent) => {
      if (start?.id !== event.pointerId) return;
      start = undefined;
      this.element.classList.remove("dragging");
      this.element.style.translate = "";
      const stage = this.element.parentElement?.getBoundingClientRect();
      if (!stage) return;
      const right = event.clientX > stage.left + stage.width / 2;
      const bottom = event.clientY > stage.top + stage.height / 2;
      this.moveTo(`${bottom ? "bottom" : "top"}-${right ? "right" : "left"}`);
    };
    this.element.addEventListener("pointerup", drop);
    this.element.addEventListener("pointercancel", drop);
  }
}
