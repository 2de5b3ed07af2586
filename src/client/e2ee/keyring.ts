/**
 * One sender's keys as a receiver holds them, by key id. Keys arrive sealed
 * from the sender (after a departure: a fresh key) or are derived here when
 * a frame or chat message carries the id after the newest one (after an
 * arrival the sender moves on to the ratchet of its key, without a message
 * to those who are already in the meeting). The page keeps one ring per
 * sender for chat, the worker one per sender for frames.
 */
import { expandSenderKey, ratchet, type SenderKey } from "./keys.js";

/** Key ids wrap at 256. */
export const KEY_IDS = 256;
/** Ratchet steps a receiver takes on its own, at most, to catch up with a sender. */
const MAX_RATCHET_STEPS = 4;
/** Keys kept per sender: enough for frames still in flight under older keys. */
const KEPT = 8;

interface Entry {
  raw: Uint8Array;
  key: Promise<SenderKey>;
}

export class KeyRing {
  private readonly keys = new Map<number, Entry>();
  /** The id of the most recent key, from which ratchets start. */
  private newest: number | undefined;

  /** A key the sender sent. It replaces whatever this ring derived for the same id. */
  set(keyId: number, raw: Uint8Array): void {
    this.keys.set(keyId, { raw, key: expandSenderKey(raw) });
    this.newest = keyId;
    this.prune();
  }

  /** The key with this id: known, or ratcheted forward from the newest. Undefined if neither. */
  async get(keyId: number): Promise<SenderKey | undefined> {
    const known = this.keys.get(keyId);
    if (known) return known.key;
    if (this.newest === undefined) return undefined;
    const steps = (keyId - this.newest + KEY_IDS) % KEY_IDS;
    if (steps === 0 || steps > MAX_RATCHET_STEPS) return undefined;
    const start = this.newest;
    let id = start;
    let raw = this.keys.get(id)!.raw;
    for (let i = 0; i < steps; i++) {
      raw = await ratchet(raw);
      id = (id + 1) % KEY_IDS;
      // Another call may have derived or received it meanwhile: a received key wins.
      if (!this.keys.has(id)) this.keys.set(id, { raw, key: expandSenderKey(raw) });
      raw = this.keys.get(id)!.raw;
    }
    if (this.newest === start) this.newest = keyId;
    this.prune();
    return this.keys.get(keyId)?.key;
  }

  private prune(): void {
    for (const id of this.keys.keys()) {
      if (this.keys.size <= KEPT) return;
      if (id !== this.newest) this.keys.delete(id);
    }
  }
}
