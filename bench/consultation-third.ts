/**
 * npm run bench:consultation-third — adding a third person to a consultation (docs/consultation.md,
 * "A third person"), as the three see it: from the third person's click on "Join the consultation"
 * until each of the three plays the other two's video (staff and patient: in the room, on screen),
 * against the same three browsers as a Treff meeting (E2EE on, no lobby) in which two are in and
 * the third clicks "Join". And the way back: from the third person's "Leave" until staff and
 * patient play each other's video on the direct connection again, on screen. During both moves each
 * of staff and patient is sampled every 10 ms for a moment without any playing picture of the
 * other side on screen (make before break: there should be none).
 *
 * Each run builds its scene fresh (a new appointment, the patient waiting, called in; or a new
 * meeting of two), so that only one scene runs at a time; the two kinds alternate, BENCH_RUNS
 * times each (default 6), after one uncounted warm-up of each. Only the ratio within one run means
 * anything on a shared machine. Results go into BENCHMARKS.md between bench:consultation-third markers.
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

const RUNS = Number(process.env.BENCH_RUNS ?? 6);
const VIEWPORT = { width: 640, height: 400 };
const RUN_TIMEOUT_MS = 30_000;
/** The room's remote tiles, once the room is on screen (staff and patient build it behind the direct call). */
const ROOM_TILES = ".consult-group:not(.behind) figure.tile:not([data-self]) video";
const DIRECT = ".consult-frame > main:not(.behind) video.consult-remote";

/**
 * Inside the page: from now on, the first moment at which `count` videos matching `selector` play
 * lands in window.__doneAt (shared clock); and, every 10 ms, whether any remote picture plays on
 * screen at all (window.__blankMs: the longest stretch from a sample that found none to the next
 * that found one; a busy main thread that delays the samples while video plays counts nothing, as
 * the compositor keeps showing frames meanwhile).
 */
function watch(page: Page, selector: string, count: number): Promise<void> {
  return page.evaluate(
    ({ selector, count }) => {
      const w = window as unknown as { __doneAt?: number; __blankMs: number; __watch?: number };
      delete w.__doneAt;
      w.__blankMs = 0;
      const now = () => performance.timeOrigin + performance.now();
      // On screen, with frames, and fed by a live track (a closed connection's tracks end, leaving a still picture).
      const live = (v: HTMLVideoElement) => ((v.srcObject as MediaStream | null)?.getVideoTracks() ?? []).some((track) => track.readyState === "live" && !track.muted);
      const playing = (v: HTMLVideoElement) => v.isConnected && !v.closest(".behind") && !v.closest("[hidden]") && !v.paused && v.readyState >= 2 && v.videoWidth > 0 && live(v);
      let blankSince: number | undefined;
      window.clearInterval(w.__watch);
      w.__watch = window.setInterval(() => {
        const t = now();
        if (![...document.querySelectorAll<HTMLVideoElement>("video.consult-remote, figure.tile:not([data-self]) video")].some(playing)) blankSince ??= t;
        else if (blankSince !== undefined) {
          w.__blankMs = Math.max(w.__blankMs, t - blankSince);
          blankSince = undefined;
        }
        if (w.__doneAt === undefined && [...document.querySelectorAll<HTMLVideoElement>(selector)].filter(playing).length >= count) w.__doneAt = t;
      }, 10);
    },
    { selector, count },
  );
}

const doneAt = (page: Page) =>
  waitUntil("the pictures to play", () => page.evaluate(() => (window as unknown as { __doneAt?: number }).__doneAt), (at) => at !== undefined, RUN_TIMEOUT_MS, 20) as Promise<number>;
const blankMs = (page: Page) => page.evaluate(() => (window as unknown as { __blankMs: number }).__blankMs);

interface Run {
  /** Click until all three play the other two (in), ms; Infinity: failed. */
  all: number;
  /** Consultation only: the third person's "Leave" until staff and patient play each other directly again. */
  back?: number;
  /** Consultation only: the longest stretch either of staff and patient saw no picture of the other side, during either move. */
  blank?: number;
}
const FAILED: Run = { all: Infinity };

/** A consultation in its direct call; the third person joins by link, then leaves. */
async function consultationRun(staff: Page, patientBrowser: Browser, guestBrowser: Browser, run: number): Promise<Run> {
  const label = `Bench ${run}`;
  const { link } = await newAppointment(staff, label);
  const patient = await waitingPatient(patientBrowser, link, { viewport: VIEWPORT });
  const guest = await newParticipant(guestBrowser, { viewport: VIEWPORT });
  try {
    await staff.getByRole("button", { name: `Call in ${label}` }).click();
    for (const page of [staff, patient.page]) await waitUntil("the direct call", () => page.locator(DIRECT).evaluate((v: HTMLVideoElement) => v.currentTime > 0).catch(() => false), Boolean, RUN_TIMEOUT_MS);
    await staff.getByRole("button", { name: "Add a person" }).click();
    const invitation = await waitUntil("the link", () => staff.getByRole("textbox", { name: "Link for the third person" }).inputValue(), (v) => v.includes("#"), RUN_TIMEOUT_MS);
    await guest.page.goto(invitation);
    await guest.page.getByLabel("Your name (the others see it)").fill("Interpreter");
    await guest.page.getByLabel(/I agree to take part/).check();
    // As the meeting's joiner has its preview on: the device check opened the camera.
    await guest.page.getByRole("button", { name: "Test camera and microphone" }).click();
    await guest.page.getByText("Camera and microphone work.").waitFor();
    await new Promise((r) => setTimeout(r, 300));

    await Promise.all([watch(staff, ROOM_TILES, 2), watch(patient.page, ROOM_TILES, 2), watch(guest.page, TREFF_VIDEOS.remote, 2)]);
    const start = await clickInPage(guest.page, "Join the consultation");
    const all = Math.max(...(await Promise.all([staff, patient.page, guest.page].map(doneAt)))) - start;
    const blankIn = Math.max(await blankMs(staff), await blankMs(patient.page));
    await new Promise((r) => setTimeout(r, 4_000)); // settled: the direct connection has closed

    await Promise.all([watch(staff, DIRECT, 1), watch(patient.page, DIRECT, 1)]);
    const leave = await clickInPage(guest.page, "Leave meeting");
    const back = Math.max(await doneAt(staff), await doneAt(patient.page)) - leave;
    await waitUntil("the room left", () => staff.locator(".consult-group").count(), (n) => n === 0, RUN_TIMEOUT_MS);
    const blank = Math.max(blankIn, await blankMs(staff), await blankMs(patient.page));
    return { all, back, blank };
  } finally {
    await staff.getByRole("button", { name: "End call" }).click().catch(() => {});
    await guest.context.close();
    await patient.context.close();
    await staff.getByRole("heading", { name: "Waiting room" }).waitFor();
  }
}

/** A meeting of two through Janus; the third clicks "Join". */
async function meetingRun(server: TestServer, browsers: Browser[], run: number): Promise<Run> {
  const room = roomUrl(server.url, `bench-third-${run}-${Date.now().toString(36)}`);
  const people: ParticipantPage[] = [];
  try {
    for (const [i, name] of ["Staff", "Patient", "Interpreter"].entries()) {
      const person = await newParticipant(browsers[i]!, { viewport: VIEWPORT });
      people.push(person);
      await person.page.goto(room);
      if (i < 2) await joinTreff(person.page, name);
      else await prepareToJoin(person.page, "treff", name);
    }
    await waitUntil("the two see each other", async () => Math.min(...(await Promise.all(people.slice(0, 2).map((p) => p.page.locator(TREFF_VIDEOS.remote).count())))), (n) => n >= 1, RUN_TIMEOUT_MS);
    await new Promise((r) => setTimeout(r, 300));
    await Promise.all(people.map((p) => watch(p.page, TREFF_VIDEOS.remote, 2)));
    const start = await clickInPage(people[2]!.page, "Join");
    return { all: Math.max(...(await Promise.all(people.map((p) => doneAt(p.page))))) - start };
  } finally {
    for (const p of people) await p.context.close();
  }
}


const ms = formatMs;
const median = (values: (number | undefined)[]) => percentile(values.map((v) => v ?? Infinity), 50);

async function main(): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const dataDir = mkdtempSync(join(tmpdir(), "treff-bench-third-"));
  const server = await startTestServer({ logLevel: "warn", config: { consultation: { dataDir }, meetings: { lobby: false, e2ee: true } } });
  // Three browsers, as three people on three computers.
  const browsers = [await launchBrowser(), await launchBrowser(), await launchBrowser()];
  const consultation: Run[] = [];
  const meeting: Run[] = [];
  try {
    const staff = await enrolledStaff(browsers[0]!, server, dataDir, "Bench", { viewport: VIEWPORT });
    await attempt("warm-up consultation", () => consultationRun(staff.page, browsers[1]!, browsers[2]!, -1), FAILED);
    await attempt("warm-up meeting", () => meetingRun(server, browsers, -1), FAILED);
    for (let run = 0; run < RUNS; run++) {
      const order = run % 2 === 0 ? ["consultation", "meeting"] : ["meeting", "consultation"];
      for (const kind of order) {
        if (kind === "consultation") consultation.push(await attempt(`consultation ${run + 1}`, () => consultationRun(staff.page, browsers[1]!, browsers[2]!, run), FAILED));
        else meeting.push(await attempt(`meeting ${run + 1}`, () => meetingRun(server, browsers, run), FAILED));
      }
      const c = consultation.at(-1)!;
      console.log(`run ${run + 1}/${RUNS}: consultation in ${ms(c.all)} ms, back ${ms(c.back)} ms, longest blank ${ms(c.blank)} ms; meeting ${ms(meeting.at(-1)!.all)} ms`);
    }
  } finally {
    for (const browser of browsers) await browser.close();
    await server.close();
  }

  const ratio = median(consultation.map((r) => r.all)) / median(meeting.map((r) => r.all));
  const list = (values: (number | undefined)[]) => values.map(ms).join(" ");
  const section = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${await machineDescription()}; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after (other work on the machine).`,
    "",
    "Three Chromium browsers on this machine, alternating, in one run (ms):",
    "",
    "| what | runs | p50 | runs in order |",
    "|---|---|---|---|",
    `| a third person joins the consultation: their click until all three play the other two (staff and patient in the room, on screen) | ${consultation.length} | ${ms(median(consultation.map((r) => r.all)))} | ${list(consultation.map((r) => r.all))} |`,
    `| the same three as a meeting through Janus (E2EE on), two in, the third clicks "Join" | ${meeting.length} | ${ms(median(meeting.map((r) => r.all)))} | ${list(meeting.map((r) => r.all))} |`,
    `| the third person leaves: their click until staff and patient play each other directly again, on screen | ${consultation.length} | ${ms(median(consultation.map((r) => r.back)))} | ${list(consultation.map((r) => r.back))} |`,
    `| longest stretch in which staff or patient saw no picture of the other side, during both moves (sampled every 10 ms) | ${consultation.length} | ${ms(median(consultation.map((r) => r.blank)))} | ${list(consultation.map((r) => r.blank))} |`,
    "",
    `Joining the consultation p50 : joining the meeting p50 = ${Number.isFinite(ratio) ? ratio.toFixed(2) : "–"}×. ` +
      "Staff and patient join the room only when the third person arrives (with copies of the camera and microphone their direct call has open), and show it once the others play in it; in the meeting the two are in already.",
  ].join("\n");
  const file = "BENCHMARKS.md";
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  writeFileSync(file, replaceSection(current, "consultation-third", section));
  console.log(section);
  console.log(`wrote ${file}`);
}

await main();
