/**
 * The page's side of background effects: hands the camera track's frames
 * to the effects worker (video-worker.ts) and gives back the track it
 * writes, which LocalMedia sends and shows instead of the camera's. The
 * worker (and the model it loaded) lives as long as the page, so switching
 * the camera off and on does not load the model again.
 *
 * Needs Chromium's breakable streams (MediaStreamTrackProcessor and
 * MediaStreamTrackGenerator) and OffscreenCanvas; where they are missing
 * the picker does not offer effects.
 */
import type { EffectsWorkerReport, EffectsWorkerRequest } from "./video-worker.js";
import { OWN_PICTURE, PICTURE_HEIGHT, PICTURE_WIDTH, type BackgroundName, type VideoEffect } from "./video-effect.js";

// Chromium's names for the breakable-streams API (not yet in TypeScript's DOM types).
declare const MediaStreamTrackProcessor: new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => { readable: ReadableStream<VideoFrame> };
declare const MediaStreamTrackGenerator: new (init: { kind: "video" }) => MediaStreamTrack & { writable: WritableStream<VideoFrame> };

export interface VideoEffectEvents {
  /** Frames took too long on average: the worker stopped the effect, the page should say so. */
  overloaded(averageMs: number): void;
  /** The model could not be loaded (the background stays fully hidden while an effect is on). */
  failed(reason: string): void;
}

export class VideoEffects {
  private worker: Worker | undefined;
  private output: MediaStreamTrack | undefined;
  private readonly backgrounds = new Map<BackgroundName, Promise<ImageBitmap>>();
  /** The person's own picture (own-picture.ts), scaled down; in this page's memory only. */
  ownPicture: ImageBitmap | undefined;
  /** The latest average time per frame the worker reported, ms (for the benchmark and the panel). */
  averageMs = 0;

  constructor(private readonly events: VideoEffectEvents) {}

  static supported(): boolean {
    return typeof MediaStreamTrackProcessor === "function" && typeof MediaStreamTrackGenerator === "function" && typeof OffscreenCanvas === "function";
  }

  /** Starts the effect on this camera track; returns the track to send and show instead. */
  async attach(camera: MediaStreamTrack, effect: VideoEffect): Promise<MediaStreamTrack> {
    this.detach();
    const processor = new MediaStreamTrackProcessor({ track: camera, maxBufferSize: 1 });
    const generator = new MediaStreamTrackGenerator({ kind: "video" });
    const background = await this.background(effect);
    const { width = 0, height = 0 } = camera.getSettings();
    this.post({ type: "start", readable: processor.readable, writable: generator.writable, effect, background, width, height }, [processor.readable, generator.writable, ...(background ? [background] : [])]);
    this.output = generator;
    return generator;
  }

  /** Changes the effect of the running track (no new track: the publisher keeps sending the same one). */
  async change(effect: VideoEffect): Promise<void> {
    const background = await this.background(effect);
    this.post({ type: "effect", effect, background }, background ? [background] : []);
  }

  /** Stops processing; the output track ends. The worker stays for the next attach. */
  detach(): void {
    if (!this.output) return;
    this.post({ type: "stop" }, []);
    this.output.stop();
    this.output = undefined;
  }

  close(): void {
    this.detach();
    this.worker?.terminate();
    this.worker = undefined;
  }

  private post(message: EffectsWorkerRequest, transfer: Transferable[]): void {
    this.worker ??= this.createWorker();
    this.worker.postMessage(message, transfer);
  }

  private createWorker(): Worker {
    const worker = new Worker("/effects-worker.js", { type: "module" });
    worker.onmessage = (event: MessageEvent<EffectsWorkerReport>) => {
      const report = event.data;
      if (report.type === "timing") this.averageMs = report.averageMs;
      else if (report.type === "overloaded") this.events.overloaded(report.averageMs);
      else if (report.type === "failed") this.events.failed(report.reason);
    };
    return worker;
  }

  /** A fresh copy of the bundled picture (each copy is handed over to the worker, which then owns it). */
  private async background(effect: VideoEffect): Promise<ImageBitmap | undefined> {
    if (effect.kind !== "image") return undefined;
    if (effect.image === OWN_PICTURE) return this.ownPicture && createImageBitmap(this.ownPicture);
    let loading = this.backgrounds.get(effect.image);
    if (!loading) {
      loading = loadPicture(`/backgrounds/${effect.image}.svg`);
      this.backgrounds.set(effect.image, loading);
    }
    return createImageBitmap(await loading);
  }
}

async function loadPicture(src: string): Promise<ImageBitmap> {
  const image = new Image();
  image.src = src;
  await image.decode();
  return createImageBitmap(image, { resizeWidth: PICTURE_WIDTH, resizeHeight: PICTURE_HEIGHT });
}
