/**
 * npm run bench:client — what a receiving browser pays for a meeting: its
 * CPU time (every process of its own Chromium, read from /proc) and its
 * downstream bitrate (getStats bytesReceived), in a meeting of 4 and of 16,
 * in grid and speaker view.
 *
 * The receiver runs in a Chromium of its own so its processes can be told
 * apart. Three real browsers publish in both meetings (they share a second
 * Chromium); the large meeting's other participants are synthetic
 * publishers (synthetic-publisher.ts: werift replaying VP8 in three
 * simulcast layers), since this machine runs about eight browsers, not
 * sixteen. Both meetings are measured in the same run, so the ratio between
 * them is what counts. Results go into BENCHMARKS.md between bench:client markers.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { chromium, type Page } from "playwright-core";
import { SIGNALING_PATH } from "../src/protocol/messages.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH, chooseFromMore, launchBrowser, newParticipant, playingRemoteNames } from "../test/helpers/browser.js";
import { joinTreff } from "./meeting-pages.js";
import { startTestServer } from "../test/helpers/server.js";
import { waitUntil } from "../test/helpers/wait.js";
import { machineBusySeconds, treeCpuSeconds } from "./proc.js";
import { machineDescription, replaceSection } from "./report.js";
import { SyntheticParticipant } from "./synthetic-participant.js";
import { clipKbitPerSecond, loadClips, type Clip } from "./vp8-clip.js";

const SMALL = Number(process.env.BENCH_SMALL ?? 4);
const LARGE = Number(process.env.BENCH_LARGE ?? 16);
/** Real browsers publish in both meetings: all of the small meeting besides the receiver. */
const BROWSER_PUBLISHERS = SMALL - 1;
/** Synthetic participants are named with this prefix, so the receiver's streams can be told apart. */
const SYNTHETIC_PREFIX = "S";
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 10_000);
/** Wait before each window (3 s was too short: one run measured the meeting of 4 with its top layers still ramping up). */
const SETTLE_MS = 8_000;
/** One stream arriving at the receiver: whose, which kind, how many bytes so far, and the picture size now. */
interface Inbound {
  id: string;
  kind: string;
  /** The sender's displayed name ("" when no tile shows the track, e.g. audio). */
  from: string;
  bytes: number;
  framesDecoded: number;
  width: number;
  height: number;
}

/** Every stream the receiver's peer connections receive (getStats inbound-rtp), with its sender's name from the tile showing it. */
function inboundStreams(page: Page): Promise<Inbound[]> {
  return page.evaluate(async () => {
    const owners = new Map<string, string>();
    for (const tile of document.querySelectorAll<HTMLElement>("figure.tile:not([data-self])")) {
      const stream = tile.querySelector("video")?.srcObject;
      if (stream instanceof MediaStream) for (const track of stream.getTracks()) owners.set(track.id, tile.querySelector(".name")?.textContent ?? "");
    }
    const streams: Inbound[] = [];
    for (const pc of (window as unknown as { __treffPeerConnections: RTCPeerConnection[] }).__treffPeerConnections) {
      if (pc.connectionState === "closed") continue;
      type InboundRtp = { type: string; id: string; kind?: string; trackIdentifier?: string; bytesReceived?: number; framesDecoded?: number; frameWidth?: number; frameHeight?: number };
      (await pc.getStats()).forEach((r: InboundRtp) => {
        if (r.type !== "inbound-rtp") return;
        streams.push({
          id: r.id,
          kind: r.kind ?? "",
          from: owners.get(r.trackIdentifier ?? "") ?? "",
          bytes: r.bytesReceived ?? 0,
          framesDecoded: r.framesDecoded ?? 0,
          width: r.frameWidth ?? 0,
          height: r.frameHeight ?? 0,
        });
      });
    }
    return streams;
  });
}

/**
 * The video the receiver got during a window, grouped by sender type and
 * picture size, with the mean bitrate and decoded frame rate per stream:
 * e.g. "3 × 960×540 browser (560 kbit/s, 20 fps)". A receiver short of CPU
 * shows it here first, as frames per second below the senders' 30.
 */
function describeVideo(before: Inbound[], after: Inbound[], seconds: number): string {
  const start = new Map(before.map((s) => [s.id, s]));
  const groups = new Map<string, { count: number; kbit: number; fps: number }>();
  for (const s of after) {
    const s0 = start.get(s.id);
    if (s.kind !== "video" || s.width === 0 || !s0) continue; // switched off (tile off screen), or new during the window
    const key = `${s.width}×${s.height} ${s.from.startsWith(SYNTHETIC_PREFIX) ? "synthetic" : "browser"}`;
    const group = groups.get(key) ?? { count: 0, kbit: 0, fps: 0 };
    group.count++;
    group.kbit += ((s.bytes - s0.bytes) * 8) / 1000 / seconds;
    group.fps += (s.framesDecoded - s0.framesDecoded) / seconds;
    groups.set(key, group);
  }
  return [...groups]
    .sort(([a], [b]) => b.localeCompare(a, "en", { numeric: true }))
    .map(([key, g]) => `${g.count} × ${key} (${(g.kbit / g.count).toFixed(0)} kbit/s, ${(g.fps / g.count).toFixed(0)} fps)`)
    .join(", ");
}

const totalBytes = (streams: Inbound[]) => streams.reduce((sum, s) => sum + s.bytes, 0);

interface Sample {
  participants: number;
  view: "grid" | "speaker";
  cpuPerSecond: number;
  kbitPerSecond: number;
  /** Which video streams arrived, at which size (describeVideo). */
  video: string;
  /** CPU of this Node process (Treff and the synthetic publishers), seconds per second. */
  nodeCpuPerSecond: number;
  /** CPU the whole machine used, seconds per second (2 on this machine means saturated). */
  machineCpuPerSecond: number;
}

async function measureMeeting(baseUrl: string, participants: number, clips: readonly Clip[]): Promise<Sample[]> {
  const roomName = `client-${participants}-${Date.now().toString(36)}`;
  const room = `${baseUrl}/r/${roomName}`;
  const browserPublishers = Math.min(participants - 1, BROWSER_PUBLISHERS);
  const others = await launchBrowser();
  const receiverServer = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const receiverBrowser = await chromium.connect(receiverServer.wsEndpoint());
  const synthetic: SyntheticParticipant[] = [];
  try {
    for (let i = 1; i <= browserPublishers; i++) {
      const p = await newParticipant(others, { viewport: { width: 320, height: 240 } });
      await p.page.goto(room);
      await joinTreff(p.page, `P${i}`);
    }
    const signalingUrl = `${baseUrl.replace(/^http/, "ws")}${SIGNALING_PATH}`;
    const names = Array.from({ length: participants - 1 - browserPublishers }, (_, i) => `${SYNTHETIC_PREFIX}${browserPublishers + 1 + i}`);
    const joined = await Promise.allSettled(names.map((name) => SyntheticParticipant.join(signalingUrl, roomName, name, { clips })));
    for (const result of joined) if (result.status === "fulfilled") synthetic.push(result.value);
    const failed = joined.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    const receiver = await newParticipant(receiverBrowser, { viewport: { width: 1280, height: 720 } });
    await receiver.page.goto(room);
    await joinTreff(receiver.page, "Receiver");
    await waitUntil(
      "the receiver to see everyone",
      () => playingRemoteNames(receiver.page),
      (names) => names.length === participants - 1,
      60_000,
      250,
    );
    const samples: Sample[] = [];
    for (const view of ["grid", "speaker"] as const) {
      if (view === "speaker") await chooseFromMore(receiver.page, "Speaker view");
      // Let layers settle: a sender's bandwidth estimate takes several seconds to reach the top layer's bitrate.
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const pid = receiverServer.process().pid!;
      const cpu0 = treeCpuSeconds(pid);
      const node0 = process.cpuUsage();
      const machine0 = machineBusySeconds();
      const streams0 = await inboundStreams(receiver.page);
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, WINDOW_MS));
      const seconds = (Date.now() - t0) / 1000;
      const cpu = (treeCpuSeconds(pid) - cpu0) / seconds;
      const node = process.cpuUsage(node0);
      const machine = (machineBusySeconds() - machine0) / seconds;
      const streams1 = await inboundStreams(receiver.page);
      samples.push({
        participants,
        view,
        cpuPerSecond: cpu,
        kbitPerSecond: ((totalBytes(streams1) - totalBytes(streams0)) * 8) / 1000 / seconds,
        video: describeVideo(streams0, streams1, seconds),
        nodeCpuPerSecond: (node.user + node.system) / 1e6 / seconds,
        machineCpuPerSecond: machine,
      });
      console.log(JSON.stringify(samples.at(-1)));
    }
    const keyframeRequests = synthetic.reduce((sum, p) => sum + p.publisher.feedback.pli + p.publisher.feedback.fir, 0);
    if (synthetic.length > 0) console.log(`synthetic publishers: ${keyframeRequests} key-frame requests from Janus, ${synthetic.reduce((sum, p) => sum + p.publisher.feedback.nack, 0)} NACKs`);
    return samples;
  } finally {
    await Promise.all(synthetic.map((p) => p.close()));
    await receiverBrowser.close();
    await receiverServer.close();
    await others.close();
  }
}

async function main(): Promise<void> {
  // E2EE off in both meetings: synthetic publishers cannot encrypt, and the comparison stays fair.
  const server = await startTestServer({ logLevel: "warn", config: { meetings: { lobby: false, e2ee: false } } });
  const clips = loadClips();
  let samples: Sample[] = [];
  try {
    samples = [...(await measureMeeting(server.url, SMALL, clips)), ...(await measureMeeting(server.url, LARGE, clips))];
  } finally {
    await server.close();
  }
  const row = (s: Sample) =>
    `| ${s.participants} | ${s.view} | ${s.cpuPerSecond.toFixed(2)} | ${s.kbitPerSecond.toFixed(0)} | ${s.video} | ${s.machineCpuPerSecond.toFixed(2)} |`;
  const ratio = (view: Sample["view"], key: "cpuPerSecond" | "kbitPerSecond") => {
    const small = samples.find((s) => s.participants === SMALL && s.view === view)!;
    const large = samples.find((s) => s.participants === LARGE && s.view === view)!;
    const value = large[key] / small[key];
    return `${value.toFixed(2)}×${value > 1.5 ? " (over 1.5)" : ""}`;
  };
  const nodeCpu = Math.max(...samples.filter((s) => s.participants === LARGE).map((s) => s.nodeCpuPerSecond));
  const layers = clips.map((c) => `${c.layer.width}×${c.layer.height} at ${clipKbitPerSecond(c).toFixed(0)} kbit/s`).join(", ");
  const synthetic = Math.max(0, LARGE - 1 - BROWSER_PUBLISHERS);
  const section = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${await machineDescription()}.`,
    "",
    `The receiving browser (its own Chromium, 1280×720) in meetings of ${SMALL} and ${LARGE}, E2EE off, ${WINDOW_MS / 1000} s per figure. ` +
      `Both meetings have ${BROWSER_PUBLISHERS} real browsers publishing (P1–P${BROWSER_PUBLISHERS}); the meeting of ${LARGE} adds ${synthetic} synthetic publishers ` +
      `(S${BROWSER_PUBLISHERS + 1}–S${LARGE - 1}: VP8 replayed in three layers, ${layers}, a key frame every second and on request). ` +
      "CPU: seconds of CPU per second across all of the receiver's processes. Video received: the receiver's video streams at the end of the window, by sender and picture size, with each one's mean bitrate and decoded frame rate. " +
      `Machine: CPU the whole machine used meanwhile (${cpus().length} cores).`,
    "",
    "| participants | view | CPU (s/s) | downstream (kbit/s) | video received | machine (s/s) |",
    "|---|---|---|---|---|---|",
    ...samples.map(row),
    "",
    `Ratio ${LARGE} : ${SMALL} (target: at most 1.5) — grid: CPU ${ratio("grid", "cpuPerSecond")}, bitrate ${ratio("grid", "kbitPerSecond")}; ` +
      `speaker view: CPU ${ratio("speaker", "cpuPerSecond")}, bitrate ${ratio("speaker", "kbitPerSecond")}. ` +
      `Treff and the ${synthetic} synthetic publishers (one Node process) used ${nodeCpu.toFixed(2)} s/s of CPU.`,
  ].join("\n");
  const file = "BENCHMARKS.md";
  writeFileSync(file, replaceSection(readFileSync(file, "utf8"), "client", section));
  console.log(`wrote ${file}`);
}

await main();
