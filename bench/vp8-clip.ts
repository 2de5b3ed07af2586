/**
 * Pre-encoded VP8 for the synthetic publishers: three clips of the same
 * test picture, one per simulcast layer, made once with ffmpeg and kept in
 * a cache folder; an IVF reader; and a VP8 RTP packetizer (RFC 7741).
 *
 * Replaying encoded frames costs almost nothing, which is the point: a
 * browser spends most of a core encoding three layers, a replay only
 * copies bytes. The price is that a replay cannot encode a key frame when
 * Janus asks for one (a layer switch, a new subscriber), so the clips carry
 * a key frame every KEYFRAME_INTERVAL frames and start with one, which a
 * synthetic publisher jumps back to when asked.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The frame rate of Chromium's fake camera, which the bench's browser publishers send
 * (Treff asks a camera for 24), so synthetic and browser publishers cost a receiver alike.
 */
export const FRAME_RATE = 20;
/** One key frame a second: the longest a subscriber waits for a picture or a layer switch. */
export const KEYFRAME_INTERVAL = FRAME_RATE;
/** Four seconds, a whole number of key-frame intervals, so the loop restarts on a key frame. */
const CLIP_FRAMES = 4 * KEYFRAME_INTERVAL;

/** A simulcast layer: its picture size and target bitrate. */
export interface LayerSpec {
  width: number;
  height: number;
  kbit: number;
}

/**
 * Lowest first: the order of the SSRCs in `a=ssrc-group:SIM`, which is Janus' substream 0, 1, 2.
 * The bitrates are what the bench's browser publishers (Chromium's fake camera) were seen to
 * send per layer, not the caps Treff sets (1200/400/120 kbit/s), which a simple picture never reaches.
 */
export const LAYERS: readonly LayerSpec[] = [
  { width: 160, height: 90, kbit: 95 },
  { width: 320, height: 180, kbit: 170 },
  { width: 640, height: 360, kbit: 360 },
];

export interface Vp8Frame {
  data: Buffer;
  keyframe: boolean;
}

export interface Clip {
  layer: LayerSpec;
  frames: Vp8Frame[];
}

/** Where the clips are kept between runs. */
export const CLIP_CACHE = join(tmpdir(), "treff-bench-vp8");

/** The three layers' clips, encoding any that are not in the cache yet (needs ffmpeg). */
export function loadClips(): Clip[] {
  mkdirSync(CLIP_CACHE, { recursive: true });
  return LAYERS.map((layer) => {
    const file = join(CLIP_CACHE, `testsrc-noise-${layer.width}x${layer.height}-${FRAME_RATE}fps-${layer.kbit}k-g${KEYFRAME_INTERVAL}.ivf`);
    if (!existsSync(file)) encode(layer, file);
    const frames = readIvf(readFileSync(file));
    if (!frames[0]?.keyframe) throw new Error(`${file}: the clip does not start with a key frame`);
    return { layer, frames };
  });
}

/** The clip's VP8 bitrate as encoded (without RTP overhead). */
export function clipKbitPerSecond(clip: Clip): number {
  const bytes = clip.frames.reduce((sum, f) => sum + f.data.length, 0);
  return (bytes * 8 * FRAME_RATE) / clip.frames.length / 1000;
}

function encode(layer: LayerSpec, file: string): void {
  runFfmpeg(file, [
    ...["-f", "lavfi", "-i", `testsrc=size=${layer.width}x${layer.height}:rate=${FRAME_RATE}`],
    // A little noise, like a camera's: without it the test picture compresses far below the target.
    ...["-vf", "noise=alls=6:allf=t"],
    ...["-frames:v", String(CLIP_FRAMES)],
    ...["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8"],
    // Constant bitrate like a browser's encoder; no alt-ref or lag, which a live encoder does not use either.
    ...["-b:v", `${layer.kbit}k`, "-minrate", `${layer.kbit}k`, "-maxrate", `${layer.kbit}k`, "-bufsize", `${layer.kbit}k`],
    ...["-auto-alt-ref", "0", "-lag-in-frames", "0"],
    ...["-g", String(KEYFRAME_INTERVAL), "-keyint_min", String(KEYFRAME_INTERVAL)],
    ...["-force_key_frames", `expr:eq(mod(n,${KEYFRAME_INTERVAL}),0)`],
    ...["-f", "ivf"],
  ]);
}

/** Runs ffmpeg with `args` (inputs, codec, format) writing to `file`, whole files only. */
export function runFfmpeg(file: string, args: string[]): void {
  const partial = `${file}.${process.pid}.part`;
  const result = spawnSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args, partial], { encoding: "utf8" });
  if (result.error) throw new Error(`cannot run ffmpeg (apt-get install ffmpeg): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`ffmpeg failed: ${result.stderr}`);
  renameSync(partial, file); // a run that died half-way leaves no broken clip behind
}

/**
 * The frames of an IVF file: a 32-byte header ("DKIF", …, header length at
 * byte 6), then per frame a 12-byte header (size, 64-bit timestamp) and the frame.
 */
export function readIvf(file: Buffer): Vp8Frame[] {
  if (file.toString("ascii", 0, 4) !== "DKIF") throw new Error("not an IVF file");
  const frames: Vp8Frame[] = [];
  for (let at = file.readUInt16LE(6); at + 12 <= file.length; ) {
    const size = file.readUInt32LE(at);
    const data = file.subarray(at + 12, at + 12 + size);
    // VP8 frame tag (RFC 6386 9.1): the lowest bit of the first byte is 0 for a key frame.
    frames.push({ data, keyframe: (data[0]! & 0x01) === 0 });
    at += 12 + size;
  }
  return frames;
}

/** VP8 bytes per RTP packet: well under a 1200-byte MTU with RTP and SRTP overhead. */
const MAX_CHUNK = 1100;

/**
 * One frame as RTP payloads (RFC 7741 4.2): each starts with a 4-byte
 * payload descriptor carrying a 15-bit picture id (Janus rewrites it when
 * it switches layers, so the receiver sees one continuous stream), the
 * first with the start-of-partition bit. The caller sets the marker bit on
 * the last packet.
 */
export function packetizeVp8(frame: Buffer, pictureId: number): Buffer[] {
  const payloads: Buffer[] = [];
  for (let at = 0; at < frame.length; at += MAX_CHUNK) {
    const descriptor = Buffer.from([
      0x80 | (at === 0 ? 0x10 : 0), // X: extensions follow; S: start of the frame's first partition; PID 0
      0x80, // I: a picture id follows
      0x80 | ((pictureId >> 8) & 0x7f), // M: the picture id has 15 bits
      pictureId & 0xff,
    ]);
    payloads.push(Buffer.concat([descriptor, frame.subarray(at, at + MAX_CHUNK)]));
  }
  return payloads;
}
