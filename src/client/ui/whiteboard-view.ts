/**
 * The whiteboard on the stage, where a shared screen goes: the drawing
 * surface (board-surface.ts) with "Export as PNG", for moderators "Who may
 * draw", and "Close" (for this person only; it opens again from More).
 */
import { t } from "../i18n/index.js";
import { h } from "./dom.js";
import { BoardSurface } from "./board-surface.js";
import type { DrawPolicy, Whiteboard } from "../collab/whiteboard.js";
import { BOARD_LAYER } from "../collab/whiteboard-model.js";

/** Offers `blob` as a download named `name` (a blob: address of this page: nothing leaves the browser). */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export class WhiteboardView {
  readonly element: HTMLElement;
  readonly surface: BoardSurface;
  private readonly policy: HTMLSelectElement;
  private readonly policyLabel: HTMLElement;

  constructor(
    private readonly board: Whiteboard,
    close: () => void,
  ) {
    const exportButton = h("button", { type: "button", onclick: () => void this.exportPng() }, t("wbExport"));
    this.policy = h(
      "select",
      { id: "wb-policy", onchange: () => board.setPolicy(this.policy.value as DrawPolicy) },
      h("option", { value: "everyone" }, t("wbEveryone")),
      h("option", { value: "moderators" }, t("wbModerators")),
    );
    this.policyLabel = h("label", { class: "board-policy" }, t("wbWhoDraws"), this.policy);
    const closeButton = h("button", { type: "button", onclick: close }, t("wbClose"));
    this.surface = new BoardSurface(board, [exportButton, this.policyLabel, closeButton]);
    this.surface.show(BOARD_LAYER);
    // On a phone the tools fold away (the board is mostly looked at there); this opens them.
    this.surface.toolbar.id = "board-tools";
    const toggle = h("button", { type: "button", class: "board-tools-toggle", "aria-expanded": "false", "aria-controls": "board-tools" }, t("wbTools"));
    toggle.addEventListener("click", () => {
      const open = !this.surface.element.classList.contains("tools-open");
      this.surface.element.classList.toggle("tools-open", open);
      toggle.setAttribute("aria-expanded", String(open));
    });
    this.surface.element.prepend(toggle);
    this.element = h("figure", { class: "screen-tile board-tile", "aria-label": t("whiteboard") }, this.surface.element);
  }

  /** After a role or policy change. */
  refresh(moderator: boolean): void {
    this.policyLabel.hidden = !moderator;
    this.policy.value = this.board.policy;
    this.surface.refresh(moderator);
  }

  private async exportPng(): Promise<void> {
    const blob = await this.surface.png();
    if (blob) download(blob, `${t("whiteboard")}.png`);
  }
}
