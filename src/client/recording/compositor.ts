/**
 * Draws the recording's picture (issue 16): what the recording moderator's
 * stage shows — grid or speaker view, shared screens, their own small
 * picture — measured from the page and drawn into a canvas several times a
 * second, as plan.ts says: those who have not agreed as a tile with their
 * name and no picture. The canvas's stream is what MediaRecorder records.
 *
 * It reads the stage's pictures by their `data-participant` attribute
 * (tile.ts, stage.ts), so it follows whatever layout the screen has.
 */
import type { ParticipantId } from "../../protocol/messages.js";
import { fitPicture, planPicture, type CanvasSize, type DrawOp, type Rect, type ShownPicture } from "./plan.js";

export const RECORDING_SIZE: CanvasSize = { width: 1280, height: 720 };
export const RECORDING_FPS = 15;

const BACKGROUND = "#111418";
const PLACEHOLDER = "#2a2f36";
const TEXT = "#e8eaed";

const rectOf = (element: Element): Rect => {
  const r = element.getBoundingClientRect();
  return { x: r.x, y: r.y, width: r.width, height: r.height };
};

/** The pictures on `stage` now, in document order (later ones are drawn on top). */
export function measureStage(stage: HTMLElement): { stage: Rect; shown: ShownPicture[]; videos: Map<string, HTMLVideoElement> } {
  const shown: ShownPicture[] = [];
  const videos = new Map<string, HTMLVideoElement>();
  for (const element of stage.querySelectorAll<HTMLElement>("[data-participant]")) {
    const id = element.dataset.participant!;
    const rect = rectOf(element);
    if (element.closest("[hidden]") || rect.width < 1 || rect.height < 1) continue;
    const source = element.classList.contains("screen-tile") ? "screen" : "camera";
    const video = element.querySelector("video");
    const playing = !!video && video.readyState >= 2 && video.videoWidth > 0 && !element.classList.contains("camera-off");
    const name = (source === "screen" ? element.querySelector("figcaption") : element.querySelector(".name"))?.textContent ?? "";
    shown.push({ id, source, rect, name, playing });
    if (video) videos.set(`${source}:${id}`, video);
  }
  return { stage: rectOf(stage), shown, videos };
}

export class Compositor {
  readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private timer: number | undefined;
  private stream: MediaStream | undefined;

  constructor(
    private readonly stage: () => HTMLElement,
    private readonly agrees: (id: ParticipantId) => boolean,
    /** Names as the meeting knows them (the screen says "(you)" on one's own tile). */
    private readonly nameOf: (id: ParticipantId) => string | undefined = () => undefined,
    private readonly size: CanvasSize = RECORDING_SIZE,
  ) {
    this.canvas = document.createElement("canvas");
    this.canvas.width = size.width;
    this.canvas.height = size.height;
    this.context = this.canvas.getContext("2d", { alpha: false })!;
  }

  /** Starts drawing; the stream carries the canvas's picture at RECORDING_FPS. */
  start(): MediaStream {
    this.draw();
    // A timer rather than requestAnimationFrame: the recording goes on while the tab is in the background (at a lower rate there).
    this.timer = window.setInterval(() => this.draw(), 1000 / RECORDING_FPS);
    this.stream = this.canvas.captureStream(RECORDING_FPS);
    return this.stream;
  }

  stop(): void {
    window.clearInterval(this.timer);
    this.timer = undefined;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
  }

  private draw(): void {
    const { stage, shown, videos } = measureStage(this.stage());
    const c = this.context;
    c.fillStyle = BACKGROUND;
    c.fillRect(0, 0, this.size.width, this.size.height);
    const named = shown.map((p) => (p.source === "camera" ? { ...p, name: this.nameOf(p.id) ?? p.name } : p));
    for (const op of planPicture(stage, named, this.size, this.agrees)) this.drawOp(op, videos);
  }

  /** The name at the bottom left of a camera's picture, as on the screen. */
  private nameLabel(name: string, { x, y, height }: Rect): void {
    const c = this.context;
    const size = Math.max(11, Math.round(height / 16));
    c.font = `${size}px system-ui, sans-serif`;
    const width = Math.min(c.measureText(name).width, 400) + size;
    c.fillStyle = "rgb(0 0 0 / 0.6)";
    c.fillRect(x + 6, y + height - size * 1.8 - 6, width, size * 1.8);
    c.fillStyle = TEXT;
    c.textAlign = "left";
    c.textBaseline = "middle";
    c.fillText(name, x + 6 + size / 2, y + height - size * 0.9 - 6, 400);
  }

  private drawOp(op: DrawOp, videos: Map<string, HTMLVideoElement>): void {
    const c = this.context;
    const { x, y, width, height } = op.rect;
    if (op.kind === "video") {
      const video = videos.get(`${op.source}:${op.id}`);
      if (!video) return;
      const { from, to } = fitPicture({ width: video.videoWidth, height: video.videoHeight }, op.rect, op.fit);
      c.drawImage(video, from.x, from.y, from.width, from.height, to.x, to.y, to.width, to.height);
      if (op.source === "camera") this.nameLabel(op.name, op.rect);
      return;
    }
    c.fillStyle = PLACEHOLDER;
    c.fillRect(x + 2, y + 2, width - 4, height - 4);
    c.fillStyle = TEXT;
    c.textAlign = "center";
    c.textBaseline = "middle";
    c.font = `${Math.max(12, Math.round(Math.min(width, height) / 9))}px system-ui, sans-serif`;
    c.fillText(op.name, x + width / 2, y + height / 2, width - 16);
  }
}
