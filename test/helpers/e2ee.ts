/**
 * Test-only instruments for end-to-end encryption, installed into a browser
 * context before any page script runs:
 * - every message the page posts to its E2EE worker is recorded, so a test
 *   knows each raw media key the page used or received;
 * - optionally, every key the page hands its worker for decrypting is
 *   corrupted: a participant with wrong keys;
 * - every WebSocket frame in both directions is recorded, so a test can look
 *   for key material or chat text in what the server saw.
 */
import type { BrowserContext, Page } from "playwright-core";
import type { FrameStats } from "../../src/client/e2ee/worker.js";

/** A media key as the page handed it to its worker. */
export interface RecordedKey {
  type: "sendKey" | "receiveKey";
  participantId?: string;
  keyId: number;
  /** The raw key, hex. */
  hex: string;
  /** When the page posted it (Date.now()). */
  at: number;
}

export async function instrumentE2ee(context: BrowserContext, options: { corruptReceivedKeys?: boolean } = {}): Promise<void> {
  await context.addInitScript((corrupt: boolean) => {
    const keys: unknown[] = [];
    (window as unknown as { __treffKeys: unknown[] }).__treffKeys = keys;
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: unknown[]) {
      (window as unknown as { __treffWorker: Worker }).__treffWorker = this;
      const m = message as { type?: string; raw?: Uint8Array; keyId?: number; participantId?: string };
      if ((m?.type === "sendKey" || m?.type === "receiveKey") && m.raw instanceof Uint8Array) {
        let raw = m.raw;
        keys.push({ type: m.type, participantId: m.participantId, keyId: m.keyId, hex: [...raw].map((b) => b.toString(16).padStart(2, "0")).join(""), at: Date.now() });
        if (corrupt && m.type === "receiveKey") {
          raw = raw.map((b) => b ^ 0x5a);
          message = { ...m, raw };
        }
      }
      return (post as (...args: unknown[]) => void).call(this, message, ...rest);
    } as typeof Worker.prototype.postMessage;
  }, options.corruptReceivedKeys ?? false);
}

export function recordedKeys(page: Page): Promise<RecordedKey[]> {
  return page.evaluate(() => (window as unknown as { __treffKeys: RecordedKey[] }).__treffKeys);
}

/** Every signaling frame the page sends and receives, as text, from now on. */
export function recordSignaling(page: Page): string[] {
  const frames: string[] = [];
  page.on("websocket", (ws) => {
    ws.on("framesent", (frame) => frames.push(String(frame.payload)));
    ws.on("framereceived", (frame) => frames.push(String(frame.payload)));
  });
  return frames;
}

/** A raw key in every text form it could take in a JSON message. */
export function keySpellings(hex: string): string[] {
  const bytes = Buffer.from(hex, "hex");
  return [hex, hex.toUpperCase(), bytes.toString("base64"), bytes.toString("base64url"), JSON.stringify([...bytes]).slice(1, -1)];
}

/**
 * Starts watching the remote videos of a page: for each tile (by name), the
 * longest time between two new frames. Read it with `longestFreezes`.
 */
export async function watchFreezes(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __treffFreezes: Record<string, number>; __treffFreezeTimer?: number };
    const last: Record<string, { frames: number; at: number }> = {};
    w.__treffFreezes = {};
    window.clearInterval(w.__treffFreezeTimer);
    w.__treffFreezeTimer = window.setInterval(() => {
      const now = performance.now();
      for (const tile of document.querySelectorAll<HTMLElement>("figure.tile:not([data-self])")) {
        const video = tile.querySelector("video");
        const name = tile.querySelector(".name")?.textContent ?? "";
        if (!video || video.paused || video.readyState < 2) continue;
        const frames = video.getVideoPlaybackQuality().totalVideoFrames;
        const seen = last[name];
        if (!seen || frames !== seen.frames) {
          if (seen) w.__treffFreezes[name] = Math.max(w.__treffFreezes[name] ?? 0, now - seen.at);
          last[name] = { frames, at: now };
        }
      }
    }, 20);
  });
}

/** Per remote tile: the longest gap between frames since `watchFreezes`, in ms. */
export async function longestFreezes(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const w = window as unknown as { __treffFreezes: Record<string, number>; __treffFreezeTimer?: number };
    window.clearInterval(w.__treffFreezeTimer);
    return w.__treffFreezes;
  });
}

/** Inbound video of the page's receiving connections: bytes that arrived and frames decoded. */
export async function inboundVideo(page: Page): Promise<{ bytes: number; framesDecoded: number }> {
  return page.evaluate(async () => {
    const w = window as unknown as { __treffPeerConnections?: RTCPeerConnection[] };
    let bytes = 0;
    let framesDecoded = 0;
    for (const pc of w.__treffPeerConnections ?? []) {
      if (pc.connectionState === "closed") continue;
      (await pc.getStats()).forEach((r: { type: string; kind?: string; bytesReceived?: number; framesDecoded?: number }) => {
        if (r.type !== "inbound-rtp" || r.kind !== "video") return;
        bytes += r.bytesReceived ?? 0;
        framesDecoded += r.framesDecoded ?? 0;
      });
    }
    return { bytes, framesDecoded };
  });
}

/** Per inbound audio stream: energy played out, and the share of samples that were concealment (lost or undecryptable). */
export async function inboundAudio(page: Page): Promise<{ energy: number; concealed: number }[]> {
  return page.evaluate(async () => {
    const w = window as unknown as { __treffPeerConnections?: RTCPeerConnection[] };
    const streams: { energy: number; concealed: number }[] = [];
    for (const pc of w.__treffPeerConnections ?? []) {
      if (pc.connectionState === "closed") continue;
      (await pc.getStats()).forEach(
        (r: { type: string; kind?: string; totalAudioEnergy?: number; concealedSamples?: number; totalSamplesReceived?: number }) => {
          if (r.type !== "inbound-rtp" || r.kind !== "audio") return;
          streams.push({ energy: r.totalAudioEnergy ?? 0, concealed: (r.concealedSamples ?? 0) / Math.max(1, r.totalSamplesReceived ?? 0) });
        },
      );
    }
    return streams;
  });
}

/** The page's E2EE worker's counters (frames encrypted, decrypted, failed; time spent). */
export function workerStats(page: Page): Promise<FrameStats | undefined> {
  return page.evaluate(
    () =>
      new Promise<FrameStats | undefined>((resolve) => {
        const worker = (window as unknown as { __treffWorker?: Worker }).__treffWorker;
        if (!worker) return resolve(undefined);
        const listener = (event: MessageEvent<{ type: string; stats?: FrameStats }>) => {
          if (event.data.type !== "stats") return;
          worker.removeEventListener("message", listener);
          resolve(event.data.stats);
        };
        worker.addEventListener("message", listener);
        worker.postMessage({ type: "stats" });
      }),
  );
}
