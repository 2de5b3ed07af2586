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
import { allocateI420, blendRows, chromaSize, i420ToSmallRgba, nv12ToI420, rgbaToI420, scalePlane, shrinkAndBlur, stretch, stretchRows, type I420, type Stretch, type StretchedRows } from "./i420.js";

/** From the page. */
export type EffectsWorkerRequest =
  /** `width`×`height`: the camera track's size, which frames may exceed (they are scaled to it). */
  | { type: "start"; readable: ReadableStream<VideoFrame>; writable: WritableStream<VideoFrame>; effect: VideoEffect; background?: ImageBitmap; width: number; height: number }
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
/**
 * The person is found anew in every third frame (8 times a second at 24 fps); the frames
 * between reuse the mask. People move little in 1/12 s, and the model is the largest cost
 * (BENCHMARKS.md, bench:effects).
 */
const SEGMENT_EVERY = 3;

/** The worker's global scope, as far as this file uses it (the DOM lib has no worker types). */
const scope = self as unknown as { onmessage: ((event: MessageEvent<EffectsWorkerRequest>) => void) | null; postMessage(message: EffectsWorkerReport): void };
const report = (message: EffectsWorkerReport) => scope.postMessage(message);

let effect: VideoEffect = NO_EFFECT;
let chosenPicture: ImageBitmap | undefined;
/** Each start() bumps it; an older loop sees the change and ends. */
let generation = 0;
const timer = new FrameTimer();
let segmenter: ImageSegmenter | undefined;
void loadSegmenter();

async function loadSegmenter(): Promise<void> {
  try {
    const fileset = await FilesetResolver.forVisionTasks(new URL("/effects", self.location.href).href, true);
    segmenter = await ImageSegmenter.createFromOptions(fileset, {
      baseOptions: { modelAssetPath: "/effects/selfie_segmentation_landscape.tflite", delegate: "CPU" },
      runningMode: "VIDEO",
      outputConfidenceMasks: true,
      outputCategoryMask: false,
    });
    report({ type: "ready" });
  } catch (error) {
    report({ type: "failed", reason: error instanceof Error ? error.message : String(error) });
  }
}

/** The buffers a frame passes through, made once per picture size. */
class Compositor {
  readonly width: number;
  readonly height: number;
  private readonly camera: I420;
  private readonly output: I420;
  /** NV12 as the camera gave it, before it is split into I420. */
  private readonly nv12: Uint8Array;
  private readonly modelInput = new ImageData(MASK_WIDTH, MASK_HEIGHT);
  private readonly maskSmall = new Float32Array(MASK_WIDTH * MASK_HEIGHT);
  private readonly previous = new Float32Array(MASK_WIDTH * MASK_HEIGHT);
  /** The mask stretched to the width of the luma and of the chroma planes. */
  private readonly mask: { y: StretchedRows; c: StretchedRows; yCols: Stretch; cCols: Stretch };
  /** Per plane and strength: the blurred small plane's rows stretched to full width. */
  private readonly blurred = new Map<string, StretchedRows & { cols: Stretch }>();
  private readonly small: Float32Array;
  private readonly scratch: Float32Array;
  private picture: { source: ImageBitmap; planes: I420 } | undefined;
  private count = 0;

  /** The frame as it came, when larger than the track's size (then scaled into `camera`). */
  private readonly large: { picture: I420; luma: [Stretch, Stretch]; chroma: [Stretch, Stretch] } | undefined;

  constructor(
    /** The part of each frame to read (its visible rectangle, even-sized). */
    readonly rect: { x: number; y: number; width: number; height: number },
    width: number,
    height: number,
  ) {
    this.width = width;
    this.height = height;
    const { cw, ch } = chromaSize(this.width, this.height);
    this.camera = allocateI420(this.width, this.height);
    if (rect.width !== width || rect.height !== height) {
      const from = chromaSize(rect.width, rect.height);
      this.large = {
        picture: allocateI420(rect.width, rect.height),
        luma: [stretch(width, rect.width), stretch(height, rect.height)],
        chroma: [stretch(cw, from.cw), stretch(ch, from.ch)],
      };
    }
    this.output = allocateI420(this.width, this.height);
    this.nv12 = new Uint8Array(rect.width * rect.height + 2 * Math.ceil(rect.width / 2) * Math.ceil(rect.height / 2));
    this.mask = {
      y: { rows: new Float32Array(MASK_HEIGHT * this.width), count: MASK_HEIGHT, stretch: stretch(this.height, MASK_HEIGHT) },
      c: { rows: new Float32Array(MASK_HEIGHT * cw), count: MASK_HEIGHT, stretch: stretch(ch, MASK_HEIGHT) },
      yCols: stretch(this.width, MASK_WIDTH),
      cCols: stretch(cw, MASK_WIDTH),
    };
    this.small = new Float32Array(this.width * this.height);
    this.scratch = new Float32Array(this.width * this.height);
  }

  async draw(frame: VideoFrame, timestamp: number): Promise<VideoFrame> {
    await this.read(frame);
    if (this.count++ % SEGMENT_EVERY === 0) this.updateMask(timestamp);
    const { cw, ch } = chromaSize(this.width, this.height);
    const picture = effect.kind === "image" && chosenPicture ? this.pictureFor(chosenPicture) : undefined;
    const strength = effect.kind === "blur" ? effect.strength : "strong";
    const planes = [
      [this.camera.y, picture?.y, this.mask.y, this.output.y, this.width, this.height, "y"],
      [this.camera.u, picture?.u, this.mask.c, this.output.u, cw, ch, "u"],
      [this.camera.v, picture?.v, this.mask.c, this.output.v, cw, ch, "v"],
    ] as const;
    for (const [plane, pictured, mask, out, width, height, name] of planes) {
      blendRows(plane, width, height, mask, pictured ?? this.blur(plane, width, height, strength, name), out);
    }
    // The camera's timestamp goes on, so the encoder's timing stays the camera's.
    return new VideoFrame(this.output.data, { format: "I420", codedWidth: this.width, codedHeight: this.height, timestamp: frame.timestamp });
  }

  /** The frame's pixels as I420 at the track's size: copied (I420), split (NV12) or converted (anything else), then scaled if larger. */
  private async read(frame: VideoFrame): Promise<void> {
    const target = this.large?.picture ?? this.camera;
    const { width, height } = target;
    const { cw, ch } = chromaSize(width, height);
    const rect = { x: this.rect.x, y: this.rect.y, width, height };
    if (frame.format === "I420" || frame.format === "I420A") {
      const layout = [
        { offset: 0, stride: width },
        { offset: width * height, stride: cw },
        { offset: width * height + cw * ch, stride: cw },
      ];
      await frame.copyTo(target.data, { rect, layout });
    } else if (frame.format === "NV12") {
      await frame.copyTo(this.nv12, { rect, layout: [{ offset: 0, stride: width }, { offset: width * height, stride: 2 * cw }] });
      nv12ToI420(this.nv12, target);
    } else {
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext("2d")!;
      context.drawImage(frame, rect.x, rect.y, width, height, 0, 0, width, height);
      rgbaToI420(context.getImageData(0, 0, width, height).data, target);
    }
    if (!this.large) return;
    const { picture, luma, chroma } = this.large;
    const to = chromaSize(this.width, this.height);
    scalePlane(picture.y, width, luma[0], luma[1], this.camera.y, this.width, this.height);
    scalePlane(picture.u, cw, chroma[0], chroma[1], this.camera.u, to.cw, to.ch);
    scalePlane(picture.v, cw, chroma[0], chroma[1], this.camera.v, to.cw, to.ch);
  }

  /** Where the person is, 0..1 per pixel, averaged with the last result so the edge does not flicker. */
  private updateMask(timestamp: number): void {
    if (!segmenter) return; // No model (yet): the mask stays 0, all of it background, so nothing meant to be hidden shows.
    i420ToSmallRgba(this.camera, this.modelInput.data, MASK_WIDTH, MASK_HEIGHT);
    const result = segmenter.segmentForVideo(this.modelInput, timestamp);
    const confidence = result.confidenceMasks?.[0]?.getAsFloat32Array();
    for (let i = 0; confidence && i < confidence.length; i++) {
      const value = 0.5 * (confidence[i]! + this.previous[i]!);
      this.previous[i] = confidence[i]!;
      // A soft threshold: clear background and clear person stay as they are; the band between blends.
      this.maskSmall[i] = Math.max(0, Math.min(1, (value - 0.25) * 2));
    }
    result.close();
    const { cw } = chromaSize(this.width, this.height);
    stretchRows(this.maskSmall, MASK_WIDTH, MASK_HEIGHT, this.mask.yCols, this.width, this.mask.y.rows);
    stretchRows(this.maskSmall, MASK_WIDTH, MASK_HEIGHT, this.mask.cCols, cw, this.mask.c.rows);
  }

  /** One plane of the camera's picture, shrunk and blurred (blendRows stretches it back): a wide blur for little work. */
  private blur(plane: Uint8Array, width: number, height: number, strength: "light" | "strong", name: string): StretchedRows {
    const { scale, radius } = blurSettings(strength);
    // Chroma planes are half size: half the shrink gives the same blur on screen.
    const factor = name === "y" ? scale : Math.max(1, scale / 2);
    const key = `${name}-${strength}`;
    let layer = this.blurred.get(key);
    if (!layer) {
      const count = Math.max(1, Math.floor(height / factor));
      const smallWidth = Math.max(1, Math.floor(width / factor));
      layer = { rows: new Float32Array(count * width), count, stretch: stretch(height, count), cols: stretch(width, smallWidth) };
      this.blurred.set(key, layer);
    }
    const small = shrinkAndBlur(plane, width, height, factor, radius, this.small, this.scratch);
    stretchRows(this.small, small.width, small.height, layer.cols, width, layer.rows);
    return layer;
  }

  /** The chosen picture as I420 at this size, filling the frame (like CSS object-fit: cover); converted once. */
  private pictureFor(image: ImageBitmap): I420 {
    if (this.picture?.source === image) return this.picture.planes;
    const canvas = new OffscreenCanvas(this.width, this.height);
    const context = canvas.getContext("2d")!;
    const scale = Math.max(this.width / image.width, this.height / image.height);
    const w = this.width / scale;
    const h = this.height / scale;
    context.drawImage(image, (image.width - w) / 2, (image.height - h) / 2, w, h, 0, 0, this.width, this.height);
    const planes = allocateI420(this.width, this.height);
    rgbaToI420(context.getImageData(0, 0, this.width, this.height).data, planes);
    this.picture = { source: image, planes };
    return planes;
  }
}

async function run(readable: ReadableStream<VideoFrame>, writable: WritableStream<VideoFrame>, size: { width: number; height: number }): Promise<void> {
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
      const visible = frame.visibleRect ?? { x: 0, y: 0, width: frame.codedWidth, height: frame.codedHeight };
      // Even sizes, so the chroma planes are exactly half; never larger than the track (nor than the frame).
      const rect = { x: visible.x, y: visible.y, width: visible.width & ~1, height: visible.height & ~1 };
      const width = Math.min(rect.width, size.width || rect.width) & ~1;
      const height = Math.min(rect.height, size.height || rect.height) & ~1;
      if (compositor?.width !== width || compositor.height !== height || compositor.rect.width !== rect.width || compositor.rect.height !== rect.height) {
        compositor = new Compositor(rect, width, height);
      }
      // MediaPipe wants strictly increasing timestamps in milliseconds.
      lastTimestamp = Math.max(lastTimestamp + 1, Math.round(frame.timestamp / 1000));
      let output: VideoFrame;
      try {
        output = await compositor.draw(frame, lastTimestamp);
      } finally {
        frame.close();
      }
      // Timed before handing the frame on: waiting for the encoder is not the effect's cost.
      timer.add(performance.now() - started);
      await writer.write(output);
      if (++processed % 24 === 0) report({ type: "timing", averageMs: timer.average, frames: timer.frames });
      // The page decides what follows (it switches the effect off and says so: video-effects.ts).
      if (timer.overloaded) {
        report({ type: "overloaded", averageMs: timer.average });
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
  chosenPicture?.close();
  effect = message.effect;
  chosenPicture = message.background;
  timer.reset();
  if (message.type === "start") void run(message.readable, message.writable, { width: message.width, height: message.height });
};
