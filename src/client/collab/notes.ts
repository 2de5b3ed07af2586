/**
 * The meeting's shared notes: one yjs text on the `notes` topic that
 * everyone edits at once (edits merge, nobody's typing is lost), and where
 * each person's cursor is: sent as a yjs relative position (it stays
 * between the same two characters while others type before it), at most a
 * few times a second, and forgotten when they leave.
 */
import * as Y from "yjs";
import type { ParticipantId } from "../../protocol/messages.js";
import { SharedDoc, type CollabContext } from "./shared-doc.js";
import { LOCAL } from "./whiteboard-model.js";

const MAX_NOTES = 200_000;
const CURSOR_EVERY_MS = 200;

/** The one edit that turns `before` into `after`: what is the same at both ends stays. */
export function textChange(before: string, after: string): { index: number; remove: number; insert: string } {
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before[start] === after[start]) start++;
  let end = 0;
  while (end < shorter - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { index: start, remove: before.length - start - end, insert: after.slice(start, after.length - end) };
}

export class Notes {
  readonly shared: SharedDoc;
  readonly text: Y.Text;
  /** Where the others' cursors are (relative positions), by participant. */
  private readonly cursors = new Map<ParticipantId, Y.RelativePosition>();
  private readonly listeners = new Set<() => void>();
  private cursorTimer: ReturnType<typeof setTimeout> | undefined;
  private cursorIndex: number | undefined;

  constructor(private readonly context: CollabContext) {
    this.shared = new SharedDoc(context, "notes", {
      maxBytes: 4 * 1024 * 1024,
      rate: { perSecond: 40, burst: 200 },
      mayEdit: () => true,
      control: (from, message) => this.control(from, message),
    });
    this.text = this.shared.doc.getText("notes");
    this.shared.doc.on("update", () => this.changed());
  }

  get value(): string {
    return this.text.toString();
  }

  /** The person's textarea now reads `after`: the difference goes into the shared text. */
  edit(after: string): void {
    const before = this.value;
    if (after.length > MAX_NOTES) after = after.slice(0, MAX_NOTES);
    const { index, remove, insert } = textChange(before, after);
    if (!remove && !insert) return;
    this.shared.doc.transact(() => {
      if (remove) this.text.delete(index, remove);
      if (insert) this.text.insert(index, insert);
    }, LOCAL);
  }

  /** This person's cursor moved: the others hear of it soon (not on every key). */
  moveCursor(index: number): void {
    this.cursorIndex = index;
    this.cursorTimer ??= setTimeout(() => {
      this.cursorTimer = undefined;
      if (this.cursorIndex === undefined) return;
      const position = Y.createRelativePositionFromTypeIndex(this.text, Math.min(this.cursorIndex, this.text.length), -1);
      void this.shared.sendControl({ type: "cursor", at: Y.relativePositionToJSON(position) });
    }, CURSOR_EVERY_MS);
  }

  /** The others' cursors as indexes into the text now. */
  cursorsNow(): Map<ParticipantId, number> {
    const now = new Map<ParticipantId, number>();
    for (const [id, position] of this.cursors) {
      try {
        const absolute = Y.createAbsolutePositionFromRelativePosition(position, this.shared.doc);
        if (absolute && absolute.type === this.text) now.set(id, absolute.index);
      } catch {
        this.cursors.delete(id); // a position that names nothing in this document
      }
    }
    return now;
  }

  /**
   * Where `index` in this person's text will be after a change by others. Tied to the character
   * before it (the one just typed), so text others insert at the same place goes after the caret
   * and two people typing at one spot do not mix their letters.
   */
  anchor(index: number): () => number {
    const position = Y.createRelativePositionFromTypeIndex(this.text, Math.min(index, this.text.length), -1);
    return () => Y.createAbsolutePositionFromRelativePosition(position, this.shared.doc)?.index ?? index;
  }

  joined(): void {
    this.shared.joined();
  }

  left(id: ParticipantId): void {
    this.cursors.delete(id);
    this.shared.left(id);
    this.changed();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    clearTimeout(this.cursorTimer);
    this.shared.close();
    this.listeners.clear();
  }

  private control(from: ParticipantId, message: Record<string, unknown>): void {
    if (message.type !== "cursor") return this.context.refused("notes", from, "unknown control message");
    try {
      this.cursors.set(from, Y.createRelativePositionFromJSON(message.at));
    } catch {
      return this.context.refused("notes", from, "bad cursor");
    }
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
