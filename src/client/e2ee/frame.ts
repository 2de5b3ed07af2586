/**
 * Encryption of one encoded media frame, in the spirit of SFrame (RFC 9605):
 *
 *   clear codec header ‖ AES-GCM(payload) with its 16-byte tag ‖ counter (4 bytes) ‖ key id (1 byte)
 *
 * The nonce is the sender key's salt XOR the counter, so it never repeats
 * under one key. The clear header and the trailer are authenticated as
 * additional data: nobody can change them unnoticed.
 *
 * What stays clear, and why (docs/e2ee.md has the byte layout):
 * - VP8: the 3-byte frame tag of every frame (key frame flag, version, show
 *   flag, size of the first partition) and, on key frames, the next 7 bytes
 *   (start code and picture size). Janus reads them to find key frames,
 *   which it needs to switch simulcast layers; the receiving browser's
 *   depacketizer reads them too. The RTP payload descriptor (picture id,
 *   layer indices) is not part of the frame at all: the browser adds it
 *   after this transform, and Janus rewrites it when it switches layers.
 * - Opus: the 1-byte TOC (mode, bandwidth, frame size), as other SFrame
 *   users do, so the media server can tell frame types apart.
 */
import { NONCE_BYTES, type SenderKey } from "./keys.js";

export type MediaKind = "audio" | "video";

const TAG_BYTES = 16;
const COUNTER_BYTES = 4;
/** Counter and key id after the ciphertext. */
export const TRAILER_BYTES = COUNTER_BYTES + 1;
/** What encryption adds to each frame. */
export const FRAME_OVERHEAD = TAG_BYTES + TRAILER_BYTES;

/** How many leading bytes of a frame stay in the clear (see above). */
export function clearBytes(kind: MediaKind, keyFrame: boolean): number {
  if (kind === "audio") return 1;
  return keyFrame ? 10 : 3;
}

function nonce(salt: Uint8Array, counter: number): Uint8Array {
  const iv = salt.slice(0, NONCE_BYTES);
  const view = new DataView(iv.buffer);
  view.setUint32(NONCE_BYTES - COUNTER_BYTES, view.getUint32(NONCE_BYTES - COUNTER_BYTES) ^ counter);
  return iv;
}

/** Encrypts `frame`, keeping `clear` leading bytes readable. */
export async function encryptFrame(key: SenderKey, keyId: number, counter: number, frame: ArrayBuffer, clear: number): Promise<ArrayBuffer> {
  const bytes = new Uint8Array(frame);
  const header = bytes.subarray(0, Math.min(clear, bytes.length));
  const trailer = new Uint8Array(TRAILER_BYTES);
  new DataView(trailer.buffer).setUint32(0, counter);
  trailer[COUNTER_BYTES] = keyId;
  const cipher = await globalThis.crypto.subtle.encrypt(
    { name: "AES-GCM", iv: nonce(key.salt, counter) as BufferSource, additionalData: concat(header, trailer) as BufferSource },
    key.frameKey,
    bytes.subarray(header.length) as BufferSource,
  );
  return concat(header, new Uint8Array(cipher), trailer).buffer as ArrayBuffer;
}

/** Which key sealed a frame: the id in its last byte. Undefined if the frame is too short to be encrypted. */
export function frameKeyId(frame: ArrayBuffer): number | undefined {
  return frame.byteLength >= FRAME_OVERHEAD ? new Uint8Array(frame)[frame.byteLength - 1] : undefined;
}

/** The sender's counter of a frame (see frameKeyId for its length). */
export function frameCounter(frame: ArrayBuffer): number | undefined {
  return frame.byteLength >= FRAME_OVERHEAD ? new DataView(frame, frame.byteLength - TRAILER_BYTES, COUNTER_BYTES).getUint32(0) : undefined;
}

/** The frame as it was before encryption, or undefined if the key does not fit or anything was changed. */
export async function decryptFrame(key: SenderKey, frame: ArrayBuffer, clear: number): Promise<ArrayBuffer | undefined> {
  const bytes = new Uint8Array(frame);
  if (bytes.length < FRAME_OVERHEAD) return undefined;
  const headerLength = Math.min(clear, bytes.length - FRAME_OVERHEAD);
  const header = bytes.subarray(0, headerLength);
  const trailer = bytes.subarray(bytes.length - TRAILER_BYTES);
  const counter = frameCounter(frame)!;
  try {
    const plain = await globalThis.crypto.subtle.decrypt(
      { name: "AES-GCM", iv: nonce(key.salt, counter) as BufferSource, additionalData: concat(header, trailer) as BufferSource },
      key.frameKey,
      bytes.subarray(headerLength, bytes.length - TRAILER_BYTES) as BufferSource,
    );
    return concat(header, new Uint8Array(plain)).buffer as ArrayBuffer;
  } catch {
    return undefined;
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
