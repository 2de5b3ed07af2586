/**
 * A presentation, end to end: the presenter's browser reads the PDF and
 * sends it to the others over the `slides` topic (sealed, in paced chunks,
 * behind anything urgent), never to the server's disk. While the file is
 * on its way, the page the presenter shows goes first as a small picture,
 * so the others see it within a second or two however big the file is;
 * once the file is in, each browser renders pages itself (ui/slides-view.ts).
 * The presenter turns pages for everyone and may let others browse. Only
 * the presenter's page turns count; anyone may start presenting (the newer
 * presentation replaces the older one), as with screen sharing.
 */
import type { ParticipantId } from "../../protocol/messages.js";
import { TopicChannel } from "./channel.js";
import { FrameError, FrameKind, decodeJson, encodeFrame, encodeJson, pack, unpack, type Frame } from "./frames.js";
import type { CollabContext } from "./shared-doc.js";

export const MAX_PDF_BYTES = 50 * 1024 * 1024;
const MAX_PREVIEW_BYTES = 2 * 1024 * 1024;
const MAX_PAGES = 2_000;
const WANT_AGAIN_MS = 6_000;
const WANT_ATTEMPTS = 3;
/** A file that makes no progress for this long is asked for again (a chunk was lost on the way). */
const STALLED_MS = 20_000;

export interface Deck {
  id: string;
  presenter: ParticipantId;
  size: number;
  pages: number;
  /** The presenter's page (1-based). */
  page: number;
  /** Others may browse on their own. */
  free: boolean;
}

/** Draws a page as a small picture (JPEG bytes) for those still waiting for the file. */
export type PreviewMaker = (page: number) => Promise<Uint8Array | undefined>;

export class Slides {
  deck: Deck | undefined;
  /** The whole PDF, once it is here (the presenter has it from the start). */
  file: Uint8Array | undefined;
  /** Pictures of pages, for as long as the file is not here. */
  readonly previews = new Map<number, Uint8Array>();
  /** Set by the presenter: how to picture a page. */
  private preview: PreviewMaker | undefined;
  private readonly channel: TopicChannel;
  private readonly listeners = new Set<() => void>();
  /** The file is still going out to someone. */
  private streaming = 0;
  private askTimer: ReturnType<typeof setTimeout> | undefined;
  private stallTimer: ReturnType<typeof setTimeout> | undefined;
  /** Progress of the file on its way to us, 0…1. */
  progress = 0;

  constructor(private readonly context: CollabContext) {
    this.channel = new TopicChannel(
      context.content,
      "slides",
      { maxBytes: MAX_PDF_BYTES + 1024, maxOpen: 2, timeoutMs: 15 * 60_000 },
      {
        frame: (from, frame) => this.receive(from, frame),
        refused: (from, reason) => context.refused("slides", from, reason),
        progress: (from, bytes) => from === this.deck?.presenter && this.updateProgress(bytes),
      },
      context.pacer,
    );
  }

  get presenting(): boolean {
    return this.deck !== undefined && this.deck.presenter === this.context.selfId();
  }

  /** Starts presenting `file` (already read by pdf.js: `pages` pages) to everyone. */
  async present(file: Uint8Array, pages: number, preview: PreviewMaker): Promise<void> {
    const self = this.context.selfId();
    if (!self || file.length > MAX_PDF_BYTES) return;
    this.stopStreaming();
    this.deck = { id: crypto.randomUUID(), presenter: self, size: file.length, pages, page: 1, free: false };
    this.file = file;
    this.preview = preview;
    this.previews.clear();
    this.changed();
    await this.sendDeck(undefined);
  }

  /** The presenter turns the page for everyone. */
  turn(page: number): void {
    const deck = this.deck;
    if (!deck || !this.presenting || page < 1 || page > deck.pages || page === deck.page) return;
    deck.page = page;
    this.changed();
    void this.channel.send(encodeJson({ type: "page", deck: deck.id, page }), undefined, { urgent: true }).catch(() => {});
    if (this.streaming) void this.sendPreview(page, undefined);
  }

  setFree(free: boolean): void {
    const deck = this.deck;
    if (!deck || !this.presenting) return;
    deck.free = free;
    this.changed();
    void this.channel.send(encodeJson({ type: "free", deck: deck.id, free }), undefined, { urgent: true }).catch(() => {});
  }

  stop(): void {
    const deck = this.deck;
    if (!deck) return;
    if (this.presenting) {
      this.stopStreaming();
      void this.channel.send(encodeJson({ type: "stop", deck: deck.id }), undefined, { urgent: true }).catch(() => {});
    }
    this.end();
  }

  /**
   * Joined or rejoined: "is anyone presenting?" to everyone; the presenter answers with the
   * presentation, `to` us. Asked again a few times until a presentation arrives: right after a
   * reload, the first sealed messages can come before the keys that open them.
   */
  joined(attempt = 0): void {
    clearTimeout(this.askTimer);
    if (this.deck || attempt >= WANT_ATTEMPTS) return;
    void this.channel.send(encodeJson({ type: "want" }), undefined, { urgent: true }).catch(() => {});
    this.askTimer = setTimeout(() => this.joined(attempt + 1), WANT_AGAIN_MS);
  }

  left(id: ParticipantId): void {
    this.channel.forget(id);
    this.channel.drop(id);
    if (this.deck?.presenter === id) this.end();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    clearTimeout(this.askTimer);
    clearTimeout(this.stallTimer);
    this.channel.drop();
    this.channel.close();
    this.listeners.clear();
  }

  /** Announcement, the current page's picture (urgent), then the file (bulk), to everyone or `to`. */
  private async sendDeck(to: ParticipantId | undefined): Promise<void> {
    const deck = this.deck!;
    const file = this.file!;
    await this.channel.send(encodeJson({ type: "deck", deck: deck.id, size: deck.size, pages: deck.pages, page: deck.page, free: deck.free }), to, { urgent: true });
    this.streaming++;
    try {
      await this.sendPreview(deck.page, to);
      await this.channel.send(encodeFrame(FrameKind.file, pack(header({ deck: deck.id, what: "pdf" }), file)), to);
    } catch {
      // Dropped (a newer presentation, the person left): nothing more to do.
    } finally {
      this.streaming--;
    }
  }

  private async sendPreview(page: number, to: ParticipantId | undefined): Promise<void> {
    const deck = this.deck;
    const picture = await this.preview?.(page).catch(() => undefined);
    if (!deck || !picture || picture.length > MAX_PREVIEW_BYTES || this.deck !== deck) return;
    await this.channel.send(encodeFrame(FrameKind.file, pack(header({ deck: deck.id, what: "preview", page }), picture)), to, { urgent: true });
  }

  private receive(from: ParticipantId, frame: Frame): void {
    if (frame.kind === FrameKind.control) return this.control(from, decodeJson(frame.body));
    if (frame.kind !== FrameKind.file) throw new FrameError("unexpected frame");
    const [head, bytes] = unpack(frame.body);
    const info = decodeJson(head);
    const deck = this.deck;
    if (!deck || info.deck !== deck.id || from !== deck.presenter) return; // an older presentation's
    if (info.what === "pdf") {
      if (bytes.length !== deck.size) throw new FrameError("file is not the size announced");
      this.file = bytes;
      this.previews.clear();
      this.progress = 1;
    } else if (info.what === "preview" && isPage(info.page, deck.pages) && !this.file) {
      if (bytes.length > MAX_PREVIEW_BYTES) throw new FrameError("page picture too large");
      this.previews.set(info.page, bytes);
    } else return;
    this.changed();
  }

  private control(from: ParticipantId, message: Record<string, unknown>): void {
    if (message.type === "want") {
      // Whatever was still going out to them is of no use now: start again from the announcement.
      if (this.presenting) {
        this.channel.drop(from);
        void this.sendDeck(from);
      }
      return;
    }
    if (message.type === "deck") {
      const { deck: id, size, pages, page, free } = message;
      if (typeof id !== "string" || id.length > 40 || typeof size !== "number" || !(size > 0 && size <= MAX_PDF_BYTES)) throw new FrameError("bad presentation");
      if (typeof pages !== "number" || !Number.isInteger(pages) || pages < 1 || pages > MAX_PAGES || !isPage(page, pages)) throw new FrameError("bad presentation");
      if (this.deck?.id === id) return; // told again (we asked twice, or rejoined)
      if (this.presenting) this.stopStreaming();
      this.deck = { id, presenter: from, size, pages, page, free: free === true };
      this.file = undefined;
      this.preview = undefined;
      this.previews.clear();
      this.progress = 0;
      return this.changed();
    }
    const deck = this.deck;
    if (!deck || message.deck !== deck.id) return;
    if (from !== deck.presenter) throw new FrameError("only the presenter turns pages");
    if (message.type === "page" && isPage(message.page, deck.pages)) deck.page = message.page;
    else if (message.type === "free" && typeof message.free === "boolean") deck.free = message.free;
    else if (message.type === "stop") return this.end();
    else throw new FrameError("unknown control message");
    this.changed();
  }

  /** How much of the presenter's file has arrived (for the progress line). */
  private updateProgress(received: number): void {
    if (!this.deck || this.file) return;
    const progress = Math.min(1, received / this.deck.size);
    // Whole percents only: a 50 MB file comes in over a thousand chunks.
    if (Math.floor(progress * 100) === Math.floor(this.progress * 100)) return;
    this.progress = progress;
    this.changed();
  }

  private stopStreaming(): void {
    this.channel.drop();
  }

  private end(): void {
    this.deck = undefined;
    this.file = undefined;
    this.preview = undefined;
    this.previews.clear();
    this.progress = 0;
    this.changed();
  }

  private changed(): void {
    this.watchFile();
    for (const listener of this.listeners) listener();
  }

  /**
   * While a presentation's file is on its way to us, a stall (a chunk the server refused or lost)
   * makes us ask the presenter again, who starts the file over for us.
   */
  private watchFile(): void {
    clearTimeout(this.stallTimer);
    const deck = this.deck;
    if (!deck || this.file || this.presenting) return;
    this.stallTimer = setTimeout(() => {
      if (this.deck !== deck || this.file) return;
      this.channel.forget(deck.presenter); // the stalled transfer's parts
      void this.channel.send(encodeJson({ type: "want" }), deck.presenter, { urgent: true }).catch(() => {});
      this.watchFile();
    }, STALLED_MS);
  }
}

function isPage(page: unknown, pages: number): page is number {
  return typeof page === "number" && Number.isInteger(page) && page >= 1 && page <= pages;
}

function header(value: Record<string, unknown>): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
