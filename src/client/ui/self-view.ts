/**
 * One's own picture, small over the stage in a corner (on phones, and in
 * a meeting of two). It can be dragged to another corner, or moved there
 * with its button — the same without dragging (WCAG 2.5.7). The tile stays
 * where it is in the page; this only marks it (`pip`, `data-corner`) for the
 * style sheet, so its video never stalls for a move.
 */
import { t } from "../i18n/index.js";
import { h } from "./dom.js";
import { icon } from "./icons.js";

const CORNERS = ["bottom-right", "bottom-left", "top-left", "top-right"] as const;
type Corner = (typeof CORNERS)[number];

export class SelfView {
  private tile: HTMLElement | undefined;
  private corner: Corner = "bottom-right";
  /** Tiles that have the move button and the drag handlers already. */
  private readonly prepared = new WeakSet<HTMLElement>();

  /** Floats this tile (one's own) in its corner, or none; a tile no longer held goes back to the grid. */
  hold(tile: HTMLElement | undefined): void {
    if (this.tile && this.tile !== tile) {
      this.tile.classList.remove("pip");
      delete this.tile.dataset.corner;
    }
    this.tile = tile;
    if (!tile) return;
    if (!this.prepared.has(tile)) this.prepare(tile);
    tile.classList.add("pip");
    tile.dataset.corner = this.corner;
  }

  private moveTo(corner: Corner): void {
    this.corner = corner;
    if (this.tile) this.tile.dataset.corner = corner;
  }

  /** The move button (shown only while floating) and dragging: follows the finger or mouse, then settles in the nearest corner. */
  private prepare(tile: HTMLElement): void {
    this.prepared.add(tile);
    const next = () => this.moveTo(CORNERS[(CORNERS.indexOf(this.corner) + 1) % CORNERS.length]!);
    tile.append(h("button", { type: "button", class: "self-move", "aria-label": t("moveSelfView"), title: t("moveSelfView"), onclick: next }, icon("move")));
    let start: { x: number; y: number; id: number } | undefined;
    tile.addEventListener("pointerdown", (event) => {
      if (!tile.classList.contains("pip") || (event.target as HTMLElement).closest("button, summary")) return;
      start = { x: event.clientX, y: event.clientY, id: event.pointerId };
      tile.setPointerCapture(event.pointerId);
      tile.classList.add("dragging");
    });
    tile.addEventListener("pointermove", (event) => {
      if (start?.id !== event.pointerId) return;
      tile.style.translate = `${event.clientX - start.x}px ${event.clientY - start.y}px`;
    });
    const drop = (event: PointerEvent) => {
      if (start?.id !== event.pointerId) return;
      start = undefined;
      tile.classList.remove("dragging");
      tile.style.translate = "";
      const stage = tile.parentElement?.getBoundingClientRect();
      if (!stage) return;
      const right = event.clientX > stage.left + stage.width / 2;
      const bottom = event.clientY > stage.top + stage.height / 2;
      this.moveTo(`${bottom ? "bottom" : "top"}-${right ? "right" : "left"}`);
    };
    tile.addEventListener("pointerup", drop);
    tile.addEventListener("pointercancel", drop);
  }
}
