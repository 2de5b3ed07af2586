/**
 * The meeting's whiteboard: shapes (whiteboard-model.ts) in a yjs document
 * shared over the `whiteboard` topic (shared-doc.ts), and who may draw.
 * The content is sealed, so the server cannot enforce "moderators only":
 * every browser does, refusing updates from anyone the roster does not
 * show as a moderator while that policy holds. The policy itself counts
 * only when a moderator sends it; a moderator tells each newcomer who asks.
 */
import type { ParticipantId } from "../../protocol/messages.js";
import { SharedDoc, type CollabContext } from "./shared-doc.js";
import { LOCAL, WhiteboardModel } from "./whiteboard-model.js";

export type DrawPolicy = "everyone" | "moderators";

export class Whiteboard {
  readonly shared: SharedDoc;
  readonly model: WhiteboardModel;
  policy: DrawPolicy = "everyone";
  private readonly listeners = new Set<() => void>();

  constructor(private readonly context: CollabContext) {
    this.shared = new SharedDoc(context, "whiteboard", {
      maxBytes: 4 * 1024 * 1024,
      rate: { perSecond: 60, burst: 240 },
      mayEdit: (from) => this.policy === "everyone" || this.shared.roleOf(from) === "moderator",
      control: (from, message) => this.control(from, message),
    });
    this.model = new WhiteboardModel(this.shared.doc);
    this.shared.doc.on("update", () => this.changed());
  }

  /** Someone put the board on everyone's stage (kept in the document, so newcomers see it too). */
  get opened(): boolean {
    return this.shared.doc.getMap("meta").get("opened") === true;
  }

  /** Puts the board on everyone's stage (for those who may draw; the others just see it themselves). */
  open(): void {
    if (this.mayDraw && !this.opened) this.shared.doc.transact(() => this.shared.doc.getMap("meta").set("opened", true), LOCAL);
  }

  /** May this person draw now? */
  get mayDraw(): boolean {
    return this.policy === "everyone" || this.context.selfIsModerator();
  }

  /** A moderator sets who may draw, for everyone. */
  setPolicy(policy: DrawPolicy): void {
    if (!this.context.selfIsModerator()) return;
    this.policy = policy;
    void this.shared.sendControl({ type: "policy", draw: policy });
    this.changed();
  }

  /** Joined or rejoined: the board's state from someone, and (from a moderator) the policy. */
  joined(): void {
    this.shared.joined();
  }

  /** A moderator sends the policy to a newcomer (they ask whoever they ask for the board too). */
  welcome(id: ParticipantId): void {
    if (this.context.selfIsModerator() && this.policy !== "everyone") void this.shared.sendControl({ type: "policy", draw: this.policy }, id);
  }

  left(id: ParticipantId): void {
    this.shared.left(id);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.model.undoManager.destroy();
    this.shared.close();
    this.listeners.clear();
  }

  private control(from: ParticipantId, message: Record<string, unknown>): void {
    if (message.type !== "policy") return this.context.refused("whiteboard", from, "unknown control message");
    if (this.shared.roleOf(from) !== "moderator") return this.context.refused("whiteboard", from, "policy from a non-moderator");
    if (message.draw !== "everyone" && message.draw !== "moderators") return this.context.refused("whiteboard", from, "unknown policy");
    this.policy = message.draw;
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
