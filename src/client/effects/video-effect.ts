/**
 * What a person can do to their own camera picture before it leaves the
 * device: nothing, blur the background (two strengths), or replace it with
 * one of the pictures Treff ships (public/backgrounds/). Pure data and rules,
 * shared by the page and the effects worker; no DOM.
 */

/** The bundled background pictures (public/backgrounds/NAME.svg), drawn by hand for Treff. */
export const BACKGROUNDS = ["dawn", "forest", "shelves"] as const;
export type BackgroundName = (typeof BACKGROUNDS)[number];

export type VideoEffect =
  | { kind: "none" }
  | { kind: "blur"; strength: "light" | "strong" }
  | { kind: "image"; image: BackgroundName };

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

/** The effect a kept name stands for; anything unknown (an old or edited value) is no effect. */
export function parseEffectId(id: string | null | undefined): VideoEffect {
  return VIDEO_EFFECTS.find((effect) => effectId(effect) === id) ?? NO_EFFECT;
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
