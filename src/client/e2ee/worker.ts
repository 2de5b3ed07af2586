/**
 * The E2EE worker: every encoded audio and video frame this page sends or
 * receives passes through here (RTCRtpScriptTransform). Frames it sends are
 * encrypted under the current sender key; frames it receives are decrypted
 * with the key of the participant whose stream arrives on that mid, and
 * dropped if that fails: a frame that cannot be authenticated is never
 * shown. The page tells the worker its keys and which mid carries whom
 * (messages below); the worker never learns an identity key.
 */
import { clearBytes, decryptFrame, encryptFrame, frameCounter, frameKeyId, type MediaKind } from "./frame.js";
import { expandSenderKey, type SenderKey } from "./keys.js";
import { KeyRing } from "./keyring.js";
import { ReplayWindow } from "./replay.js";

/** What the page tells the worker. */
export type ToWorker =
  /** From now on, frames are sent under this key. */
  | { type: "sendKey"; keyId: number; raw: Uint8Array }
  /** One of a participant's sender keys. */
  | { type: "receiveKey"; participantId: string; keyId: number; raw: Uint8Array }
  /** Someone arrived: this participant moved on to the ratchet of their key. */
  | { type: "advance"; participantId: string }
  /** A participant left, or changed identity: their keys go. */
  | { type: "forget"; participantId: string }
  /** Which participant's stream arrives on which mid, and whether that participant encrypts. */
  | { type: "streams"; streams: { mid: string; participantId: string; encrypted: boolean }[] }
  /** Asks for the counters below. */
  | { type: "stats" };

/** What the worker tells the page: the counters asked for, or that the send key needs replacing. */
export type FromWorker = { type: "stats"; stats: FrameStats } | { type: "rotate" };

/**
 * Frames one key may encrypt: the counter in the nonce has 32 bits. Well before
 * that (a year of sending) the page is asked for a fresh key; at the limit,
 * frames are dropped rather than a nonce used twice.
 */
const COUNTER_LIMIT = 2 ** 32;
const ROTATE_AT = COUNTER_LIMIT - 2 ** 20;

export interface FrameStats {
  encrypted: number;
  /** Time spent encrypting, in ms, over all frames. */
  encryptMs: number;
  decrypted: number;
  decryptMs: number;
  /** Frames dropped because no key fitted or they had been changed. */
  failed: number;
  /** Genuine frames dropped because one with the same counter and key had been accepted (a replay). */
  replayed: number;
}

/** The options each RTCRtpScriptTransform of the page carries. */
export type TransformOptions = { role: "send"; kind: MediaKind } | { role: "receive"; kind: MediaKind; mid: string };

interface EncodedFrame {
  data: ArrayBuffer;
  /** Video only: "key", "delta" or "empty". */
  type?: string;
}

interface Transformer {
  readonly options: TransformOptions;
  readonly readable: ReadableStream<EncodedFrame>;
  readonly writable: WritableStream<EncodedFrame>;
  sendKeyFrameRequest?(): Promise<void>;
}

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  onrtctransform: ((event: { transformer: Transformer }) => void) | null;
  postMessage(message: FromWorker): void;
}

const scope = globalThis as unknown as WorkerScope;

let sending: { keyId: number; key: Promise<SenderKey>; counter: number } | undefined;
const rings = new Map<string, KeyRing>();
const streams = new Map<string, { participantId: string; encrypted: boolean }>();
const stats: FrameStats = { encrypted: 0, encryptMs: 0, decrypted: 0, decryptMs: 0, failed: 0, replayed: 0 };
/** Per key (rings hand out one object per key's bytes): the counters its frames used so far. */
const replayWindows = new WeakMap<SenderKey, ReplayWindow>();
const replayWindowOf = (key: SenderKey) => replayWindows.get(key) ?? replayWindows.set(key, new ReplayWindow()).get(key)!;

const ringOf = (id: string) => rings.get(id) ?? rings.set(id, new KeyRing()).get(id)!;

/**
 * How long the frames of a sender whose key has not arrived yet are held back
 * rather than dropped. Right after someone joins, their first frames (a key
 * frame among them) often come a moment before the sealed key: dropped, the
 * picture would wait for the next key frame, which the media server grants
 * at most once a second. Held, they decrypt in order when the key comes.
 */
const KEY_WAIT_MS = 1_000;
/** Per sender: until when frames wait for a key (set by the first frame that found none), and who waits. */
const keyWaits = new Map<string, { until: number; wake: (() => void)[] }>();

/** Resolves when a key of this participant arrives, or at once if their frames have waited long enough. */
function keyArrival(participantId: string): Promise<void> {
  const now = performance.now();
  const wait = keyWaits.get(participantId) ?? keyWaits.set(participantId, { until: now + KEY_WAIT_MS, wake: [] }).get(participantId)!;
  if (now >= wait.until) return Promise.resolve();
  return new Promise((resolve) => {
    wait.wake.push(resolve);
    setTimeout(resolve, wait.until - now);
  });
}

function keyArrived(participantId: string): void {
  for (const wake of keyWaits.get(participantId)?.wake ?? []) wake();
  keyWaits.delete(participantId);
}

scope.onmessage = ({ data: message }) => {
  switch (message.type) {
    case "sendKey":
      sending = { keyId: message.keyId, key: expandSenderKey(message.raw), counter: 0 };
      return;
    case "receiveKey":
      ringOf(message.participantId).set(message.keyId, message.raw);
      keyArrived(message.participantId);
      return;
    case "advance":
      rings.get(message.participantId)?.advance(); // no keys yet: nothing to move on from
      return;
    case "forget":
      keyWaits.delete(message.participantId);
      rings.delete(message.participantId);
      return;
    case "streams":
      streams.clear();
      for (const { mid, ...owner } of message.streams) streams.set(mid, owner);
      return;
    case "stats":
      scope.postMessage({ type: "stats", stats: { ...stats } });
      return;
  }
};

/** Where a transformed frame goes. */
interface FrameSink {
  enqueue(frame: EncodedFrame): void;
}

scope.onrtctransform = ({ transformer }) => {
  const { options } = transformer;
  const transform = options.role === "send" ? encrypt(options.kind) : decrypt(options.kind, options.mid, transformer);
  void run(transformer, transform);
};

/**
 * Reads each frame, transforms it, writes it on: one frame at a time, in
 * order. A plain loop rather than a TransformStream in between, so a frame
 * whose transform throws is dropped and the stream goes on (a failed
 * TransformStream would end the stream, and the picture with it).
 */
async function run(transformer: Transformer, transform: (frame: EncodedFrame, sink: FrameSink) => Promise<void>): Promise<void> {
  const reader = transformer.readable.getReader();
  const writer = transformer.writable.getWriter();
  const sink: FrameSink = { enqueue: (frame) => void writer.write(frame).catch(() => {}) };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    try {
      await transform(value, sink);
    } catch {
      stats.failed++; // one bad frame is dropped; the stream goes on
    }
  }
}

const isKeyFrame = (frame: EncodedFrame) => frame.type === "key";

function encrypt(kind: MediaKind) {
  return async (frame: EncodedFrame, output: FrameSink) => {
    // Nothing to send before the first key: an unencrypted frame must never leave.
    if (!sending || frame.data.byteLength === 0 || sending.counter >= COUNTER_LIMIT) return;
    const { keyId, key } = sending;
    const counter = sending.counter++;
    if (counter === ROTATE_AT) scope.postMessage({ type: "rotate" });
    const started = performance.now();
    frame.data = await encryptFrame(await key, keyId, counter, frame.data, clearBytes(kind, isKeyFrame(frame)));
    stats.encrypted++;
    stats.encryptMs += performance.now() - started;
    output.enqueue(frame);
  };
}

function decrypt(kind: MediaKind, mid: string, transformer: Transformer) {
  let failing = false;
  return async (frame: EncodedFrame, output: FrameSink) => {
    const owner = streams.get(mid);
    if (!owner || frame.data.byteLength === 0) return;
    // A participant whose browser cannot encrypt sends in the clear; the page shows them as such.
    if (!owner.encrypted) return output.enqueue(frame);
    const started = performance.now();
    const keyId = frameKeyId(frame.data);
    if (keyId !== undefined && !rings.has(owner.participantId)) await keyArrival(owner.participantId);
    const ring = rings.get(owner.participantId);
    const key = keyId === undefined ? undefined : await ring?.get(keyId);
    const plain = key && (await decryptFrame(key, frame.data, clearBytes(kind, isKeyFrame(frame))));
    if (!plain || keyId === undefined) {
      stats.failed++;
      failing = true;
      return;
    }
    if (!replayWindowOf(key).accept(frameCounter(frame.data)!)) {
      stats.replayed++;
      return;
    }
    // After frames were dropped (the key came late), the decoder needs a key frame to go on.
    if (failing && kind === "video") void transformer.sendKeyFrameRequest?.().catch(() => {});
    failing = false;
    ring?.confirm(keyId);
    frame.data = plain;
    stats.decrypted++;
    stats.decryptMs += performance.now() - started;
    output.enqueue(frame);
  };
}
