/**
 * The effects worker (bundled as /effects-worker.js): reads the camera's
 * frames, finds the person in each (MediaPipe's selfie segmentation model,
 * run by @mediapipe/tasks-vision's WebAssembly, both served from Treff's own
 * origin under /effects/), and writes out a picture with the background
 * blurred or replaced. Everything runs here, off the page's main thread;
 * no frame leaves the device on its way through.
 */
import { FilesetResolver, ImageSegmenter } from "@mediapipe/tasks-vision";
import { blurSettings, FrameTimer, NO_EFFECT, type VideoEffect } from "./video-effect.js";

/** From the page. */
export type EffectsWorkerRequest =
  | { type: "start"; readable: ReadableStream<VideoFrame>; writable: WritableStream<VideoFrame>; effect: VideoEffect; background?: ImageBitmap }
  | { type: "effect"; effect: VideoEffect; background?: ImageBitmap }
  | { type: "stop" };

/** To the page. */
export type EffectsWorkerReport =
  | { type: "ready" }
  /** The model could not be loaded: frames pass with the whole picture treated as background. */
  | { type: "failed"; reason: string }
  | { type: "timing"; averageMs: number; frames: number }
  | { type: "overloaded"; averageMs: number };

/** The model sees this small a picture (its own input is 256×256); the mask comes back this size. */
const MASK_WIDTH = 256;
const MASK_HEIGHT = 144;

/** The worker's global scope, as far as this file uses it (the DOM lib has no worker types). */
const scope = self as unknown as { onmessage: ((event: MessageEvent<EffectsWorkerRequest>) => void) | null; postMessage(message: EffectsWorkerReport): void };
const report = (message: EffectsWorkerReport) => scope.postMessage(message);

let effect: VideoEffect = NO_EFFECT;
let background: ImageBitmap | undefined;
/** Each start() bumps it; an older loop sees the change and ends. */
let generation = 0;
const timer = new FrameTimer();
let segmenter: ImageSegmenter | undefined;
void loadSegmenter();

async function loadSegmenter(): Promise<void> {
  try {
    const fileset = await FilesetResolver.forVisionTasks(new URL("/effects", self.location.href).href, true);
    segmenter = await ImageSegmenter.createFromOptions(fileset, {
      baseOptions: { modelAssetPath: "/effects/selfie_segmentation.tflite", delegate: "CPU" },
      runningMode: "VIDEO",
      outputConfidenceMasks: true,
      outputCategoryMask: false,
    });
    report({ type: "ready" });
  } catch (error) {
    report({ type: "failed", reason: error instanceof Error ? error.message : String(error) });
  }
}

/** The canvases a frame passes through, made once per picture size. */
class Compositor {
  private readonly output: OffscreenCanvas;
  private readonly out: OffscreenCanvasRenderingContext2D;
  private readonly small = new OffscreenCanvas(1, 1);
  private readonly smallCtx = this.small.getContext("2d")!;
  private readonly maskInput = new OffscreenCanvas(MASK_WIDTH, MASK_HEIGHT);
  private readonly maskInputCtx = this.maskInput.getContext("2d", { willReadFrequently: false })!;
  private readonly mask = new OffscreenCanvas(MASK_WIDTH, MASK_HEIGHT);
  private readonly maskCtx = this.mask.getContext("2d")!;
  private readonly maskPixels = new ImageData(MASK_WIDTH, MASK_HEIGHT);
  private readonly previous = new Float32Array(MASK_WIDTH * MASK_HEIGHT);

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.output = new OffscreenCanvas(width, height);
    this.out = this.output.getContext("2d", { alpha: true })!;
  }

  draw(frame: VideoFrame, timestamp: number): VideoFrame {
    const { width, height, out } = this;
    this.updateMask(frame, timestamp);
    // The person: the mask's shape (smoothly stretched, so edges are soft) filled with the camera's picture.
    out.globalCompositeOperation = "copy";
    out.imageSmoothingEnabled = true;
    out.drawImage(this.mask, 0, 0, width, height);
    out.globalCompositeOperation = "source-in";
    out.drawImage(frame, 0, 0, width, height);
    // The background goes behind it.
    out.globalCompositeOperation = "destination-over";
    if (effect.kind === "image" && background) this.drawCover(background);
    else if (effect.kind === "blur") this.drawBlurred(frame, effect.strength);
    out.globalCompositeOperation = "source-over";
    return new VideoFrame(this.output, { timestamp: frame.timestamp, alpha: "discard" });
  }

  /** Where the person is, 0..1 per pixel, averaged with the last frame's so the edge does not flicker. */
  private updateMask(frame: VideoFrame, timestamp: number): void {
    const alpha = this.maskPixels.data;
    if (!segmenter) {
      // No model (yet): all of it counts as background, so nothing the person wanted hidden shows.
      alpha.fill(0);
    } else {
      this.maskInputCtx.drawImage(frame, 0, 0, MASK_WIDTH, MASK_HEIGHT);
      const result = segmenter.segmentForVideo(this.maskInput, timestamp);
      const confidence = result.confidenceMasks?.[0]?.getAsFloat32Array();
      for (let i = 0; confidence && i < confidence.length; i++) {
        const value = 0.5 * (confidence[i]! + this.previous[i]!);
        this.previous[i] = confidence[i]!;
        // A soft threshold: clear background and clear person stay as they are; the band between blends.
        alpha[i * 4 + 3] = Math.max(0, Math.min(255, (value - 0.25) * 510));
      }
      result.close();
    }
    this.maskCtx.putImageData(this.maskPixels, 0, 0);
  }

  private drawBlurred(frame: VideoFrame, strength: "light" | "strong"): void {
    const { scale, radius } = blurSettings(strength);
    const w = Math.max(1, Math.round(this.width / scale));
    const h = Math.max(1, Math.round(this.height / scale));
    if (this.small.width !== w || this.small.height !== h) {
      this.small.width = w;
      this.small.height = h;
    }
    // Drawn a little larger than the canvas, so the blur does not fade to black at the edges.
    const pad = radius * 2;
    this.smallCtx.filter = `blur(${radius}px)`;
    this.smallCtx.drawImage(frame, -pad, -pad, w + 2 * pad, h + 2 * pad);
    this.smallCtx.filter = "none";
    this.out.drawImage(this.small, 0, 0, this.width, this.height);
  }

  /** The picture fills the frame, cut to its shape (like CSS object-fit: cover). */
  private drawCover(image: ImageBitmap): void {
    const scale = Math.max(this.width / image.width, this.height / image.height);
    const w = this.width / scale;
    const h = this.height / scale;
    this.out.drawImage(image, (image.width - w) / 2, (image.height - h) / 2, w, h, 0, 0, this.width, this.height);
  }
}

async function run(readable: ReadableStream<VideoFrame>, writable: WritableStream<VideoFrame>): Promise<void> {
  const mine = ++generation;
  timer.reset();
  let compositor: Compositor | undefined;
  const reader = readable.getReader();
  const writer = writable.getWriter();
  let lastTimestamp = 0;
  let processed = 0;
  try {
    for (;;) {
      const { value: frame, done } = await reader.read();
      if (done || mine !== generation) {
        frame?.close();
        break;
      }
      if (effect.kind === "none") {
        await writer.write(frame);
        continue;
      }
      const started = performance.now();
      const width = frame.displayWidth;
      const height = frame.displayHeight;
      if (compositor?.width !== width || compositor.height !== height) compositor = new Compositor(width, height);
      // MediaPipe wants strictly increasing timestamps in milliseconds.
      lastTimestamp = Math.max(lastTimestamp + 1, Math.round(frame.timestamp / 1000));
      let output: VideoFrame;
      try {
        output = compositor.draw(frame, lastTimestamp);
      } finally {
        frame.close();
      }
      await writer.write(output);
      timer.add(performance.now() - started);
      if (++processed % 24 === 0) report({ type: "timing", averageMs: timer.average, frames: timer.frames });
      if (timer.overloaded) {
        report({ type: "overloaded", averageMs: timer.average });
        effect = NO_EFFECT;
        timer.reset();
      }
    }
  } catch {
    // The track ended or the page replaced it: this loop is over.
  } finally {
    reader.releaseLock();
    await writer.close().catch(() => {});
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === "stop") {
    generation++;
    return;
  }
  background?.close();
  effect = message.effect;
  background = message.background;
  timer.reset();
  if (message.type === "start") void run(message.readable, message.writable);
};
