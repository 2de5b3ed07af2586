/**
 * The one way features share what participants create together (polls,
 * breakout names, whiteboard strokes, notes, slides): bytes per topic,
 * sealed end to end with the sender's current media key when the page
 * encrypts, plain otherwise; the server relays them and cannot read sealed
 * ones (docs/e2ee.md, "Content").
 *
 * Features encode their own payload and validate what arrives: it can come
 * from any participant, so a feature checks the sender's role where it
 * matters (only a moderator's "clear" counts).
 */
import type { ClientMessageInput, ContentRecipient, ContentTopic, ParticipantId, ServerMessageOf } from "../../protocol/messages.js";
import { fromBase64Url, toBase64Url } from "../e2ee/keys.js";
import { REPEATED, type E2eeSession } from "../e2ee/session.js";

export type ContentHandler = (from: ParticipantId, bytes: Uint8Array, info: { sealed: boolean; at: number }) => void;

/** Largest payload per `send`: sealed and in base64url it stays under the protocol's 60 000 characters. */
export const MAX_CONTENT_BYTES = 44_000;

/** Above this much unsent data on the socket, `send` waits: the server cuts connections that fall far behind. */
const BACKLOG_BYTES = 1024 * 1024;
const BACKLOG_POLL_MS = 50;

/**
 * Sealed content can arrive before its sender's key does (a newcomer is sent state at once; the key
 * takes a round trip): it is tried again after these pauses, then given up.
 */
export const OPEN_RETRIES_MS = [100, 250, 500, 1_000, 2_000, 4_000];

export interface ContentTransport {
  send(message: ClientMessageInput): void;
  /** Bytes the socket has not sent yet. */
  backlog(): number;
}

export class ContentChannel {
  private readonly handlers = new Map<ContentTopic, Set<ContentHandler>>();
  /** Per sender, what arrived is opened and handed on in the order it came. */
  private readonly inOrder = new Map<ParticipantId, Promise<void>>();

  constructor(
    private readonly transport: ContentTransport,
    private readonly e2ee: () => E2eeSession | undefined,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Sends `bytes` (at most MAX_CONTENT_BYTES) to everyone else, one participant, or the moderators. */
  async send(topic: ContentTopic, bytes: Uint8Array, to?: ContentRecipient): Promise<void> {
    if (bytes.length > MAX_CONTENT_BYTES) throw new RangeError(`content is sent in pieces of at most ${MAX_CONTENT_BYTES} bytes`);
    while (this.transport.backlog() > BACKLOG_BYTES) await this.sleep(BACKLOG_POLL_MS);
    const recipient = to === undefined ? {} : { to };
    const e2ee = this.e2ee();
    if (!e2ee) return this.transport.send({ type: "content", topic, data: toBase64Url(bytes), ...recipient });
    const { keyId, sealed } = await e2ee.sealing.sealContent(topic, bytes);
    this.transport.send({ type: "content", topic, data: sealed, keyId, ...recipient });
  }

  /** Calls `handler` for each piece of `topic` that arrives (and opens); returns how to stop. */
  on(topic: ContentTopic, handler: ContentHandler): () => void {
    const set = this.handlers.get(topic) ?? new Set();
    this.handlers.set(topic, set);
    set.add(handler);
    return () => set.delete(handler);
  }

  /** A `content` message from the server. */
  receive(message: ServerMessageOf<"content">): void {
    const { from } = message;
    const next = (this.inOrder.get(from) ?? Promise.resolve()).then(() => this.open(message)).then(
      (bytes) => bytes && this.handOn(message, bytes),
      () => {},
    );
    this.inOrder.set(from, next);
    // Forget a sender's chain once it has run out, so people who left leave nothing behind.
    void next.then(() => this.inOrder.get(from) === next && this.inOrder.delete(from));
  }

  private async open(message: ServerMessageOf<"content">): Promise<Uint8Array | undefined> {
    const e2ee = this.e2ee();
    if (message.keyId === undefined) {
      // On a page that encrypts, plain content could have been written by the server: it is dropped.
      if (e2ee) return undefined;
      try {
        return fromBase64Url(message.data);
      } catch {
        return undefined;
      }
    }
    if (!e2ee) return undefined;
    for (const pause of [0, ...OPEN_RETRIES_MS]) {
      if (pause) await this.sleep(pause);
      const bytes = await e2ee.sealing.openContent(message.from, message.topic, message.keyId, message.data);
      if (bytes === REPEATED) return undefined;
      if (bytes) return bytes;
    }
    return undefined;
  }

  private handOn(message: ServerMessageOf<"content">, bytes: Uint8Array): void {
    const info = { sealed: message.keyId !== undefined, at: message.at };
    for (const handler of this.handlers.get(message.topic) ?? []) {
      try {
        handler(message.from, bytes, info);
      } catch (error) {
        // One feature's bug must not stop the others from getting their content.
        console.warn(`content handler for ${message.topic} failed`, error);
      }
    }
  }
}
