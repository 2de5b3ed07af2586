/**
 * What a person can do to their own camera picture before it leaves the
 * device: nothing, blur the background (two strengths), or replace it with
 * one of the pictures Treff ships (public/backgrounds/). Pure data and rules,
 * shared by the page and the effects worker; no DOM.
 */

/** The bundled background pictures (public/backgrounds/NAME.svg), drawn by hand for Treff. */
export const BACKGROUNDS = ["dawn", "forest", "shelves"] as const;
export type BackgroundName = (typeof BACKGROUNDS)[number];
/** A picture of the person's own (ui/effects-picker.ts): kept in this page's memory only, so never among the kept choices. */
export const OWN_PICTURE = "own";

export type VideoEffect =
  | { kind: "none" }
  | { kind: "blur"; strength: "light" | "strong" }
  | { kind: "image"; image: BackgroundName | typeof OWN_PICTURE };

export const NO_EFFECT: VideoEffect = { kind: "none" };

/** Every choice, in the order the picker shows them. */
export const VIDEO_EFFECTS: readonly VideoEffect[] = [
  NO_EFFECT,
  { kind: "blur", strength: "light" },
  { kind: "blur", strength: "strong" },
  ...BACKGROUNDS.map((image): VideoEffect => ({ kind: "image", image })),
];

/** A stable short name ("none", "blur-light", "image-dawn"): the device keeps it, the picker uses it as a value. */
export function effectId(effect: VideoEffect): string {
  if (effect.kind === "none") return "none";
  return effect.kind === "blur" ? `blur-${effect.strength}` : `image-${effect.image}`;
}

/** The effect a kept name stands for; anything unknown (an old or edited value, or the own picture, which is not kept) is no effect. */
export function parseEffectId(id: string | null | undefined): VideoEffect {
  return VIDEO_EFFECTS.find((effect) => effectId(effect) === id) ?? NO_EFFECT;
}

/** The size background pictures are kept at: the camera track's. */
export const PICTURE_WIDTH = 960;
export const PICTURE_HEIGHT = 540;
/** A picture file larger than this is refused before decoding (a photo from a phone is 2–8 MB). */
export const MAX_PICTURE_BYTES = 20 * 2 ** 20;

/** Why a file cannot be a background: not a picture the browser can decode, or too large a file. */
export type PictureProblem = "not-a-picture" | "too-large";

/** What can be told from the file alone, before decoding it. */
export function pictureFileProblem(file: { type: string; size: number }): PictureProblem | undefined {
  if (file.type && !file.type.startsWith("image/")) return "not-a-picture";
  return file.size > MAX_PICTURE_BYTES ? "too-large" : undefined;
}

/** The middle part of a `width`×`height` picture with the target's shape: what fills the target without stretching. */
export function coverCrop(width: number, height: number, targetWidth = PICTURE_WIDTH, targetHeight = PICTURE_HEIGHT): { x: number; y: number; width: number; height: number } {
  const scale = Math.min(width / targetWidth, height / targetHeight);
  const w = Math.round(targetWidth * scale);
  const h = Math.round(targetHeight * scale);
  return { x: Math.floor((width - w) / 2), y: Math.floor((height - h) / 2), width: w, height: h };
}

/**
 * How strongly the background is blurred: the picture is shrunk by `scale`
 * and blurred there by `radius` pixels, then stretched back — the same look
 * as a wide blur at full size for a fraction of the work.
 */
export function blurSettings(strength: "light" | "strong"): { scale: number; radius: number } {
  return strength === "light" ? { scale: 4, radius: 2 } : { scale: 8, radius: 3 };
}

/**
 * A moving average of the time each frame took. An effect whose average
 * stays above the limit would make the picture stutter: the worker then
 * says so, and the page switches the effect off (docs/ui.md).
 */
export class FrameTimer {
  private readonly times: number[] = [];
  private sum = 0;

  constructor(
    /** Frames the average runs over (three seconds at 24 fps: a short spike of other work is no reason to stop). */
    private readonly window = 72,
    /** Above this many milliseconds on average the device cannot keep up. */
    readonly limitMs = 40,
  ) {}

  add(ms: number): void {
    this.times.push(ms);
    this.sum += ms;
    if (this.times.length > this.window) this.sum -= this.times.shift()!;
  }

  get average(): number {
    return this.times.length ? this.sum / this.times.length : 0;
  }

  get frames(): number {
    return this.times.length;
  }

  /** Only a full window counts: the first frames include loading the model and warming up. */
  get overloaded(): boolean {
    return this.times.length >= this.window && this.average > this.limitMs;
  }

  reset(): void {
    this.times.length = 0;
    this.sum = 0;
  }
}
