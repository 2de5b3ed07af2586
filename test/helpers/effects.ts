/**
 * What the end-to-end tests of background effects and the effects
 * benchmark read from a page: the camera's simulcast layers as sent, and
 * pixel statistics of a picture (a remote tile or the pre-join preview).
 */
import type { BrowserContext, Page } from "playwright-core";

/** The camera's simulcast layers as this page sends them: rid, picture width, frames sent so far. */
export function outboundLayers(page: Page): Promise<{ rid: string; width: number; frames: number }[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __treffPeerConnections: RTCPeerConnection[] }).__treffPeerConnections;
    const out: { rid: string; width: number; frames: number }[] = [];
    for (const pc of pcs) {
      if (pc.connectionState === "closed") continue;
      (await pc.getStats()).forEach((r: { type: string; kind: string; rid?: string; frameWidth?: number; framesSent?: number }) => {
        if (r.type === "outbound-rtp" && r.kind === "video" && r.rid) out.push({ rid: r.rid, width: r.frameWidth ?? 0, frames: r.framesSent ?? 0 });
      });
    }
    return out.sort((a, b) => b.width - a.width);
  });
}

/** Pixel statistics of one picture as the page shows it. */
export interface PictureStats {
  width: number;
  height: number;
  /** Share of pixels whose brightness differs from the right-hand neighbour's by more than 24 of 255: sharp edges. */
  edges: number;
  /** Mean colour of the top fifth of the picture (where the fake camera shows only its background). */
  top: { r: number; g: number; b: number };
}

/**
 * Draws the <video> that `selector` finds into a canvas and measures it.
 * The remote tile of `name`: `figure.tile:not([data-self])` with that name;
 * the pre-join preview: `video.preview`.
 */
export function pictureStats(page: Page, selector: string, name?: string): Promise<PictureStats | undefined> {
  return page.evaluate(
    ({ selector, name }) => {
      const video = [...document.querySelectorAll<HTMLElement>(selector)]
        .filter((el) => !name || el.querySelector(".name")?.textContent === name)
        .map((el) => (el instanceof HTMLVideoElement ? el : el.querySelector("video")))[0];
      if (!video || video.readyState < 2 || !video.videoWidth) return undefined;
      const canvas = document.createElement("canvas");
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const context = canvas.getContext("2d", { willReadFrequently: true })!;
      context.drawImage(video, 0, 0);
      const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
      const luma = (i: number) => 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
      let edges = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x + 1 < width; x++) {
          const i = (y * width + x) * 4;
          if (Math.abs(luma(i) - luma(i + 4)) > 24) edges++;
        }
      }
      const top = { r: 0, g: 0, b: 0 };
      const rows = Math.floor(height / 5);
      for (let i = 0; i < rows * width * 4; i += 4) {
        top.r += data[i]!;
        top.g += data[i + 1]!;
        top.b += data[i + 2]!;
      }
      const n = rows * width;
      return { width, height, edges: edges / (width * height), top: { r: top.r / n, g: top.g / n, b: top.b / n } };
    },
    { selector, name },
  );
}

/** The remote tile showing `name`. */
export const REMOTE_TILE = "figure.tile:not([data-self])";

/**
 * Test instrumentation for the effects worker, injected before the page
 * loads: it keeps each frame-time report in `window.__effectTimings`, and
 * holds back the worker's own "overloaded" reports. This machine's cores are
 * shared with other test runs, so wall-clock frame times say more about them
 * than about Treff; speed is measured by `npm run bench:effects`. A test can
 * still send the page an overload report of its own (sendOverload) to check
 * what the page does with one.
 */
export async function instrumentEffectsWorker(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Original = window.Worker;
    const w = window as unknown as { __effectTimings: number[]; __effectsWorkers: Worker[] };
    w.__effectTimings = [];
    w.__effectsWorkers = [];
    window.Worker = class extends Original {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        if (!String(url).includes("effects-worker")) return;
        w.__effectsWorkers.push(this);
        // Registered before the page's own handler, so it runs first and can stop a report.
        this.addEventListener("message", (event: MessageEvent<{ type: string; averageMs?: number; fromTest?: boolean }>) => {
          if (event.data.type === "timing") w.__effectTimings.push(event.data.averageMs ?? 0);
          if (event.data.type === "overloaded" && !event.data.fromTest) event.stopImmediatePropagation();
        });
      }
    } as typeof Worker;
  });
}

/** Delivers an "overloaded" report to the page as if its effects worker had sent it. */
export async function sendOverload(page: Page, averageMs = 55): Promise<void> {
  await page.evaluate((averageMs) => {
    const workers = (window as unknown as { __effectsWorkers: Worker[] }).__effectsWorkers;
    for (const worker of workers) worker.dispatchEvent(new MessageEvent("message", { data: { type: "overloaded", averageMs, fromTest: true } }));
  }, averageMs);
}

/**
 * A picture file as a person's own background: `width`×`height` BMP (written here: no image
 * library needed), magenta in its upper half and dark blue below, so the top of the picture
 * behind the person is clearly neither the fake camera's green nor the bundled dawn's blue.
 */
export function magentaPicture(width = 800, height = 600): Buffer {
  const row = Math.ceil((width * 3) / 4) * 4;
  const file = Buffer.alloc(54 + row * height);
  file.write("BM", 0);
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(54, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(height, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(24, 28);
  file.writeUInt32LE(row * height, 34);
  for (let y = 0; y < height; y++) {
    // BMP rows run bottom-up; pixels are blue, green, red.
    const [b, g, r] = height - 1 - y < height / 2 ? [255, 0, 255] : [90, 20, 10];
    for (let x = 0; x < width; x++) file.set([b, g, r], 54 + y * row + x * 3);
  }
  return file;
}

/** The top of the picture is the magenta of magentaPicture(). */
export const showsMagenta = (s: PictureStats | undefined) => !!s && s.top.r > 150 && s.top.b > 150 && s.top.g < 100;
