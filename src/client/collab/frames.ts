/**
 * The framing every collaboration topic (whiteboard, notes, slides) puts
 * into the content channel's `data`: one kind byte, then that kind's bytes.
 * A message bigger than one content message (44 000 bytes of payload) is
 * cut into numbered chunks that the receiver puts back together, within a
 * size limit the receiver sets per topic, so nobody can make another
 * browser hold more than that. Pure: no DOM, no channel.
 */

/** What a frame carries; the numbers are on the wire (docs/protocol.md, "Collaboration"). */
export const FrameKind = {
  /** A yjs update made by the sender (whiteboard, notes). */
  update: 1,
  /** "Send me what I lack": the sender's yjs state vector (a newcomer asks one participant). */
  request: 2,
  /** The answer to `request`: the replier's state vector and the update the asker lacks. */
  reply: 3,
  /** A small JSON object: a policy, a cursor, a page turn, a deck announcement. */
  control: 4,
  /** One part of a message too big for one content message. */
  chunk: 5,
  /** A whole file (a presentation's PDF), normally sent in chunks. */
  file: 6,
} as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];
const KINDS = new Set<number>(Object.values(FrameKind));

/** The content channel takes at most this many bytes of payload per message. */
export const MAX_MESSAGE_BYTES = 44_000;
const CHUNK_HEADER = 1 + 4 + 4 + 4;
const CHUNK_PAYLOAD = MAX_MESSAGE_BYTES - CHUNK_HEADER;

export interface Frame {
  kind: FrameKind;
  body: Uint8Array;
}

/** A frame that is not one: refused with a reason the person can be told. */
export class FrameError extends Error {}

export function encodeFrame(kind: FrameKind, body: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(1 + body.length);
  bytes[0] = kind;
  bytes.set(body, 1);
  return bytes;
}

export function decodeFrame(bytes: Uint8Array): Frame {
  if (bytes.length < 1 || !KINDS.has(bytes[0]!)) throw new FrameError("unknown frame kind");
  return { kind: bytes[0] as FrameKind, body: bytes.subarray(1) };
}

export function encodeJson(value: unknown): Uint8Array {
  return encodeFrame(FrameKind.control, new TextEncoder().encode(JSON.stringify(value)));
}

/** A control frame's JSON object; anything else is a FrameError. */
export function decodeJson(body: Uint8Array): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    throw new FrameError("control message is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new FrameError("control message is not an object");
  return value as Record<string, unknown>;
}

/** Two byte strings as one, with the first one's length in front (a reply: state vector, update). */
export function pack(first: Uint8Array, second: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(4 + first.length + second.length);
  new DataView(bytes.buffer).setUint32(0, first.length);
  bytes.set(first, 4);
  bytes.set(second, 4 + first.length);
  return bytes;
}

export function unpack(bytes: Uint8Array): [Uint8Array, Uint8Array] {
  if (bytes.length < 4) throw new FrameError("reply too short");
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  if (length > bytes.length - 4) throw new FrameError("reply too short");
  return [bytes.subarray(4, 4 + length), bytes.subarray(4 + length)];
}

let nextTransfer = Math.floor(Math.random() * 0xffff_ffff);

/**
 * The content messages that carry `message` (an encoded frame): itself when it fits, else chunks
 * of [kind=chunk][transfer id u32][index u32][count u32][part].
 */
export function split(message: Uint8Array, partBytes = CHUNK_PAYLOAD): Uint8Array[] {
  if (message.length <= MAX_MESSAGE_BYTES) return [message];
  const id = nextTransfer++ >>> 0;
  const count = Math.ceil(message.length / partBytes);
  const parts: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const part = message.subarray(index * partBytes, (index + 1) * partBytes);
    const bytes = new Uint8Array(CHUNK_HEADER + part.length);
    const view = new DataView(bytes.buffer);
    bytes[0] = FrameKind.chunk;
    view.setUint32(1, id);
    view.setUint32(5, index);
    view.setUint32(9, count);
    bytes.set(part, CHUNK_HEADER);
    parts.push(bytes);
  }
  return parts;
}

interface Transfer {
  count: number;
  parts: (Uint8Array | undefined)[];
  received: number;
  bytes: number;
  started: number;
}

export interface ReassemblyLimits {
  /** The largest message put back together; a transfer that would be larger is refused. */
  maxBytes: number;
  /** Transfers one sender may have open at once. */
  maxOpen: number;
  /** A transfer not complete after this long is dropped (ms). */
  timeoutMs: number;
}

/** Puts chunked messages back together, per sender, within limits. */
export class Reassembly {
  private readonly open = new Map<string, Map<number, Transfer>>();

  constructor(
    private readonly limits: ReassemblyLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A chunk frame's body from `from`: the whole message once its last part arrived, else
   * undefined; a FrameError for a chunk that breaks the limits (the transfer is dropped).
   */
  add(from: string, body: Uint8Array): Uint8Array | undefined {
    if (body.length < 12) throw new FrameError("chunk too short");
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const id = view.getUint32(0);
    const index = view.getUint32(4);
    const count = view.getUint32(8);
    const part = body.subarray(12);
    const transfers = this.transfersOf(from);
    let transfer = transfers.get(id);
    if (!transfer) {
      if (count < 2 || (count - 1) * part.length > this.limits.maxBytes) throw new FrameError("message too large");
      if (transfers.size >= this.limits.maxOpen) throw new FrameError("too many transfers at once");
      transfer = { count, parts: new Array<Uint8Array | undefined>(count), received: 0, bytes: 0, started: this.now() };
      transfers.set(id, transfer);
    }
    if (count !== transfer.count || index >= count) {
      transfers.delete(id);
      throw new FrameError("chunk out of range");
    }
    if (transfer.parts[index]) return undefined; // a repeat
    transfer.bytes += part.length;
    if (transfer.bytes > this.limits.maxBytes) {
      transfers.delete(id);
      throw new FrameError("message too large");
    }
    transfer.parts[index] = part.slice();
    transfer.received++;
    if (transfer.received < count) return undefined;
    transfers.delete(id);
    const whole = new Uint8Array(transfer.bytes);
    let offset = 0;
    for (const piece of transfer.parts as Uint8Array[]) {
      whole.set(piece, offset);
      offset += piece.length;
    }
    return whole;
  }

  /** Bytes held for unfinished transfers (for tests and limits). */
  pendingBytes(): number {
    let bytes = 0;
    for (const transfers of this.open.values()) for (const transfer of transfers.values()) bytes += transfer.bytes;
    return bytes;
  }

  /** Bytes of `from`'s unfinished transfers: how far a big file has come. */
  pendingFrom(from: string): number {
    let bytes = 0;
    for (const transfer of this.open.get(from)?.values() ?? []) bytes += transfer.bytes;
    return bytes;
  }

  /** A sender left: what they were sending is dropped. */
  forget(from: string): void {
    this.open.delete(from);
  }

  private transfersOf(from: string): Map<number, Transfer> {
    let transfers = this.open.get(from);
    if (!transfers) {
      transfers = new Map();
      this.open.set(from, transfers);
    }
    const now = this.now();
    for (const [id, transfer] of transfers) if (now - transfer.started > this.limits.timeoutMs) transfers.delete(id);
    return transfers;
  }
}
