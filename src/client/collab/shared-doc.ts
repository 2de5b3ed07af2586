/**
 * A yjs document on one content topic, with what every collaboration tool
 * needs around doc-sync.ts: whom a newcomer asks for the current state (a
 * moderator if there is one: only a moderator's word on policies counts),
 * asking someone else when that person leaves before answering, small JSON
 * control messages, and refusals reported once per sender and reason.
 */
import * as Y from "yjs";
import type { Participant, ParticipantId } from "../../protocol/messages.js";
import { FrameKind, decodeJson, encodeJson } from "./frames.js";
import { TopicChannel, type CollabTopic, type ContentChannel } from "./channel.js";
import { DocSync } from "./doc-sync.js";
import type { Pacer } from "./pacer.js";

/** What the collaboration tools need to know about the meeting. */
export interface CollabContext {
  readonly content: ContentChannel;
  /** One for all of this person's topics: together they stay under the server's budget. */
  readonly pacer: Pacer;
  /** The others in the meeting now, as the roster has them (with their roles). */
  others(): readonly Participant[];
  selfId(): ParticipantId | undefined;
  selfIsModerator(): boolean;
  /** Something `from` sent was refused: tell the person (once in a while) and the console. */
  refused(topic: CollabTopic, from: ParticipantId, reason: string): void;
}

export interface SharedDocOptions {
  /** The largest message (put back together from chunks) accepted. */
  maxBytes: number;
  rate: { perSecond: number; burst: number };
  mayEdit(from: ParticipantId): boolean;
  /** A control message (already checked to be a JSON object). */
  control(from: ParticipantId, message: Record<string, unknown>): void;
}

const ASK_AGAIN_MS = 5_000;
const ASK_ATTEMPTS = 4;

export class SharedDoc {
  readonly doc = new Y.Doc();
  readonly channel: TopicChannel;
  readonly sync: DocSync;
  private asked: ParticipantId | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly context: CollabContext,
    readonly topic: CollabTopic,
    options: SharedDocOptions,
  ) {
    const refused = (from: ParticipantId, reason: string) => context.refused(topic, from, reason);
    this.channel = new TopicChannel(context.content, topic, { maxBytes: options.maxBytes, maxOpen: 2, timeoutMs: 60_000 }, {
      frame: (from, frame) => {
        if (this.sync.receive(from, frame)) {
          if (frame.kind === FrameKind.reply && from === this.asked) this.asked = undefined;
          return;
        }
        if (frame.kind === FrameKind.control) options.control(from, decodeJson(frame.body));
        else refused(from, "unexpected frame");
      },
      refused,
    }, context.pacer);
    this.sync = new DocSync(this.doc, this.channel, { mayEdit: (from) => options.mayEdit(from), refused, rate: options.rate });
  }

  /**
   * Joined or rejoined: ask someone for the current state (a moderator first). Without an answer
   * within a few seconds (the request or the reply could not be opened yet: keys still on their
   * way after a reload), ask again, the next person in turn.
   */
  joined(attempt = 0): void {
    clearTimeout(this.retry);
    const others = [...this.context.others()].sort((a, b) => Number(b.role === "moderator") - Number(a.role === "moderator"));
    const from = others[attempt % Math.max(1, others.length)];
    this.asked = from?.id;
    if (!from) return;
    void this.sync.ask(from.id).catch(() => {});
    if (attempt < ASK_ATTEMPTS - 1) {
      this.retry = setTimeout(() => this.asked === from.id && this.joined(attempt + 1), ASK_AGAIN_MS);
    }
  }

  /** Someone left: what they were sending is dropped; if we were waiting for them, ask another. */
  left(id: ParticipantId): void {
    this.channel.forget(id);
    this.sync.forget(id);
    if (this.asked === id) this.joined();
  }

  sendControl(message: Record<string, unknown>, to?: ParticipantId): Promise<void> {
    return this.channel.send(encodeJson(message), to).catch(() => {});
  }

  roleOf(id: ParticipantId): Participant["role"] | undefined {
    return this.context.others().find((p) => p.id === id)?.role;
  }

  close(): void {
    clearTimeout(this.retry);
    this.sync.close();
    this.channel.close();
    this.doc.destroy();
  }
}
