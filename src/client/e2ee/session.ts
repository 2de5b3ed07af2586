/**
 * End-to-end encryption on the page: this participant's identity and sender
 * keys, the keys of everyone else, and the worker that encrypts and decrypts
 * the media frames. The meeting controller tells it who comes and goes; it
 * hands back sealed keys to send, opens the ones that arrive, seals and
 * opens chat and content (`sealing`), and reports for each participant whether their media
 * reaches us encrypted end to end.
 *
 * Key schedule (docs/e2ee.md): on joining, our key goes to everyone, sealed
 * pairwise. When someone arrives we move to the ratchet of our key and send
 * it to the newcomer only (those present ratchet their copy at the same
 * event; the newcomer cannot derive the keys before it). When someone leaves
 * we make a fresh key, send it to everyone still here, and switch to it a
 * moment later, once it has arrived: nobody's video freezes, and the leaver
 * has no key for what follows. A fresh key also replaces one whose frame
 * counter runs out, so no nonce is ever used twice.
 */
import type { Participant, ParticipantId, SubscribedStream } from "../../protocol/messages.js";
import { KEY_IDS, KeyRing } from "./keyring.js";
import {
  identityOf,
  expandSenderKey,
  newSenderKey,
  openSenderKey,
  pairwiseKey,
  passphraseSecret,
  ratchet,
  safetyCode,
  sealSenderKey,
  type Identity,
} from "./keys.js";
import { keptIdentityKeyPair } from "./kept-identity.js";
import type { MediaKind } from "./frame.js";
import type { FromWorker, ToWorker, TransformOptions } from "./worker.js";
import { SealedMessages } from "./sealed-messages.js";

export { REPEATED } from "./sealed-messages.js";

/** How long a fresh key travels before we encrypt with it (after someone left). */
export const KEY_SWITCH_DELAY_MS = 1_000;

/**
 * How a participant's media and chat reach us: `encrypted` (we hold their
 * key), `waiting` (their key has not arrived yet), `failed` (a key arrived
 * that we could not open: a different passphrase, or someone replaced a key
 * in transit), `unencrypted` (their browser cannot encrypt end to end) or
 * `changed` (we verified them, and now their identity key is another one:
 * nothing is exchanged with them until the person compares the code again).
 * `verified`: encrypted, and the person compared the safety code with them.
 */
export type PeerState = "encrypted" | "verified" | "waiting" | "failed" | "unencrypted" | "changed";

export interface E2eeEvents {
  /** Send our key `keyId`, sealed for each of some participants (through the server, which cannot open them). */
  sendKeys(keyId: number, sealed: Record<ParticipantId, string>): void;
  /** Someone's state changed. */
  changed(): void;
}

interface Peer {
  name: string;
  publicKey: string | null;
  pairwise: Promise<CryptoKey> | undefined;
  ring: KeyRing;
  state: PeerState;
}

/** What the session needs of its frame worker (a dedicated Worker running worker.ts). */
export type FrameWorker = Pick<Worker, "postMessage" | "addEventListener" | "terminate">;

/** Whether this browser can encrypt media frames end to end. */
export function e2eeSupported(): boolean {
  return typeof RTCRtpScriptTransform === "function" && typeof Worker === "function" && !!globalThis.crypto?.subtle;
}

export class E2eeSession {
  private selfId: ParticipantId | undefined;
  private readonly peers = new Map<ParticipantId, Peer>();
  /** Chat and content: sealed under our key (content after pending key changes), opened under the senders'. */
  readonly sealing = new SealedMessages({
    current: async (settled) => {
      if (settled) await this.queue;
      const { keyId, raw } = this.current;
      // Our own ring holds the key in use, already expanded (useKey put it there).
      const key = (await this.ownRing.get(keyId)) ?? (await expandSenderKey(raw));
      return { key, keyId, selfId: this.selfId ?? "" };
    },
    ringOf: (from) => (from === this.selfId ? this.ownRing : this.peers.get(from)?.ring),
  });
  /** The key we encrypt with now. */
  private current: { keyId: number; raw: Uint8Array };
  /** A fresh key on its way to everyone, used once KEY_SWITCH_DELAY_MS has passed. */
  private pending: { keyId: number; raw: Uint8Array; timer: ReturnType<typeof setTimeout> } | undefined;
  private readonly ownRing = new KeyRing();
  /** The epoch of the last key we sent; every send gets a higher one (see nextEpoch). */
  private lastEpoch = 0;
  /** Per identity key, the highest epoch of a key taken from it: for the life of the page. */
  private readonly epochs = new Map<string, number>();
  /** Whom the person verified, by participant id and by name, with the identity key they verified. */
  private readonly verifiedIds = new Map<ParticipantId, string>();
  private readonly verifiedNames = new Map<string, string>();
  /** Keys are applied in order: each change waits for the one before. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly identity: Identity,
    private readonly passphrase: Uint8Array | undefined,
    private readonly worker: FrameWorker,
    private readonly events: E2eeEvents,
  ) {
    this.current = { keyId: 0, raw: newSenderKey() };
    this.useKey(this.current);
    this.worker.addEventListener("message", (event: MessageEvent<FromWorker>) => {
      if (event.data.type === "rotate") this.enqueue(async () => this.rotate());
    });
  }

  /** A session for this page, with this tab's kept identity in the room; `passphrase` from the link's fragment, if any. */
  static async create(room: string, passphrase: string | undefined, events: E2eeEvents): Promise<E2eeSession> {
    const [identity, secret] = await Promise.all([
      keptIdentityKeyPair(room).then(identityOf),
      passphrase ? passphraseSecret(passphrase, room) : undefined,
    ]);
    return E2eeSession.with(identity, secret, new Worker("/e2ee-worker.js", { type: "module" }), events);
  }

  /** A session on a given identity and frame worker (create() makes both for a page; tests pass their own). */
  static with(identity: Identity, passphrase: Uint8Array | undefined, worker: FrameWorker, events: E2eeEvents): E2eeSession {
    return new E2eeSession(identity, passphrase, worker, events);
  }

  get publicKey(): string {
    return this.identity.publicKey;
  }

  /** Encrypts what this sender sends. */
  attachSender(sender: RTCRtpSender, kind: MediaKind): void {
    sender.transform = new RTCRtpScriptTransform(this.worker as Worker, { role: "send", kind } satisfies TransformOptions);
  }

  /** Decrypts what arrives on this receiver (its mid says whose it is, see `streams`). */
  attachReceiver(receiver: RTCRtpReceiver, kind: MediaKind, mid: string): void {
    receiver.transform = new RTCRtpScriptTransform(this.worker as Worker, { role: "receive", kind, mid } satisfies TransformOptions);
  }

  /** Which mid of the subscriber connection carries whom: call before applying the offer that says so. */
  streams(streams: SubscribedStream[]): void {
    this.post({
      type: "streams",
      // Only a participant known to have no key sends in the clear; a stream of anyone else must decrypt.
      streams: streams.map((s) => ({ mid: s.mid, participantId: s.participantId, encrypted: this.peers.get(s.participantId)?.publicKey !== null })),
    });
  }

  /** We are in (again): everyone here gets our current key. */
  joined(selfId: ParticipantId, participants: Participant[]): void {
    this.selfId = selfId;
    for (const id of [...this.peers.keys()]) this.forgetPeer(id);
    for (const p of participants) this.addPeer(p);
    this.enqueue(() => this.sendKeys([...this.peers.keys()], this.latestKey()));
    this.events.changed();
  }

  /**
   * Someone arrived: we move on to the ratchet of our latest key (a fresh one on its way,
   * or the one in use), and they get it; everyone else moves on too, so we ratchet our
   * copies of their keys. One step per arrival on every side keeps everyone in step.
   */
  participantJoined(p: Participant): void {
    this.forgetPeer(p.id);
    for (const [id, peer] of this.peers) {
      peer.ring.advance();
      this.post({ type: "advance", participantId: id });
    }
    this.addPeer(p);
    this.enqueue(async () => {
      const latest = this.latestKey();
      const next = { keyId: (latest.keyId + 1) % KEY_IDS, raw: await ratchet(latest.raw) };
      if (this.pending) {
        // Still on its way to the others, who ratchet it as well; the switch comes as planned.
        this.pending = { ...next, timer: this.pending.timer };
        this.ownRing.set(next.keyId, next.raw);
      } else {
        this.current = next;
        this.useKey(next);
      }
      await this.sendKeys([p.id], next);
    });
    this.events.changed();
  }

  /**
   * Breakout rooms (docs/e2ee.md): we share keys with exactly these participants now. Whoever
   * left the set has no key for what follows and whoever joined it has none for what came
   * before: after any change, one fresh key for everyone in the set. No ratchet steps here,
   * since the others' sets differ from ours.
   */
  setPeers(participants: readonly Participant[]): void {
    const wanted = new Set(participants.map((p) => p.id));
    let changed = false;
    for (const id of [...this.peers.keys()]) if (!wanted.has(id)) changed = this.forgetPeer(id) || changed;
    for (const p of participants) {
      if (this.peers.has(p.id)) continue;
      this.addPeer(p);
      changed = true;
    }
    if (!changed) return;
    this.enqueue(() => this.rotate());
    this.events.changed();
  }

  /** Someone's record changed; a new identity key means a new person as far as keys go. */
  participantUpdated(p: Participant): void {
    const peer = this.peers.get(p.id);
    if (!peer || peer.publicKey !== p.publicKey) this.participantJoined(p);
  }

  /** The person compared the safety code with this participant and it matched. */
  markVerified(id: ParticipantId): void {
    const peer = this.peers.get(id);
    if (!peer?.publicKey) return;
    this.verifiedIds.set(id, peer.publicKey);
    this.verifiedNames.set(peer.name, peer.publicKey);
    if (peer.state === "changed") {
      // Verified again with the new key: keys flow from now on, as for a newcomer.
      this.peers.delete(id);
      this.addPeer({ ...this.recordOf(id, peer), publicKey: peer.publicKey });
      this.enqueue(() => this.sendKeys([id], this.latestKey()));
    }
    this.events.changed();
  }

  /** Whether the person verified this participant's current identity key. */
  isVerified(id: ParticipantId): boolean {
    const peer = this.peers.get(id);
    return !!peer?.publicKey && peer.state !== "changed" && this.verifiedIds.get(id) === peer.publicKey;
  }

  /** Someone left: a fresh key for everyone still here. */
  participantLeft(id: ParticipantId): void {
    if (!this.forgetPeer(id)) return;
    this.enqueue(() => this.rotate());
    this.events.changed();
  }

  /** A sealed key from another participant. */
  receiveKey(from: ParticipantId, keyId: number, sealed: string): void {
    const peer = this.peers.get(from);
    if (!peer?.pairwise || !this.selfId) return;
    const selfId = this.selfId;
    this.enqueue(async () => {
      const opened = await openSenderKey(await peer.pairwise!, sealed, from, selfId, keyId);
      if (this.peers.get(from) !== peer) return; // they left or changed identity meanwhile
      if (!opened) {
        this.setState(peer, "failed");
        return;
      }
      // A key from the past, sent again: the server replays it. It changes nothing.
      const identity = peer.publicKey!;
      if (opened.epoch <= (this.epochs.get(identity) ?? 0)) return;
      this.epochs.set(identity, opened.epoch);
      const { raw } = opened;
      peer.ring.set(keyId, raw);
      this.post({ type: "receiveKey", participantId: from, keyId, raw });
      this.setState(peer, "encrypted");
    });
  }

  /** How a participant's media reaches us. */
  stateOf(id: ParticipantId): PeerState {
    const state = this.peers.get(id)?.state ?? "waiting";
    return state === "encrypted" && this.isVerified(id) ? "verified" : state;
  }

  /** The safety code of us and this participant; undefined if their browser cannot encrypt. */
  safetyCode(id: ParticipantId): Promise<string> | undefined {
    const peerKey = this.peers.get(id)?.publicKey;
    return peerKey ? safetyCode(this.identity.publicKey, peerKey) : undefined;
  }

  /** Ends encryption on this page: the worker goes, and every key is overwritten and dropped. */
  close(): void {
    if (this.pending) globalThis.clearTimeout(this.pending.timer);
    this.worker.terminate();
    this.closed = true;
    this.current.raw.fill(0);
    this.pending?.raw.fill(0);
    this.pending = undefined;
    this.ownRing.clear();
    for (const peer of this.peers.values()) peer.ring.clear();
    this.peers.clear();
  }

  /** A fresh key, sent to everyone here, used once it has had time to arrive. */
  private async rotate(): Promise<void> {
    if (this.pending) globalThis.clearTimeout(this.pending.timer);
    const fresh = { keyId: (this.latestKey().keyId + 1) % KEY_IDS, raw: newSenderKey() };
    this.ownRing.set(fresh.keyId, fresh.raw);
    const timer = globalThis.setTimeout(() => this.enqueue(async () => this.switchToPending()), KEY_SWITCH_DELAY_MS);
    this.pending = { ...fresh, timer };
    await this.sendKeys([...this.peers.keys()], fresh);
  }

  /**
   * The key others should hold from now on: a fresh key on its way, or the one in use.
   * A newcomer gets only that: not the key used before they came.
   */
  private latestKey(): { keyId: number; raw: Uint8Array } {
    return this.pending ?? this.current;
  }

  private addPeer(p: Pick<Participant, "id" | "name" | "publicKey">): void {
    // Someone verified before (by id, or by name after leaving) with another identity key now.
    const verified = this.verifiedIds.get(p.id) ?? this.verifiedNames.get(p.name);
    const changed = verified !== undefined && verified !== p.publicKey;
    const pairwise = p.publicKey && !changed ? pairwiseKey(this.identity, p.publicKey, this.passphrase) : undefined;
    pairwise?.catch(() => {}); // a key the browser rejects shows as "failed" when it is used
    const state: PeerState = changed ? "changed" : p.publicKey ? "waiting" : "unencrypted";
    this.peers.set(p.id, { name: p.name, publicKey: p.publicKey, pairwise, ring: new KeyRing(), state });
  }

  private recordOf(id: ParticipantId, peer: Peer): Pick<Participant, "id" | "name" | "publicKey"> {
    return { id, name: peer.name, publicKey: peer.publicKey };
  }

  /** The epoch of a key we send now: above every one before, and above any of an earlier page of ours (time only grows). */
  private nextEpoch(): number {
    this.lastEpoch = Math.max(Date.now(), this.lastEpoch + 1);
    return this.lastEpoch;
  }

  private forgetPeer(id: ParticipantId): boolean {
    if (!this.peers.delete(id)) return false;
    this.post({ type: "forget", participantId: id });
    return true;
  }

  /** Seals `key` for each of `recipients` that can receive it, and sends them all in one message. */
  private async sendKeys(recipients: ParticipantId[], key: { keyId: number; raw: Uint8Array }): Promise<void> {
    const selfId = this.selfId;
    if (!selfId) return;
    const epoch = this.nextEpoch();
    const sealed: Record<ParticipantId, string> = {};
    await Promise.all(
      recipients.map(async (to) => {
        const peer = this.peers.get(to);
        if (!peer?.pairwise) return;
        try {
          sealed[to] = await sealSenderKey(await peer.pairwise, key.raw, selfId, to, key.keyId, epoch);
        } catch {
          this.setState(peer, "failed");
        }
      }),
    );
    if (Object.keys(sealed).length) this.events.sendKeys(key.keyId, sealed);
  }

  private switchToPending(): void {
    if (!this.pending) return;
    const { keyId, raw } = this.pending;
    this.pending = undefined;
    this.current = { keyId, raw };
    this.useKey(this.current);
  }

  private useKey(key: { keyId: number; raw: Uint8Array }): void {
    this.ownRing.set(key.keyId, key.raw);
    this.post({ type: "sendKey", keyId: key.keyId, raw: key.raw });
  }

  private setState(peer: Peer, state: PeerState): void {
    if (peer.state === state) return;
    peer.state = state;
    this.events.changed();
  }

  private enqueue(step: () => Promise<void>): void {
    this.queue = this.queue.then(() => (this.closed ? undefined : step())).catch((error: unknown) => console.warn("treff e2ee:", error));
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }
}
