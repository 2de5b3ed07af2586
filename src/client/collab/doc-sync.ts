/**
 * A yjs document shared over one content topic, with nothing on the server:
 * - every local change goes to everyone as an `update` (changes within
 *   40 ms are merged into one, so a pen stroke is a few messages a second);
 * - a newcomer (or a page back after a reconnect) sends `request` with its
 *   state vector to one participant, who answers `to` it alone with `reply`:
 *   its own state vector and what the asker lacks; the asker then sends
 *   everyone what only it had (changes made while it was away);
 * - what arrives is checked before it touches the document: the sender may
 *   edit (`mayEdit`, e.g. "moderators only" from the roster's roles), sends
 *   no more than its rate, and the update decodes; anything else is refused
 *   with a reason and changes nothing.
 */
import * as Y from "yjs";
import type { ParticipantId } from "../../protocol/messages.js";
import { TokenBucket } from "../../common/token-bucket.js";
import { FrameError, FrameKind, encodeFrame, pack, unpack, type Frame } from "./frames.js";
import type { TopicChannel } from "./channel.js";

/** The origin of changes that came from others: they are not sent on, and not in anyone's undo. */
export const REMOTE = Symbol("remote");
const BATCH_MS = 40;

export interface DocSyncOptions {
  /** May `from` change the document now? (Replies to our own request are always taken.) */
  mayEdit(from: ParticipantId): boolean;
  /** Something from `from` was refused. */
  refused(from: ParticipantId, reason: string): void;
  /** Updates per second per sender, and the burst allowed. */
  rate: { perSecond: number; burst: number };
  /** The clock of the rate limit (tests give their own). */
  now?: () => number;
}

export class DocSync {
  private pending: Uint8Array[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly buckets = new Map<ParticipantId, TokenBucket>();
  /** Whom we asked for the document and have not answered yet. */
  private asked: ParticipantId | undefined;
  private closed = false;
  private readonly onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === REMOTE || this.closed) return;
    this.pending.push(update);
    this.flushTimer ??= setTimeout(() => this.flush(), BATCH_MS);
  };

  constructor(
    readonly doc: Y.Doc,
    private readonly channel: TopicChannel,
    private readonly options: DocSyncOptions,
  ) {
    doc.on("update", this.onUpdate);
  }

  /** Asks `from` for the whole document (after joining, or rejoining). */
  ask(from: ParticipantId): Promise<void> {
    this.asked = from;
    return this.channel.send(encodeFrame(FrameKind.request, Y.encodeStateVector(this.doc)), from);
  }

  /** A frame of this topic from `from`; true if it was a sync frame (handled here). */
  receive(from: ParticipantId, frame: Frame): boolean {
    switch (frame.kind) {
      case FrameKind.update:
        if (!this.options.mayEdit(from)) this.options.refused(from, "not allowed to edit");
        else if (!this.bucketOf(from).take()) this.options.refused(from, "too many updates");
        else this.apply(from, frame.body);
        return true;
      case FrameKind.request:
        void this.answer(from, frame.body);
        return true;
      case FrameKind.reply:
        this.replied(from, frame.body);
        return true;
      default:
        return false;
    }
  }

  /** Sends what is waiting now (also called before a page turn or export, so nothing lags). */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.pending.length || this.closed) return;
    const update = this.pending.length === 1 ? this.pending[0]! : Y.mergeUpdates(this.pending);
    this.pending = [];
    void this.channel.send(encodeFrame(FrameKind.update, update)).catch(() => {});
  }

  forget(from: ParticipantId): void {
    this.buckets.delete(from);
    if (this.asked === from) this.asked = undefined;
  }

  close(): void {
    this.flush();
    this.closed = true;
    this.doc.off("update", this.onUpdate);
  }

  private async answer(from: ParticipantId, stateVector: Uint8Array): Promise<void> {
    try {
      const missing = Y.encodeStateAsUpdate(this.doc, stateVector);
      await this.channel.send(encodeFrame(FrameKind.reply, pack(Y.encodeStateVector(this.doc), missing)), from);
    } catch (error) {
      this.options.refused(from, error instanceof Error ? `bad request: ${error.message}` : "bad request");
    }
  }

  private replied(from: ParticipantId, body: Uint8Array): void {
    if (from !== this.asked) return this.options.refused(from, "reply nobody asked for");
    this.asked = undefined;
    const [theirVector, update] = unpack(body);
    if (!this.apply(from, update)) return;
    // What only we had (drawn while away): to everyone, as an update.
    let ours: Uint8Array;
    try {
      ours = Y.encodeStateAsUpdate(this.doc, theirVector);
    } catch {
      return this.options.refused(from, "bad state vector");
    }
    if (hasContent(ours)) void this.channel.send(encodeFrame(FrameKind.update, ours)).catch(() => {});
  }

  /** Applies an update if it decodes; true when it did. */
  private apply(from: ParticipantId, update: Uint8Array): boolean {
    try {
      // Decoding first touches nothing: a malformed update is refused before it reaches the document.
      Y.decodeUpdate(update);
      Y.applyUpdate(this.doc, update, REMOTE);
      return true;
    } catch (error) {
      this.options.refused(from, error instanceof FrameError ? error.message : "malformed update");
      return false;
    }
  }

  private bucketOf(from: ParticipantId): TokenBucket {
    let bucket = this.buckets.get(from);
    if (!bucket) {
      bucket = new TokenBucket(this.options.rate.burst, this.options.rate.perSecond, this.options.now);
      this.buckets.set(from, bucket);
    }
    return bucket;
  }
}

/** An update that carries structs or deletions (an empty one is a few zero bytes). */
function hasContent(update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update);
  return structs.length > 0 || ds.clients.size > 0;
}
