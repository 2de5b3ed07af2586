/**
 * Pre-encoded Opus for the synthetic participants' microphones: a few
 * seconds of a tone with noise, encoded once with ffmpeg (libopus, 20 ms
 * frames at about what a browser sends for speech) into an Ogg file in the
 * clip cache, and an Ogg reader that returns its packets.
 *
 * Janus never decodes audio, so what matters for the load is what a
 * browser's microphone puts on the wire: 50 packets a second of about
 * 80–120 bytes each. Real Opus keeps a receiving browser happy as well.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CLIP_CACHE, runFfmpeg } from "./vp8-clip.js";

/** Opus frames of 20 ms, as browsers send them. */
export const OPUS_FRAME_MS = 20;
/** Samples per frame at Opus' RTP clock (48 kHz). */
export const OPUS_SAMPLES_PER_FRAME = (48_000 * OPUS_FRAME_MS) / 1000;
const OPUS_KBIT = 32;
const SECONDS = 4;

/** The clip's packets, each one 20 ms Opus frame. */
export interface OpusClip {
  packets: Buffer[];
}

/** The Opus clip, encoding it into the cache first if it is not there (needs ffmpeg). */
export function loadOpusClip(): OpusClip {
  mkdirSync(CLIP_CACHE, { recursive: true });
  const file = join(CLIP_CACHE, `tone-noise-${OPUS_KBIT}k-${OPUS_FRAME_MS}ms-${SECONDS}s.opus`);
  if (!existsSync(file)) {
    runFfmpeg(file, [
      // A tone with noise keeps the encoder busy like a voice would (silence would shrink to DTX frames).
      ...["-f", "lavfi", "-i", `sine=frequency=330:sample_rate=48000:duration=${SECONDS}`],
      ...["-f", "lavfi", "-i", `anoisesrc=color=pink:amplitude=0.05:sample_rate=48000:duration=${SECONDS}`],
      ...["-filter_complex", "amix=inputs=2", "-ac", "1"],
      ...["-c:a", "libopus", "-b:a", `${OPUS_KBIT}k`, "-frame_duration", String(OPUS_FRAME_MS), "-application", "voip", "-vbr", "on"],
      ...["-f", "ogg"],
    ]);
  }
  const packets = readOggPackets(readFileSync(file)).slice(2); // OpusHead and OpusTags are not audio
  if (packets.length === 0) throw new Error(`${file}: no Opus packets`);
  return { packets };
}

/**
 * The packets of an Ogg stream (RFC 3533): pages start with "OggS"; byte
 * 26 is the number of segments, followed by their lengths; a packet is a
 * run of segments ending in one shorter than 255 bytes (it may continue
 * on the next page).
 */
export function readOggPackets(file: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  let pending: Buffer[] = [];
  for (let at = 0; at + 27 <= file.length; ) {
    if (file.toString("ascii", at, at + 4) !== "OggS") throw new Error(`not an Ogg page at byte ${at}`);
    const segments = file[at + 26]!;
    const lengths = file.subarray(at + 27, at + 27 + segments);
    let data = at + 27 + segments;
    for (const length of lengths) {
      pending.push(file.subarray(data, data + length));
      data += length;
      if (length < 255) {
        packets.push(Buffer.concat(pending));
        pending = [];
      }
    }
    at = data;
  }
  return packets;
}
