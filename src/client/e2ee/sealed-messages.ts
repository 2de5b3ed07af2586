/**
 * Chat and content sealed end to end under sender keys (docs/e2ee.md, "Sealed
 * chat" and "Sealed content"): sealed with our key in use, opened with the
 * sender's key of that id, and each sealed message taken once, so a server
 * that sends one again is not believed.
 */
import type { ParticipantId } from "../../protocol/messages.js";
import type { KeyRing } from "./keyring.js";
import { openChat, openContent, sealChat, sealContent, type SenderKey } from "./keys.js";

/** What openChat and openContent give for a sealed message opened here before: the server sent it again. */
export const REPEATED = Symbol("a sealed message sent again");
/** Sealed messages (chat and content) remembered against repeats: far more than a meeting writes. */
const REMEMBERED_SEALED = 20_000;

/** Where sealing finds its keys (the E2EE session holds them). */
export interface SealingKeys {
  /**
   * Our key in use, expanded, with its id and our participant id. `settled`: after the key
   * changes already asked for (a ratchet for a newcomer), not the key in use this moment.
   */
  current(settled: boolean): Promise<{ key: SenderKey; keyId: number; selfId: string }>;
  /** The key ring of a sender (ours included), if we know them. */
  ringOf(from: ParticipantId): KeyRing | undefined;
}

export class SealedMessages {
  /** Nonces of the sealed messages opened so far, oldest first. */
  private readonly opened = new Set<string>();

  constructor(private readonly keys: SealingKeys) {}

  async sealChat(text: string): Promise<{ keyId: number; sealed: string }> {
    const { key, keyId, selfId } = await this.keys.current(false);
    return { keyId, sealed: await sealChat(key, text, selfId, keyId) };
  }

  openChat(from: ParticipantId, keyId: number, sealed: string): Promise<string | typeof REPEATED | undefined> {
    return this.openOnce(from, keyId, sealed, (key) => openChat(key, sealed, from, keyId));
  }

  /**
   * Content is sealed after the key changes already asked for: state sent to a newcomer right after
   * their participantJoined must be sealed with the key ratcheted for them, not the one before it,
   * which they never get (found by the polls' late-joiner test, issue 13).
   */
  async sealContent(topic: string, bytes: Uint8Array): Promise<{ keyId: number; sealed: string }> {
    const { key, keyId, selfId } = await this.keys.current(true);
    return { keyId, sealed: await sealContent(key, topic, bytes, selfId, keyId) };
  }

  openContent(from: ParticipantId, topic: string, keyId: number, sealed: string): Promise<Uint8Array | typeof REPEATED | undefined> {
    return this.openOnce(from, keyId, sealed, (key) => openContent(key, topic, sealed, from, keyId));
  }

  /** Opens something sealed with `from`'s key `keyId`, once: the same sealed message again is REPEATED. */
  private async openOnce<T>(from: ParticipantId, keyId: number, sealed: string, open: (key: SenderKey) => Promise<T | undefined>): Promise<T | typeof REPEATED | undefined> {
    const ring = this.keys.ringOf(from);
    const key = await ring?.get(keyId);
    const plain = key && (await open(key));
    if (plain === undefined) return undefined;
    ring?.confirm(keyId);
    // Every message is sealed under a random nonce (its first 12 bytes, 16 characters), and only the
    // holder of the key can seal one that opens: the same nonce twice is the server repeating a message.
    const nonce = sealed.slice(0, 16);
    if (this.opened.has(nonce)) return REPEATED;
    this.opened.add(nonce);
    if (this.opened.size > REMEMBERED_SEALED) this.opened.delete(this.opened.values().next().value!);
    return plain;
  }
}
