/**
 * How the benchmarks time a join, as a person experiences it: on the
 * pre-join screen with the camera on, the click on "Join" and the wait until
 * the other participants' videos play are done inside the page, so the
 * figure has no test-driver latency in it. Phases (signaling messages, peer
 * connection states) are recorded from the page to show where the time goes.
 * Used by bench:join and bench:load.
 */
import type { Page } from "playwright-core";

/** Records, inside the page, when signaling messages arrive and peer connections connect. */
export function instrument(): void {
  const marks: Record<string, number> = {};
  (window as unknown as { __marks: Record<string, number> }).__marks = marks;
  const mark = (name: string) => {
    marks[name] ??= performance.now();
  };
  const OriginalWebSocket = window.WebSocket;
  window.WebSocket = class extends OriginalWebSocket {
    override send(data: string): void {
      mark(`send:${(JSON.parse(data) as { type: string }).type}`);
      super.send(data);
    }
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener("message", (event) => {
        try {
          mark(`ws:${(JSON.parse(String(event.data)) as { type: string }).type}`);
        } catch {
          // not ours
        }
      });
    }
  } as typeof WebSocket;
  const OriginalPC = window.RTCPeerConnection;
  let count = 0;
  window.RTCPeerConnection = class extends OriginalPC {
    constructor(config?: RTCConfiguration) {
      super(config);
      // The client creates the publisher first and the subscriber when the first offer arrives.
      const role = count++ === 0 ? "publisher" : "subscriber";
      this.addEventListener("connectionstatechange", () => mark(`${role}:${this.connectionState}`));
      this.addEventListener("iceconnectionstatechange", () => mark(`${role}:ice-${this.iceConnectionState}`));
      if (role === "subscriber") this.watchFirstVideo();
    }

    /** When the first video packet arrives, and the first video frame is assembled and decoded (every 10 ms from getStats). */
    private watchFirstVideo(): void {
      const timer = setInterval(() => {
        if (this.connectionState === "closed") return clearInterval(timer);
        void this.getStats().then((report) => {
          report.forEach((s: { type: string; kind?: string; packetsReceived?: number; framesReceived?: number; framesDecoded?: number }) => {
            if (s.type !== "inbound-rtp" || s.kind !== "video") return;
            if (s.packetsReceived) mark("subscriber:first-video-packet");
            if (s.framesReceived) mark("subscriber:first-frame-received");
            if (s.framesDecoded) mark("subscriber:first-frame-decoded");
          });
          if (marks["subscriber:first-frame-decoded"] !== undefined) clearInterval(timer);
        });
      }, 10);
    }
  } as typeof RTCPeerConnection;
}

export interface Run {
  total: number;
  phases: Record<string, number>;
}

/** The phases of Treff's join, in the order they usually happen, with their column titles. */
export const PHASES: [string, string][] = [
  ["send:join", "`join` sent"],
  ["send:publish", "`publish` sent"],
  ["ws:joined", "`joined` received"],
  ["ws:e2eeKey", "first E2EE key received"],
  ["ws:publisherAnswer", "publisher answer received"],
  ["ws:subscriberOffer", "subscriber offer received"],
  ["send:subscriberAnswer", "subscriber answer sent"],
  ["publisher:ice-connected", "publisher ICE connected"],
  ["publisher:connected", "publisher DTLS connected"],
  ["subscriber:ice-connected", "subscriber ICE connected"],
  ["subscriber:connected", "subscriber DTLS connected"],
  ["subscriber:first-video-packet", "first video packet received"],
  ["subscriber:first-frame-received", "first video frame assembled"],
  ["subscriber:first-frame-decoded", "first video frame decoded"],
];

/**
 * Clicks the button named "Turn on camera" / "Turn on microphone" if the
 * pre-join screen shows one (when devices start off), as a person would
 * before joining; does nothing where they are on already.
 */
export async function switchDevicesOn(page: Page): Promise<void> {
  for (const name of ["Turn on camera", "Turn on microphone"]) {
    const button = page.getByRole("button", { name, exact: true });
    if ((await button.count()) > 0 && (await button.first().isVisible())) await button.first().click();
  }
}

/** Where a page shows remote videos: Treff's tiles, or the naive anchor's <video data-feed>. */
export interface VideoSelectors {
  /** Remote video elements; those inside a hidden element (a tile on another page) do not count. */
  remote: string;
}

export const TREFF_VIDEOS: VideoSelectors = { remote: "figure.tile:not([data-self]) video" };

/**
 * Clicks the button named "Join" inside the page and resolves when
 * `expected` remote videos play, or every remote video that is on screen
 * if fewer fit (a large meeting shows a page of tiles).
 */
export async function timedJoin(page: Page, expected: number, selectors: VideoSelectors = TREFF_VIDEOS): Promise<Run> {
  return page.evaluate(
    async ({ expected, remote }) => {
      const marks = (window as unknown as { __marks?: Record<string, number> }).__marks ?? {};
      for (const key of Object.keys(marks)) delete marks[key];
      const button = [...document.querySelectorAll("button")].find((b) => b.textContent?.trim() === "Join")!;
      const start = performance.now();
      button.click();
      const shown = () => [...document.querySelectorAll<HTMLVideoElement>(remote)].filter((v) => !v.closest("[hidden]"));
      const playing = () => shown().filter((v) => !v.paused && v.readyState >= 2 && v.videoWidth > 0).length;
      await new Promise<void>((resolve, reject) => {
        const check = () => {
          const onScreen = shown().length;
          if (onScreen > 0 && playing() >= Math.min(expected, onScreen)) return resolve();
          // A join that never completes is a bug to report, not a wait forever.
          if (performance.now() - start > 20_000) {
            const line = document.querySelector(".encryption")?.textContent ?? "";
            return reject(new Error(`after 20 s, ${playing()} of ${expected} videos play${line ? `; encryption: ${line}` : ""}`));
          }
          setTimeout(check, 2);
        };
        check();
      });
      const end = performance.now();
      const phases: Record<string, number> = {};
      for (const [name, at] of Object.entries(marks)) phases[name] = at - start;
      return { total: end - start, phases };
    },
    { expected, remote: selectors.remote },
  );
}
