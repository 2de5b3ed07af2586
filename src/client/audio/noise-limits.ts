/**
 * What the noise worklet and the page agree on: RNNoise's frame, when the
 * worklet gives up, and what it reports. Pure data (the worklet module itself
 * cannot load outside an AudioWorklet; the benchmark reads the limit here).
 */

/** RNNoise's frame: 10 ms at 48 kHz (the AudioContext runs at 48 kHz for it). */
export const FRAME = 480;
export const FRAMES_PER_SECOND = 100;
/**
 * A device whose start-up measurement needs more than 5 ms per 10 ms frame (half a core for the
 * audio thread alone) does not start noise suppression: it would leave too little for the rest.
 * (This two-core Xeon needs about 0.7 ms: BENCHMARKS.md, bench:noise.)
 */
export const START_LIMIT_MS_PER_FRAME = 5;
/**
 * While running, 8 ms per 10 ms frame on average over three seconds means the audio thread is
 * about to miss its deadlines and the sound would crackle: better plain sound than broken sound.
 * (Wall-clock time: a busy device's other work counts too, as it does for the deadline.)
 */
export const RUNNING_LIMIT_MS_PER_FRAME = 8;

/** From the worklet to the page. `msPerSecond`: milliseconds of work per second of audio. */
export type NoiseWorkletReport =
  | { type: "measured"; msPerSecond: number }
  | { type: "overloaded"; msPerSecond: number }
  | { type: "failed"; reason: string };
