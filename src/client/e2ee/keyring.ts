/**
 * One sender's keys as a receiver holds them, by key id. Keys arrive sealed
 * from the sender (after a departure: a fresh key) or are derived here:
 * after an arrival the sender moves on to the ratchet of its key, without a
 * message to those who are already in the meeting, so each of them
 * `advance`s its ring for that sender at the same event. A frame or chat
 * message with an id a few steps after the newest key is a late event: the
 * ring derives that key too. The page keeps one ring per sender for chat,
 * the worker one per sender for frames.
 *
 * A key derived for a frame is only a guess until something decrypts under
 * it: the key id travels in the clear, so anyone on the path could write a
 * made-up id. Only a received key, an `advance`, or a derived key the caller
 * `confirm`s after it authenticated something moves the ring forward. Keys
 * the ring derived give way to a received key's own ratchets.
 *
 * Changes apply in the order they are made, each after the one before.
 *
 * The same key bytes always come back as the same SenderKey object, also when
 * a received key replaces the one this ring derived for its id (usually the
 * very same bytes): the worker keeps each key's replay window by that object.
 */
import { expandSenderKey, ratchet, type SenderKey } from "./keys.js";

/** Key ids wrap at 256. */
export const KEY_IDS = 256;
/** Ratchet steps a receiver takes on its own, at most, to catch up with a sender. */
const MAX_RATCHET_STEPS = 4;
/** Keys kept per sender: enough for frames still in flight under older keys, and a burst of arrivals. */
const KEPT = 16;
/** How far a ring may have advanced past a key that arrives late, and still catch up from it. */
const MAX_ADVANCED = KEPT - MAX_RATCHET_STEPS;

interface Entry {
  raw: Uint8Array;
  key: Promise<SenderKey>;
  /** Derived here and not yet confirmed by a frame that decrypted. */
  derived: boolean;
}

const after = (keyId: number, steps: number) => (keyId + steps) % KEY_IDS;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

export class KeyRing {
  private readonly keys = new Map<number, Entry>();
  /** The id of the most recent key known to be the sender's, from which ratchets start. */
  private newest: number | undefined;
  /** `set` and `advance`, in the order they were made. */
  private changes: Promise<void> = Promise.resolve();
  /** Entries this ring dropped for a received key, in case the same bytes come back. */
  private readonly replaced: Entry[] = [];

  /**
   * A key the sender sent. It replaces whatever this ring derived for its id and the ids
   * after it. A fresh key takes the id after the sender's key at the time; if this ring
   * advanced past that id meanwhile (people arrived while the key was on its way, and the
   * sender ratcheted it once for each), it advances from the fresh key as often again.
   */
  set(keyId: number, raw: Uint8Array): void {
    this.changes = this.changes.then(async () => {
      const arrivals = this.newest === undefined ? 0 : (this.newest - keyId + 1 + KEY_IDS) % KEY_IDS;
      const replay = arrivals <= MAX_ADVANCED ? arrivals : 0;
      for (let steps = 1; steps <= replay + MAX_RATCHET_STEPS; steps++) {
        const successor = this.keys.get(after(keyId, steps));
        if (successor?.derived) this.retire(after(keyId, steps), successor);
      }
      const previous = this.keys.get(keyId);
      if (previous) this.retire(keyId, previous);
      this.keys.set(keyId, { ...this.entry(raw), derived: false });
      this.newest = keyId;
      for (let i = 0; i < replay; i++) await this.step();
      this.prune();
    });
  }

  /** Someone arrived: the sender moved on to the ratchet of its newest key, and so does this ring. */
  advance(): void {
    this.changes = this.changes.then(async () => {
      await this.step();
      this.prune();
    });
  }

  /** Forgets every key, its bytes overwritten. */
  clear(): void {
    for (const { raw } of [...this.keys.values(), ...this.replaced]) raw.fill(0);
    this.keys.clear();
    this.replaced.length = 0;
    this.newest = undefined;
  }

  private async step(): Promise<void> {
    if (this.newest === undefined) return;
    const id = after(this.newest, 1);
    if (!this.keys.has(id)) {
      const raw = await ratchet(this.keys.get(this.newest)!.raw);
      if (!this.keys.has(id)) this.keys.set(id, this.entry(raw));
    }
    this.newest = id;
  }

  /** The key with this id: known, or ratcheted forward from the newest. Undefined if neither. */
  async get(keyId: number): Promise<SenderKey | undefined> {
    await this.changes;
    const known = this.keys.get(keyId);
    if (known) return known.key;
    if (this.newest === undefined) return undefined;
    const steps = (keyId - this.newest + KEY_IDS) % KEY_IDS;
    if (steps === 0 || steps > MAX_RATCHET_STEPS) return undefined;
    let id = this.newest;
    let raw = this.keys.get(id)!.raw;
    for (let i = 0; i < steps; i++) {
      const next = await ratchet(raw);
      id = after(id, 1);
      // Another call may have derived or received it meanwhile: what is there wins.
      if (!this.keys.has(id)) this.keys.set(id, this.entry(next));
      raw = this.keys.get(id)!.raw;
    }
    this.prune();
    return this.keys.get(keyId)?.key;
  }

  /** Something decrypted under this key: it is the sender's, and ratchets start from it from now on. */
  confirm(keyId: number): void {
    const entry = this.keys.get(keyId);
    if (!entry || this.newest === undefined) return;
    const steps = (keyId - this.newest + KEY_IDS) % KEY_IDS;
    if (steps === 0 || steps > MAX_RATCHET_STEPS) return;
    this.newest = keyId;
  }

  /** A derived entry for these bytes: the one dropped earlier for the same bytes, if any. */
  private entry(raw: Uint8Array): Entry {
    const at = this.replaced.findIndex((entry) => sameBytes(entry.raw, raw));
    if (at < 0) return { raw, key: expandSenderKey(raw), derived: true };
    const [entry] = this.replaced.splice(at, 1);
    return { ...entry!, derived: true };
  }

  private retire(keyId: number, entry: Entry): void {
    this.keys.delete(keyId);
    this.replaced.push(entry);
    if (this.replaced.length > KEPT) this.replaced.shift();
  }

  private prune(): void {
    for (const id of this.keys.keys()) {
      if (this.keys.size <= KEPT) return;
      if (id !== this.newest) this.keys.delete(id);
    }
  }
}
