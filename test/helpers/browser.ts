/**
 * Real headless Chromium (Debian's package) for the end-to-end tests and
 * benchmarks, with a fake camera and microphone. Each participant is its
 * own browser context: separate storage, separate media, like separate people.
 */
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { sameMembers, waitUntil } from "./wait.js";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-gpu",
  "--no-first-run",
  "--disable-quic",
  // Media stays on this machine: let WebRTC use the loopback interface Janus listens on.
  "--allow-loopback-in-peer-connection",
];

/** `extraArgs`: more Chromium switches, such as a sound file for the fake microphone. */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true });
}

export interface ParticipantPage {
  context: BrowserContext;
  page: Page;
  /** Every URL the page requested (documents, scripts, fetches, WebSockets). */
  requests: string[];
}

export interface ParticipantOptions {
  /** Default "en-US". */
  locale?: string;
  /** Default 960×600. */
  viewport?: { width: number; height: number };
}

export async function newParticipant(browser: Browser, options: ParticipantOptions = {}): Promise<ParticipantPage> {
  const context = await browser.newContext({
    locale: options.locale ?? "en-US",
    viewport: options.viewport ?? { width: 960, height: 600 },
    permissions: ["camera", "microphone"],
  });
  // tsx compiles test code with esbuild's keepNames, which wraps named functions in a
  // `__name(...)` helper; functions handed to page.evaluate carry that call into the page.
  await context.addInitScript({ content: "window.__name = (fn) => fn;" });
  // Test-only instrumentation: remember every peer connection so tests can read getStats().
  await context.addInitScript(() => {
    const Original = window.RTCPeerConnection;
    const list: RTCPeerConnection[] = [];
    (window as unknown as { __treffPeerConnections: RTCPeerConnection[] }).__treffPeerConnections = list;
    window.RTCPeerConnection = class extends Original {
      constructor(config?: RTCConfiguration) {
        super(config);
        list.push(this);
      }
    } as typeof RTCPeerConnection;
  });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("websocket", (ws) => requests.push(ws.url()));
  return { context, page, requests };
}

/** Which devices a participant switches on before joining; both by default, as most people do. */
export interface DeviceChoice {
  microphone?: boolean;
  camera?: boolean;
}

/**
 * On the pre-join screen, clicks "Turn on microphone" and "Turn on camera"
 * (German: "Mikrofon einschalten", "Kamera einschalten") for each device
 * wanted that is off, as a person does (nothing is on before they choose),
 * and waits until the browser has answered: the device is on, or the screen
 * says why not. Call it once the pre-join screen is drawn.
 */
export async function switchOnDevices(page: Page, wanted: DeviceChoice = {}): Promise<void> {
  const german = (await page.evaluate(() => document.documentElement.lang)) === "de";
  const devices = [
    [wanted.microphone ?? true, german ? "Mikrofon einschalten" : "Turn on microphone", german ? "Mikrofon ausschalten" : "Turn off microphone"],
    [wanted.camera ?? true, german ? "Kamera einschalten" : "Turn on camera", german ? "Kamera ausschalten" : "Turn off camera"],
  ] as const;
  for (const [want, switchOn, switchOff] of devices) {
    const button = page.getByRole("button", { name: switchOn, exact: true });
    if (!want || (await button.count()) === 0) continue;
    await button.click();
    // The browser opened the device, or refused and the screen explains it.
    await page.getByRole("button", { name: switchOff, exact: true }).or(page.getByRole("alert").filter({ hasText: /\S/ })).first().waitFor();
  }
}

/**
 * Fills in the name on the pre-join screen, switches on microphone and
 * camera (unless `devices` says otherwise) and clicks "Join" (or "Beitreten").
 */
export async function joinFromPrejoin(page: Page, name: string, joinLabel = "Join", devices: DeviceChoice = {}): Promise<void> {
  await page.getByRole("textbox", { name: /^Name$/ }).fill(name);
  await switchOnDevices(page, devices);
  await page.getByRole("button", { name: joinLabel, exact: true }).click();
}

/**
 * A new participant who opens `url` (a room's address) and joins from its
 * pre-join screen as `name`, with microphone and camera switched on unless
 * `devices` says otherwise; `joinLabel` is the button's name in the
 * participant's language ("Beitreten" in German).
 */
export async function joinMeeting(
  browser: Browser,
  url: string,
  name: string,
  options: ParticipantOptions & { joinLabel?: string; devices?: DeviceChoice } = {},
): Promise<ParticipantPage> {
  const participant = await newParticipant(browser, options);
  await participant.page.goto(url);
  await joinFromPrejoin(participant.page, name, options.joinLabel, options.devices);
  return participant;
}

/** The name of the meeting's More button in the page's language. */
async function moreLabel(page: Page): Promise<string> {
  return (await page.evaluate(() => document.documentElement.lang)) === "de" ? "Mehr" : "More";
}

/**
 * Opens the meeting's More menu (in the bar) and chooses `item` in it, as a
 * person does: the lobby, the meeting settings, devices, speaker or grid
 * view, keyboard shortcuts. Works in English and German.
 */
export async function chooseFromMore(page: Page, item: string | RegExp): Promise<void> {
  const more = await moreLabel(page);
  await page.getByRole("toolbar").getByRole("button", { name: more, exact: true }).click();
  await page.getByRole("dialog", { name: more }).getByRole("button", { name: item }).click();
}

/**
 * Opens the side panel named `region` (e.g. "Meeting settings", "Lobby", "Devices")
 * through its entry `item` in the More menu, unless it is open already.
 */
export async function openPanelFromMore(page: Page, region: string, item: string | RegExp = region): Promise<void> {
  if (await page.getByRole("region", { name: region, exact: true }).isVisible()) return;
  await chooseFromMore(page, item);
  await page.getByRole("region", { name: region, exact: true }).waitFor();
}

/**
 * The remote videos that show moving pictures: tiles of other participants
 * whose <video> plays and whose track's receiver decoded frames.
 */
export async function playingRemoteNames(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const names: string[] = [];
    for (const tile of document.querySelectorAll<HTMLElement>("figure.tile:not([data-self])")) {
      const video = tile.querySelector("video");
      if (!video || video.paused || video.readyState < 2 || video.videoWidth === 0) continue;
      names.push(tile.querySelector(".name")?.textContent ?? "");
    }
    return names.sort();
  });
}

/** Waits until `page` shows exactly `names` (in any order) as playing remote videos. */
export async function seesPlaying(page: Page, names: string[], who: string, timeoutMs?: number): Promise<void> {
  await waitUntil(`${who} to see ${names.join(", ") || "nobody"} playing`, () => playingRemoteNames(page), (seen) => sameMembers(seen, names), timeoutMs);
}

/** Waits until each of `names`' remote videos on `page` decodes frames it had not decoded before. */
export async function framesKeepComing(page: Page, names: string[], who: string): Promise<void> {
  const first = await remoteFrameCounts(page);
  await waitUntil(`${who}'s videos of ${names.join(", ")} to decode new frames`, () => remoteFrameCounts(page), (now) =>
    names.every((n) => (now[n] ?? 0) > (first[n] ?? 0)),
  );
}

/**
 * Decoded-frame counts of every remote tile's <video>, by displayed name.
 * A tile counts only if its video is playing; the tests compare two reads
 * to prove frames keep arriving.
 */
export async function remoteFrameCounts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const counts: Record<string, number> = {};
    for (const tile of document.querySelectorAll<HTMLElement>("figure.tile:not([data-self])")) {
      const video = tile.querySelector("video");
      const name = tile.querySelector(".name")?.textContent ?? "";
      if (video && !video.paused) counts[name] = video.getVideoPlaybackQuality().totalVideoFrames;
    }
    return counts;
  });
}

/** The candidate pair a peer connection carries its media on now: our side's candidate type, the far side's address. */
export interface SelectedPair {
  localType: string;
  remoteAddress: string;
}

/**
 * The pair every open peer connection uses now (its transport's selected pair;
 * a pair nominated earlier that ICE has moved away from does not count).
 */
export async function selectedPairs(page: Page): Promise<SelectedPair[]> {
  return page.evaluate(async () => {
    const w = window as unknown as { __treffPeerConnections?: RTCPeerConnection[] };
    const pairs: SelectedPair[] = [];
    for (const pc of w.__treffPeerConnections ?? []) {
      if (pc.connectionState === "closed") continue;
      const stats = await pc.getStats();
      const candidate = (id: string | undefined) => stats.get(id ?? "") as { candidateType?: string; address?: string } | undefined;
      stats.forEach((r: { type: string; selectedCandidatePairId?: string }) => {
        if (r.type !== "transport" || !r.selectedCandidatePairId) return;
        const pair = stats.get(r.selectedCandidatePairId) as { localCandidateId?: string; remoteCandidateId?: string } | undefined;
        pairs.push({ localType: candidate(pair?.localCandidateId)?.candidateType ?? "?", remoteAddress: candidate(pair?.remoteCandidateId)?.address ?? "?" });
      });
    }
    return pairs;
  });
}

/** The far side's address of every pair media flows on (see selectedPairs). */
export async function mediaPeerAddresses(page: Page): Promise<string[]> {
  return (await selectedPairs(page)).map((p) => p.remoteAddress);
}

/** Total frames decoded by the page's receiving peer connections (getStats framesDecoded). */
export async function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const w = window as unknown as { __treffPeerConnections?: RTCPeerConnection[] };
    let total = 0;
    for (const pc of w.__treffPeerConnections ?? []) {
      const stats = await pc.getStats();
      stats.forEach((r: { type: string; kind?: string; framesDecoded?: number }) => {
        if (r.type === "inbound-rtp" && r.kind === "video") total += r.framesDecoded ?? 0;
      });
    }
    return total;
  });
}

/** RTP packets of the page's open peer connections, by direction and kind (getStats packetsReceived/packetsSent). */
export interface RtpPackets {
  received: { audio: number; video: number };
  sent: { audio: number; video: number };
}

export async function rtpPackets(page: Page): Promise<RtpPackets> {
  return page.evaluate(async () => {
    const w = window as unknown as { __treffPeerConnections?: RTCPeerConnection[] };
    const counts = { received: { audio: 0, video: 0 }, sent: { audio: 0, video: 0 } };
    for (const pc of w.__treffPeerConnections ?? []) {
      if (pc.connectionState === "closed") continue;
      (await pc.getStats()).forEach((r: { type: string; kind?: string; packetsReceived?: number; packetsSent?: number }) => {
        if (r.kind !== "audio" && r.kind !== "video") return;
        if (r.type === "inbound-rtp") counts.received[r.kind] += r.packetsReceived ?? 0;
        if (r.type === "outbound-rtp") counts.sent[r.kind] += r.packetsSent ?? 0;
      });
    }
    return counts;
  });
}
