/**
 * One collaboration topic's view of the meeting's sealed content channel
 * (meeting/content.ts): send bytes to everyone or to one participant, and
 * hear what the others send. Big messages are split into chunks here and
 * sent one after another (each awaited and paced, so neither the socket's
 * buffer nor the server's budget overflows; urgent ones first); chunks that arrive are put back together within the topic's
 * limits. Tests hand a fake channel in its place.
 */
import type { ParticipantId } from "../../protocol/messages.js";
import { FrameError, FrameKind, Reassembly, decodeFrame, split, type Frame, type ReassemblyLimits } from "./frames.js";
import { Pacer } from "./pacer.js";

export type CollabTopic = "whiteboard" | "notes" | "slides";

/** The part of meeting/content.ts the collaboration tools use. */
export interface ContentChannel {
  send(topic: CollabTopic, bytes: Uint8Array, to?: ParticipantId): Promise<void>;
  on(topic: CollabTopic, handler: (from: ParticipantId, bytes: Uint8Array, info: { sealed: boolean; at: number }) => void): () => void;
}

export interface TopicHandlers {
  /** A whole frame from `from` (chunks already put back together). */
  frame(from: ParticipantId, frame: Frame): void;
  /** Something from `from` that was refused, and why (in English, for the console and tests). */
  refused(from: ParticipantId, reason: string): void;
  /** Part of a big message from `from` arrived: this many of its bytes are here. */
  progress?(from: ParticipantId, bytes: number): void;
}

interface Outgoing {
  part: Uint8Array;
  to: ParticipantId | undefined;
  done: (error?: unknown) => void;
}

export interface SendOptions {
  /** Goes before whatever bulk is still queued (a page turn while a file streams). */
  urgent?: boolean;
  /** Called after each chunk went out. */
  progress?: (sent: number, total: number) => void;
}

export class TopicChannel {
  private readonly bulk: Outgoing[] = [];
  private readonly urgent: Outgoing[] = [];
  private pumping = false;
  private readonly reassembly: Reassembly;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly content: ContentChannel,
    private readonly topic: CollabTopic,
    limits: ReassemblyLimits,
    private readonly handlers: TopicHandlers,
    private readonly pacer: Pacer = new Pacer(),
  ) {
    this.reassembly = new Reassembly(limits);
    this.unsubscribe = content.on(topic, (from, bytes) => this.receive(from, bytes));
  }

  /** Sends one encoded frame, in chunks if it is big; resolves once every chunk went out. */
  send(message: Uint8Array, to?: ParticipantId, options: SendOptions = {}): Promise<void> {
    const parts = split(message);
    const lane = options.urgent ? this.urgent : this.bulk;
    const sent = parts.map(
      (part, index) =>
        new Promise<void>((resolve, reject) =>
          lane.push({ part, to, done: (error) => (error ? reject(error) : (options.progress?.(index + 1, parts.length), resolve())) }),
        ),
    );
    void this.pump();
    return Promise.all(sent).then(() => {});
  }

  /** Chunks still to send. */
  get pendingParts(): number {
    return this.bulk.length + this.urgent.length;
  }

  /** Drops what is queued for `to` (or everything): a file nobody needs any more. */
  drop(to?: ParticipantId): void {
    for (const lane of [this.bulk, this.urgent]) {
      for (let i = lane.length - 1; i >= 0; i--) {
        if (to === undefined || lane[i]!.to === to) lane.splice(i, 1)[0]!.done(new Error("dropped"));
      }
    }
  }

  /** One part at a time, urgent ones first, each paced and awaited: the socket never overflows. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let next = this.urgent.shift() ?? this.bulk.shift(); next; next = this.urgent.shift() ?? this.bulk.shift()) {
        try {
          await this.pacer.take(next.part.length);
          await this.content.send(this.topic, next.part, next.to);
          next.done();
        } catch (error) {
          next.done(error ?? new Error("not sent"));
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  forget(from: ParticipantId): void {
    this.reassembly.forget(from);
  }

  close(): void {
    this.unsubscribe();
  }

  private receive(from: ParticipantId, bytes: Uint8Array): void {
    try {
      let frame = decodeFrame(bytes);
      if (frame.kind === FrameKind.chunk) {
        const whole = this.reassembly.add(from, frame.body);
        if (!whole) return this.handlers.progress?.(from, this.reassembly.pendingFrom(from));
        frame = decodeFrame(whole);
        if (frame.kind === FrameKind.chunk) throw new FrameError("chunk inside a chunk");
      }
      this.handlers.frame(from, frame);
    } catch (error) {
      this.handlers.refused(from, error instanceof Error ? error.message : String(error));
    }
  }
}
