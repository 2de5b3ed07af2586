/**
 * Driving a meeting page as a person does, for Treff and for the naive
 * anchor alike (bench:join): join from the pre-join screen, count the
 * remote videos that play, and measure what each participant's browser
 * costs in a settled meeting.
 */
import { chromium, type Browser, type Page } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH, newParticipant, type ParticipantPage } from "../test/helpers/browser.js";
import { waitUntil } from "../test/helpers/wait.js";
import { switchDevicesOn, TREFF_VIDEOS, type VideoSelectors } from "./join-timing.js";
import { CpuRate, machineBusySeconds, treeCpuSeconds } from "./proc.js";

export type ServerKind = "treff" | "naive";

/** The naive anchor's page: its remote videos carry the feed they show. */
export const NAIVE_VIDEOS: VideoSelectors = { remote: "video[data-feed]" };

export const videosOf = (kind: ServerKind) => (kind === "treff" ? TREFF_VIDEOS : NAIVE_VIDEOS);

/** The address of room `room` on a server of `kind` (both serve rooms at /r/<name>). */
export const roomUrl = (baseUrl: string, room: string) => `${baseUrl}/r/${room}`;

/** Remote videos on screen that play pictures. */
export function playingVideos(page: Page, selectors: VideoSelectors): Promise<number> {
  return page.evaluate(
    (remote) =>
      [...document.querySelectorAll<HTMLVideoElement>(remote)].filter((v) => !v.closest("[hidden]") && !v.paused && v.readyState >= 2 && v.videoWidth > 0)
        .length,
    selectors.remote,
  );
}

/**
 * Fills "Name", switches camera and microphone on where the page asks for
 * it, waits for the own preview to play (the naive page shows it as the
 * first video, Treff as video.preview), and leaves the click to the caller.
 */
export async function prepareToJoin(page: Page, kind: ServerKind, name: string): Promise<void> {
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  if (kind === "treff") await switchDevicesOn(page);
  const preview = kind === "treff" ? "video.preview" : "video:not([data-feed])";
  await waitUntil("the own preview", () => page.locator(preview).first().evaluate((v: HTMLVideoElement) => v.videoWidth), (w) => w > 0, 15_000);
}

/** Clicks the button with this accessible label (or text) inside the page; when, on the shared clock (performance.timeOrigin + now). */
export function clickInPage(page: Page, name: string): Promise<number> {
  return page.evaluate((name) => {
    const button = [...document.querySelectorAll("button")].find((b) => b.getAttribute("aria-label") === name || b.textContent?.trim() === name);
    if (!button) throw new Error(`no button "${name}"`);
    const at = performance.timeOrigin + performance.now();
    button.click();
    return at;
  }, name);
}

export async function clickJoin(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Join", exact: true }).click();
}

/** Joins a Treff meeting from its pre-join screen with camera and microphone on (whether they start on or off). */
export async function joinTreff(page: Page, name: string): Promise<void> {
  await prepareToJoin(page, "treff", name);
  await clickJoin(page);
}

/** Joins `count` people one after another into `room` and waits until each sees all the others' videos play. */
export async function settledMeeting(
  browsers: Browser[],
  kind: ServerKind,
  url: string,
  count: number,
  viewport: { width: number; height: number },
): Promise<ParticipantPage[]> {
  const people: ParticipantPage[] = [];
  for (let i = 0; i < count; i++) {
    const p = await newParticipant(browsers[i % browsers.length]!, { viewport });
    await p.page.goto(url);
    await prepareToJoin(p.page, kind, `P${i + 1}`);
    await clickJoin(p.page);
    people.push(p);
  }
  for (const [i, p] of people.entries()) {
    await waitUntil(`P${i + 1} to see the others' videos`, () => playingVideos(p.page, videosOf(kind)), (n) => n === count - 1, 30_000);
  }
  return people;
}

export interface ParticipantCpu {
  /** CPU of each participant's browser, seconds per second. */
  each: number[];
  /** CPU the whole machine used meanwhile. */
  machine: number;
}

/**
 * Each participant of a meeting of `count` in a Chromium of its own (so its
 * processes can be told apart), settled for `settleMs`, then measured for
 * `windowMs`: seconds of CPU per second across each browser's processes.
 */
export async function cpuPerParticipant(kind: ServerKind, url: string, count: number, settleMs: number, windowMs: number): Promise<ParticipantCpu> {
  const servers = await Promise.all(Array.from({ length: count }, () => chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true })));
  const browsers = await Promise.all(servers.map((s) => chromium.connect(s.wsEndpoint())));
  try {
    await settledMeeting(browsers, kind, url, count, { width: 1280, height: 720 });
    await new Promise((r) => setTimeout(r, settleMs));
    const rates = servers.map((s) => new CpuRate(() => treeCpuSeconds(s.process().pid!)));
    const machine = new CpuRate(machineBusySeconds);
    await new Promise((r) => setTimeout(r, windowMs));
    return { each: rates.map((r) => r.rate()), machine: machine.rate() };
  } finally {
    await Promise.all(browsers.map((b) => b.close()));
    await Promise.all(servers.map((s) => s.close()));
  }
}
