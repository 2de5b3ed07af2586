/**
 * Chat in one participant's meeting: sealed end to end when this page
 * encrypts, plain otherwise; incoming messages reach the view in the order
 * they came, sealed ones once opened.
 */
import type { ClientMessageInput, ServerMessageOf } from "../../protocol/messages.js";
import { REPEATED, type E2eeSession } from "../e2ee/session.js";
import type { ChatLine, MeetingView } from "../view.js";

export class MeetingChat {
  /** Sealed chat messages are opened one after another, so they stay in order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: (message: ClientMessageInput) => void,
    private readonly e2ee: () => E2eeSession | undefined,
    private readonly view: () => MeetingView | undefined,
  ) {}

  sendChat(text: string): void {
    const e2ee = this.e2ee();
    if (!e2ee) return this.send({ type: "chat", text });
    void e2ee.sealing.sealChat(text).then((sealed) => this.send({ type: "sealedChat", ...sealed }));
  }

  /** A plain message on a page that encrypts: the server could have written it, so it says so. */
  plain(message: ServerMessageOf<"chat">): void {
    this.show(async () => ({ ...message, unsealed: this.e2ee() !== undefined }));
  }

  sealed(message: ServerMessageOf<"sealedChat">): void {
    const { from, name, at } = message;
    this.show(async () => {
      const text = await this.e2ee()?.sealing.openChat(from, message.keyId, message.sealed);
      return text === REPEATED ? undefined : { from, name, at, text: text ?? null, unsealed: false };
    });
  }

  /** `undefined` from `open`: nothing to show. */
  private show(open: () => Promise<ChatLine | undefined>): void {
    const next = this.queue.then(open);
    this.queue = next.then(
      (line) => line && this.view()?.chat(line),
      () => {},
    );
  }
}
