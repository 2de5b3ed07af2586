/**
 * npm run bench:consultation — how long a consultation takes to start, as both people see it:
 * from the staff member's click on "Call in" until *both* browsers play the other's video, over
 * the direct peer-to-peer connection (docs/consultation.md). Against it, the same two browsers
 * meeting through Janus: one already in a Treff meeting (E2EE on, as meetings default; no
 * lobby), the other clicks "Join" on the pre-join screen, until both play the other's video.
 *
 * One run of the bench measures both, alternating (which goes first alternates too), BENCH_RUNS
 * times each (default 10), after one uncounted warm-up of each: absolute times move severalfold between hours on a shared machine, so
 * only the ratio within one run means anything. The clicks and the waits happen inside the pages;
 * both pages read one clock (performance.timeOrigin + performance.now(): wall time, sub-ms), so
 * "both play" is the later of the two. Results go into BENCHMARKS.md between bench:consultation markers.
 *
 * What differs by design: in the consultation the staff member's camera opens after the click
 * (the staff page has no preview), in the meeting the joiner's preview is already on.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, newParticipant, type ParticipantPage } from "../test/helpers/browser.js";
import { enrolledStaff, newAppointment, waitingPatient } from "../test/helpers/consultation.js";
import { startTestServer, type TestServer } from "../test/helpers/server.js";
import { waitUntil } from "../test/helpers/wait.js";
import { TREFF_VIDEOS } from "./join-timing.js";
import { clickInPage, joinTreff, prepareToJoin, roomUrl } from "./meeting-pages.js";
import { attempt, formatMs, machineDescription, percentile, replaceSection } from "./report.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const VIEWPORT = { width: 640, height: 400 };
const CONSULT_VIDEO = "video.consult-remote";
/** A run that has not finished by then is counted as failed (a loaded machine), not waited for. */
const RUN_TIMEOUT_MS = 30_000;

/**
 * Test-side instrumentation (an init script, nothing in src/): when, on the shared clock, the page
 * received `consultConnect`, its camera opened, and its peer connection connected; first time each.
 */
function instrumentConsultation(): void {
  const marks: Record<string, number> = {};
  (window as unknown as { __marks: Record<string, number> }).__marks = marks;
  const mark = (name: string) => (marks[name] ??= performance.timeOrigin + performance.now());
  const OriginalWebSocket = window.WebSocket;
  window.WebSocket = class extends OriginalWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener("message", (event) => {
        if (String(event.data).includes('"consultConnect"')) mark("consultConnect received");
      });
    }
  } as typeof WebSocket;
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    if (marks["consultConnect received"] !== undefined) mark("camera open");
    return stream;
  };
  const OriginalPC = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends OriginalPC {
    constructor(config?: RTCConfiguration) {
      super(config);
      this.addEventListener("connectionstatechange", () => this.connectionState === "connected" && mark("connected"));
    }
  } as typeof RTCPeerConnection;
}

/** The steps of the consultation's start, per side, in the order they usually happen. */
const STEPS = ["consultConnect received", "camera open", "connected"] as const;

interface Run {
  /** Click until both play the other's video, ms; Infinity: failed. */
  both: number;
  /** Click until the clicking side (staff / joiner) plays the other's video. */
  clicker: number;
  /** Click until the other side (patient / the one in the meeting) plays it. */
  other: number;
  /** Consultation only: ms after the click at which each side reached each step. */
  steps?: { staff: Record<string, number>; patient: Record<string, number> };
}

const FAILED: Run = { both: Infinity, clicker: Infinity, other: Infinity };

const stepsSince = (page: Page, start: number) =>
  page.evaluate((start) => Object.fromEntries(Object.entries((window as unknown as { __marks?: Record<string, number> }).__marks ?? {}).map(([k, v]) => [k, v - start])), start);

/** Starts watching, inside the page, for the first remote video that plays; its time lands in window.__playingAt. */
function watchPlaying(page: Page, selector: string): Promise<void> {
  return page.evaluate((selector) => {
    const w = window as unknown as { __playingAt?: number };
    delete w.__playingAt;
    const check = () => {
      const playing = [...document.querySelectorAll<HTMLVideoElement>(selector)].some((v) => !v.closest("[hidden]") && !v.paused && v.readyState >= 2 && v.videoWidth > 0);
      if (playing) w.__playingAt = performance.timeOrigin + performance.now();
      else setTimeout(check, 2);
    };
    check();
  }, selector);
}

const playingAt = (page: Page) =>
  waitUntil("a remote video to play", () => page.evaluate(() => (window as unknown as { __playingAt?: number }).__playingAt), (at) => at !== undefined, RUN_TIMEOUT_MS, 20) as Promise<number>;

/** Both sides watch, one clicks; the run's times. */
async function timed(clicker: Page, other: Page, selector: string, button: string): Promise<Run> {
  await Promise.all([watchPlaying(clicker, selector), watchPlaying(other, selector)]);
  for (const page of [clicker, other]) {
    await page.evaluate(() => {
      const marks = (window as unknown as { __marks?: Record<string, number> }).__marks ?? {};
      for (const key of Object.keys(marks)) delete marks[key];
    });
  }
  const start = await clickInPage(clicker, button);
  const [a, b] = await Promise.all([playingAt(clicker), playingAt(other)]);
  const steps = { staff: await stepsSince(clicker, start), patient: await stepsSince(other, start) };
  return { both: Math.max(a, b) - start, clicker: a - start, other: b - start, steps };
}

/** One consultation: a new appointment, the patient waits (device check done), the staff member calls them in; then hang-up. */
async function consultationRun(staff: Page, patientBrowser: Browser, run: number): Promise<Run> {
  const label = `Bench ${run}`;
  const { link } = await newAppointment(staff, label);
  const patient = await waitingPatient(patientBrowser, link, { viewport: VIEWPORT, prepare: (p) => p.context.addInitScript(instrumentConsultation) });
  try {
    await staff.getByRole("button", { name: `Call in ${label}` }).waitFor();
    await new Promise((r) => setTimeout(r, 300)); // a moment, as a person takes one
    return await timed(staff, patient.page, CONSULT_VIDEO, `Call in ${label}`);
  } finally {
    await staff.getByRole("button", { name: "End call" }).click().catch(() => {});
    await patient.context.close();
    await staff.getByRole("heading", { name: "Waiting room" }).waitFor();
  }
}

/** One meeting of two through Janus: the first is in and publishing, the second clicks "Join". */
async function meetingRun(server: TestServer, firstBrowser: Browser, joinerBrowser: Browser, run: number): Promise<Run> {
  const room = roomUrl(server.url, `bench-consult-${run}-${Date.now().toString(36)}`);
  const people: ParticipantPage[] = [];
  try {
    const first = await newParticipant(firstBrowser, { viewport: VIEWPORT });
    people.push(first);
    await first.page.goto(room);
    await joinTreff(first.page, "Patient");
    await waitUntil("the first one's camera to reach Janus", () => first.page.evaluate(() => (window as unknown as { __treffPeerConnections: RTCPeerConnection[] }).__treffPeerConnections.some((pc) => pc.connectionState === "connected")), Boolean, RUN_TIMEOUT_MS);
    const joiner = await newParticipant(joinerBrowser, { viewport: VIEWPORT });
    people.push(joiner);
    await joiner.page.goto(room);
    await prepareToJoin(joiner.page, "treff", "Staff");
    await new Promise((r) => setTimeout(r, 300));
    return await timed(joiner.page, first.page, TREFF_VIDEOS.remote, "Join");
  } finally {
    for (const p of people) await p.context.close();
  }
}


const ms = formatMs;
const p = (runs: Run[], key: "both" | "clicker" | "other", q: number) => percentile(runs.map((r) => r[key]), q);

async function main(): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const dataDir = mkdtempSync(join(tmpdir(), "treff-bench-consultation-"));
  const server = await startTestServer({ logLevel: "warn", config: { consultation: { dataDir }, meetings: { lobby: false, e2ee: true } } });
  // Two browsers, as two people on two computers: the staff member's (the joiner's) and the patient's.
  const staffBrowser = await launchBrowser();
  const patientBrowser = await launchBrowser();
  const consultation: Run[] = [];
  const meeting: Run[] = [];
  try {
    const staff = await enrolledStaff(staffBrowser, server, dataDir, "Bench", { viewport: VIEWPORT, prepare: (p) => p.context.addInitScript(instrumentConsultation) });
    // One of each first, not counted: the first camera and the first connection of each browser.
    await attempt("warm-up consultation", () => consultationRun(staff.page, patientBrowser, -1), FAILED);
    await attempt("warm-up meeting", () => meetingRun(server, patientBrowser, staffBrowser, -1), FAILED);
    for (let run = 0; run < RUNS; run++) {
      const order = run % 2 === 0 ? ["consultation", "meeting"] : ["meeting", "consultation"];
      for (const kind of order) {
        if (kind === "consultation") consultation.push(await attempt(`consultation ${run + 1}`, () => consultationRun(staff.page, patientBrowser, run), FAILED));
        else meeting.push(await attempt(`meeting ${run + 1}`, () => meetingRun(server, patientBrowser, staffBrowser, run), FAILED));
      }
      console.log(`run ${run + 1}/${RUNS}: consultation ${ms(consultation.at(-1)!.both)} ms, meeting ${ms(meeting.at(-1)!.both)} ms`);
    }
  } finally {
    await staffBrowser.close();
    await patientBrowser.close();
    await server.close();
  }

  const ratio = p(consultation, "both", 50) / p(meeting, "both", 50);
  const row = (what: string, runs: Run[]) =>
    `| ${what} | ${runs.length} | ${ms(p(runs, "both", 50))} | ${ms(p(runs, "both", 90))} | ${ms(p(runs, "clicker", 50))} | ${ms(p(runs, "other", 50))} | ${runs.map((r) => ms(r.both)).join(" ")} |`;
  const section = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${await machineDescription()}; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after (other work on the machine).`,
    "",
    "From the click (“Call in” on the staff page; “Join” on the pre-join screen) until both browsers play the other's video (ms), two Chromium browsers on this machine, alternating, in one run:",
    "",
    "| how | runs | p50 | p90 | p50 clicking side | p50 other side | runs in order |",
    "|---|---|---|---|---|---|---|",
    row("consultation, peer to peer", consultation),
    row("meeting of two through Janus, E2EE on", meeting),
    "",
    "Where the consultation's time goes (median ms after the click at which each side reached each step; “connected”: its peer connection, ICE and DTLS; the patient's camera is open from the device check):",
    "",
    `| side | ${STEPS.join(" | ")} | plays the other's video |`,
    `|---|${STEPS.map(() => "---").join("|")}|---|`,
    ...(["staff", "patient"] as const).map((side) => {
      const cells = STEPS.map((step) => {
        const values = consultation.map((r) => r.steps?.[side][step]).filter((v): v is number => v !== undefined);
        return values.length ? percentile(values, 50).toFixed(0) : "–";
      });
      return `| ${side} | ${cells.join(" | ")} | ${ms(p(consultation, side === "staff" ? "clicker" : "other", 50))} |`;
    }),
    "",
    `Consultation p50 : meeting p50 = ${Number.isFinite(ratio) ? ratio.toFixed(2) : "–"}×. ` +
      "The staff member's camera opens after “Call in” (the staff page has no preview) and is in the consultation's time; the meeting's joiner has its preview on before “Join”.",
  ].join("\n");
  const file = "BENCHMARKS.md";
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  writeFileSync(file, replaceSection(current, "consultation", section));
  console.log(section);
  console.log(`wrote ${file}`);
}

await main();
