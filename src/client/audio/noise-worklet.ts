/**
 * The noise-suppression worklet (bundled on its own as /noise-worklet.js):
 * runs the microphone's sound through RNNoise (@jitsi/rnnoise-wasm, its
 * model and WebAssembly inlined in the bundle, so nothing is fetched) on the
 * browser's audio thread, before the publisher encodes and encrypts it.
 * It measures itself: once at the start, on a second of made-up noise, and
 * then all the time; when denoising takes too large a share of real time the
 * page hears "overloaded" and sends the microphone as it is again (the
 * worklet itself goes on until the page lets go of it).
 */
import createRnnoise, { type RnnoiseModule } from "@jitsi/rnnoise-wasm/dist/rnnoise-sync.js";
import { FrameTimer } from "../effects/video-effect.js";
import { Rechunker } from "./rechunker.js";
import { FRAME, FRAMES_PER_SECOND, RUNNING_LIMIT_MS_PER_FRAME, START_LIMIT_MS_PER_FRAME, type NoiseWorkletReport } from "./noise-limits.js";

/** RNNoise works on 16-bit sample values; Web Audio's are -1..1. */
const SCALE = 32768;

// The AudioWorklet global scope, as far as this file uses it (TypeScript's DOM lib has no worklet types).
declare const AudioWorkletProcessor: { new (): { readonly port: MessagePort }; prototype: object };
declare function registerProcessor(name: string, processor: new (options: unknown) => object): void;

/** One RNNoise instance per worklet scope: compiling its WebAssembly is the slow part. */
let rnnoise: RnnoiseModule | undefined;

class NoiseSuppressor extends AudioWorkletProcessor {
  private state = 0;
  private input = 0;
  private output = 0;
  private readonly chunks = new Rechunker(FRAME, (frame) => this.denoise(frame));
  /** Three seconds of frames: a short spike of other work on the device is no reason to stop. */
  private readonly timer = new FrameTimer(3 * FRAMES_PER_SECOND, RUNNING_LIMIT_MS_PER_FRAME);
  private stopped = false;
  private saidOverloaded = false;

  constructor() {
    super();
    try {
      rnnoise ??= createRnnoise();
      this.state = rnnoise._rnnoise_create();
      this.input = rnnoise._malloc(FRAME * 4);
      this.output = rnnoise._malloc(FRAME * 4);
      this.selfMeasure();
      this.port.onmessage = () => this.close(); // the page's only message: "stop"
    } catch (error) {
      this.stopped = true;
      this.report({ type: "failed", reason: error instanceof Error ? error.message : String(error) });
    }
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const input = inputs[0]?.[0];
    const output = outputs[0]?.[0];
    if (!output) return !this.stopped;
    if (this.stopped || !input) {
      output.fill(0);
      return !this.stopped;
    }
    this.chunks.push(input, output);
    return true;
  }

  private denoise(frame: Float32Array): void {
    const started = Date.now();
    this.denoiseFrame(frame);
    this.timer.add(Date.now() - started);
    // Said once; the page then sends the microphone as it is and lets go of this node.
    if (this.timer.overloaded && !this.saidOverloaded) {
      this.saidOverloaded = true;
      this.report({ type: "overloaded", msPerSecond: this.timer.average * FRAMES_PER_SECOND });
    }
  }

  private denoiseFrame(frame: Float32Array): void {
    const module = rnnoise!;
    // Read HEAPF32 each time: the WebAssembly memory may have grown (a new buffer) since.
    const heap = module.HEAPF32;
    for (let i = 0; i < FRAME; i++) heap[(this.input >> 2) + i] = frame[i]! * SCALE;
    module._rnnoise_process_frame(this.state, this.output, this.input);
    const out = module.HEAPF32;
    for (let i = 0; i < FRAME; i++) frame[i] = out[(this.output >> 2) + i]! / SCALE;
  }

  /**
   * One second of made-up noise, denoised before any real sound is, in ten batches: the fastest
   * batch says what this device's CPU can do (a slower one was interrupted by other work), and so
   * whether it can afford noise suppression at all. Date.now() is the only clock in a worklet.
   */
  private selfMeasure(): void {
    const frame = new Float32Array(FRAME);
    let seed = 1;
    let fastest = Infinity;
    for (let batch = 0; batch < 10; batch++) {
      const started = Date.now();
      for (let n = 0; n < FRAMES_PER_SECOND / 10; n++) {
        for (let i = 0; i < FRAME; i++) frame[i] = ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.2;
        this.denoiseFrame(frame);
      }
      fastest = Math.min(fastest, Date.now() - started);
    }
    const msPerSecond = 10 * fastest;
    // A fresh state: the made-up noise must not colour the real sound's first frames.
    rnnoise!._rnnoise_destroy(this.state);
    this.state = rnnoise!._rnnoise_create();
    this.saidOverloaded = msPerSecond > START_LIMIT_MS_PER_FRAME * FRAMES_PER_SECOND;
    this.report({ type: this.saidOverloaded ? "overloaded" : "measured", msPerSecond });
  }

  /** The page let go of this node: RNNoise's memory goes back, and process() ends the node. */
  private close(): void {
    if (!rnnoise || !this.state) return;
    this.stopped = true;
    rnnoise._rnnoise_destroy(this.state);
    rnnoise._free(this.input);
    rnnoise._free(this.output);
    this.state = 0;
  }

  private report(message: NoiseWorkletReport): void {
    this.port.postMessage(message);
  }
}

registerProcessor("noise-suppressor", NoiseSuppressor);
