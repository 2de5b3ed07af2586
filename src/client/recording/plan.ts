/**
 * What goes into a recording, as plain data (issue 16): which of the pictures
 * on the recording moderator's screen are drawn into the recording's canvas,
 * where, and whose sound is mixed. No DOM: compositor.ts measures the screen
 * and draws what `planPicture` says; mixer.ts mixes what `planMix` says.
 *
 * The rule is the same for picture and sound: only those who agreed (the
 * moderator who records always does). Whoever has not agreed is a plain
 * tile with their name, and silent; their shared screen is left out too.
 */
import type { ParticipantId } from "../../protocol/messages.js";

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One picture on the moderator's screen, as measured there (page pixels). */
export interface ShownPicture {
  id: ParticipantId;
  source: "camera" | "screen";
  rect: Rect;
  name: string;
  /** A video with frames is shown (false: camera off, nothing arrived yet). */
  playing: boolean;
}

/** What to draw into the recording's canvas, in canvas pixels. */
export type DrawOp =
  /** The picture of `id`'s camera or screen: cameras fill their tile (cropped), screens fit in whole. */
  | { kind: "video"; id: ParticipantId; name: string; source: "camera" | "screen"; rect: Rect; fit: "cover" | "contain" }
  /** A tile with only a name: camera off, or (`declined`) not agreed to be recorded. */
  | { kind: "placeholder"; id: ParticipantId; name: string; rect: Rect; declined: boolean };

export interface CanvasSize {
  width: number;
  height: number;
}

/**
 * Where the stage goes in the canvas: scaled to fit whole and centred (the rest stays dark), so
 * a phone-shaped or wide stage keeps its proportions.
 */
export function fitStage(stage: Rect, canvas: CanvasSize): { scale: number; dx: number; dy: number } {
  const scale = stage.width > 0 && stage.height > 0 ? Math.min(canvas.width / stage.width, canvas.height / stage.height) : 0;
  return { scale, dx: (canvas.width - stage.width * scale) / 2, dy: (canvas.height - stage.height * scale) / 2 };
}

/** The part of `rect` inside `bounds`, or undefined when nothing of it is. */
function clip(rect: Rect, bounds: Rect): Rect | undefined {
  const x = Math.max(rect.x, bounds.x);
  const y = Math.max(rect.y, bounds.y);
  const right = Math.min(rect.x + rect.width, bounds.x + bounds.width);
  const bottom = Math.min(rect.y + rect.height, bounds.y + bounds.height);
  return right - x >= 1 && bottom - y >= 1 ? { x, y, width: right - x, height: bottom - y } : undefined;
}

/**
 * The canvas's drawing for one frame: each picture on the stage (in the order the screen stacks
 * them: later ones lie on top, like one's own small picture) moved into canvas pixels; those who
 * did not agree, and cameras that show nothing, as name tiles. Pictures off the stage (other
 * pages of the grid) are not drawn.
 */
export function planPicture(stage: Rect, shown: readonly ShownPicture[], canvas: CanvasSize, agrees: (id: ParticipantId) => boolean): DrawOp[] {
  const { scale, dx, dy } = fitStage(stage, canvas);
  const ops: DrawOp[] = [];
  for (const picture of shown) {
    const visible = clip(picture.rect, stage);
    if (!visible || scale === 0) continue;
    const rect = {
      x: Math.round(dx + (visible.x - stage.x) * scale),
      y: Math.round(dy + (visible.y - stage.y) * scale),
      width: Math.round(visible.width * scale),
      height: Math.round(visible.height * scale),
    };
    const agreed = agrees(picture.id);
    if (agreed && picture.playing) {
      ops.push({ kind: "video", id: picture.id, name: picture.name, source: picture.source, rect, fit: picture.source === "screen" ? "contain" : "cover" });
    } else if (picture.source === "camera" || !agreed) {
      ops.push({ kind: "placeholder", id: picture.id, name: picture.name, rect, declined: !agreed });
    }
  }
  return ops;
}

/** Whose sound goes into the recording: of those whose audio this page has, the ones who agreed. */
export function planMix(withAudio: Iterable<ParticipantId>, agrees: (id: ParticipantId) => boolean): ParticipantId[] {
  return [...new Set(withAudio)].filter(agrees);
}

/**
 * The part of a `source` picture to draw into `target` so it fills it (cover: cropped in the
 * middle) or fits whole (contain: the target shrinks to the picture's proportions, centred).
 */
export function fitPicture(source: { width: number; height: number }, target: Rect, fit: "cover" | "contain"): { from: Rect; to: Rect } {
  const whole = { x: 0, y: 0, width: source.width, height: source.height };
  if (source.width <= 0 || source.height <= 0) return { from: whole, to: target };
  const sourceRatio = source.width / source.height;
  const targetRatio = target.width / target.height;
  if (fit === "cover") {
    if (sourceRatio > targetRatio) {
      const width = source.height * targetRatio;
      return { from: { x: (source.width - width) / 2, y: 0, width, height: source.height }, to: target };
    }
    const height = source.width / targetRatio;
    return { from: { x: 0, y: (source.height - height) / 2, width: source.width, height }, to: target };
  }
  if (sourceRatio > targetRatio) {
    const height = target.width / sourceRatio;
    return { from: whole, to: { x: target.x, y: target.y + (target.height - height) / 2, width: target.width, height } };
  }
  const width = target.height * sourceRatio;
  return { from: whole, to: { x: target.x + (target.width - width) / 2, y: target.y, width, height: target.height } };
}

/** The file a recording is saved as: the meeting's start on this device, e.g. `treff-recording-2026-11-28-1405.webm`. */
export function recordingFileName(startedAt: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  const day = `${startedAt.getFullYear()}-${two(startedAt.getMonth() + 1)}-${two(startedAt.getDate())}`;
  return `treff-recording-${day}-${two(startedAt.getHours())}${two(startedAt.getMinutes())}.webm`;
}

/** The first container and codecs this browser's MediaRecorder can write: WebM with VP8 (cheapest to encode) or VP9, and Opus. */
export function chooseMimeType(supported: (type: string) => boolean): string | undefined {
  return ["video/webm;codecs=vp8,opus", "video/webm;codecs=vp9,opus", "video/webm"].find(supported);
}
