/**
 * The collaboration tools on the meeting screen: their entries in the More
 * menu's "Tools" group, the whiteboard (and a presentation) on the stage
 * where shared screens go, the shared notes as a side panel, and a notice
 * when something someone sent was refused.
 */
import type { Participant, ParticipantId } from "../../protocol/messages.js";
import type { Collaboration } from "../collab/collaboration.js";
import type { CollabTopic } from "../collab/channel.js";
import { t, type MessageKey } from "../i18n/index.js";
import type { MoreMenu, MenuItem } from "./more-menu.js";
import type { Stage } from "./stage.js";
import type { SidePanels } from "./side-panels.js";
import type { SidePanel } from "./side-panel.js";
import type { Toasts } from "./toasts.js";
import { WhiteboardView } from "./whiteboard-view.js";
import { NotesPanel } from "./notes-panel.js";
import { SlidesView } from "./slides-view.js";
import { h } from "./dom.js";
import { MAX_PDF_BYTES } from "../collab/slides.js";

const TOOL_NAMES: Record<CollabTopic, MessageKey> = { whiteboard: "whiteboard", notes: "notes", slides: "slides" };

export interface CollabScreenParts {
  stage: Stage;
  panels: SidePanels;
  more: MoreMenu;
  toasts: Toasts;
}

export class CollabScreen {
  /** Built when first shown: the click on "Join" should not wait for drawing surfaces nobody looks at yet. */
  private boardView: WhiteboardView | undefined;
  private readonly boardItem: MenuItem;
  private readonly notesPanel: SidePanel;
  private slidesView: SlidesView | undefined;
  private readonly fileInput: HTMLInputElement;
  /** The person closed the board: it stays closed for them until they open it again. */
  private boardDismissed = false;
  private boardShown = false;
  private slidesShown = false;
  private moderator = false;
  private names = new Map<ParticipantId, string>();

  constructor(
    private readonly collab: Collaboration,
    private readonly parts: CollabScreenParts,
  ) {
    const whiteboard = collab.whiteboard;
    this.boardItem = parts.more.add("tools", t("openWhiteboard"), () => this.showBoard(!this.boardShown));
    const notes = new NotesPanel(collab.notes, () => this.names);
    this.notesPanel = parts.panels.extra(notes.element);
    parts.more.add("tools", t("openNotes"), () => parts.panels.show(this.notesPanel));
    this.fileInput = h("input", { type: "file", accept: "application/pdf,.pdf", hidden: true, "aria-label": t("slidesChoose"), onchange: () => void this.present() });
    parts.more.add("tools", t("openSlides"), () => this.fileInput.click());
    document.body.append(this.fileInput);
    collab.slides.onChange(() => {
      const presenting = collab.slides.deck !== undefined;
      // A presentation takes the board's place (it has the board as a layer of its own).
      if (presenting && !this.slidesShown && this.boardShown) this.showBoard(false, false);
      this.slidesShown = presenting;
      if (presenting || this.slidesView) parts.stage.showContent(this.slides.element, presenting);
    });
    whiteboard.onChange(() => {
      // Someone put the board up: it comes onto this person's stage too, unless they closed it.
      if (whiteboard.opened && !this.boardShown && !this.boardDismissed) this.showBoard(true, false);
      this.boardView?.refresh(this.moderator);
    });
    collab.onRefused = (topic, from, reason) =>
      parts.toasts.show(t("collabRefused", { name: this.names.get(from) ?? from, tool: t(TOOL_NAMES[topic]), reason }));
  }

  participants(self: Participant, others: Participant[]): void {
    this.names = new Map(others.map((p) => [p.id, p.name]));
    this.moderator = self.role === "moderator";
    this.boardView?.refresh(this.moderator);
    this.slidesView?.refresh(this.moderator);
  }

  private get board(): WhiteboardView {
    this.boardView ??= new WhiteboardView(this.collab.whiteboard, () => this.showBoard(false));
    return this.boardView;
  }

  private get slides(): SlidesView {
    if (!this.slidesView) {
      this.slidesView = new SlidesView(this.collab.slides, this.collab.whiteboard, (id) => this.names.get(id) ?? "");
      // Made inside a change of the slides, it still hears that change: their listeners are a Set,
      // whose iteration also visits what is added while it runs.
      this.slidesView.refresh(this.moderator);
    }
    return this.slidesView;
  }

  /** The person chose a PDF: read here, then presented to everyone (or a notice why not). */
  private async present(): Promise<void> {
    const file = this.fileInput.files?.[0];
    this.fileInput.value = "";
    if (!file) return;
    if (file.size > MAX_PDF_BYTES) return this.parts.toasts.show(t("slidesTooLarge", { mb: MAX_PDF_BYTES / 1024 / 1024 }));
    const problem = await this.slides.present(new Uint8Array(await file.arrayBuffer()));
    if (problem) this.parts.toasts.show(t("slidesUnreadable", { reason: problem }));
  }

  /** `byHand`: the person chose it (opening puts it up for everyone; closing keeps it closed for them). */
  private showBoard(show: boolean, byHand = true): void {
    this.boardShown = show;
    if (byHand) this.boardDismissed = !show;
    if (show && byHand) this.collab.whiteboard.open();
    this.boardItem.setLabel(t(show ? "hideWhiteboard" : "openWhiteboard"));
    if (!show && !this.boardView) return; // never shown: nothing to take down
    this.parts.stage.showContent(this.board.element, show);
    this.board.refresh(this.moderator);
  }
}
