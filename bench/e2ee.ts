/**
 * npm run bench:e2ee — what end-to-end encryption costs a participant's
 * browser: the CPU time of its own Chromium (every process, read from /proc)
 * in a meeting with E2EE on, as a ratio to the same meeting with E2EE off,
 * and the time each frame spends being encrypted (what it sends) or
 * decrypted (what it receives), from the E2EE worker's own counters.
 *
 * The measured participant sends and receives (encode and encrypt, decrypt
 * and decode) in a Chromium of its own, so its processes can be told apart;
 * the others share a second Chromium. E2EE is a server setting, so each run
 * starts a server of its own. Runs alternate off, on, on, off, … so that a
 * machine growing busier or quieter weighs on both settings alike, and the
 * medians are compared. Results go into BENCHMARKS.md between bench:e2ee markers.
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { chromium, type Page } from "playwright-core";
import type { FrameStats } from "../src/client/e2ee/worker.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchBrowser, newParticipant, playingRemoteNames } from "../test/helpers/browser.js";
import { joinTreff } from "./meeting-pages.js";
import { startTestServer } from "../test/helpers/server.js";
import { waitUntil } from "../test/helpers/wait.js";
import { machineDescription, replaceSection } from "./report.js";

const SIZE = Number(process.env.BENCH_SIZE ?? 3);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 15_000);
/** Runs per setting: three, so the median is a run's own figure. */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** After everyone sees everyone: time for the first key frames, bandwidth estimation and simulcast layers to settle. */
const SETTLE_MS = 10_000;
/** Chromium's name for a dedicated worker's thread, as /proc shows it (15 characters). */
const WORKER_THREAD = "DedicatedWorker";
const TICKS = 100; // clock ticks per second of /proc/<pid>/stat (USER_HZ on Linux)

/** user + system CPU seconds of a /proc/…/stat line, and the fields after the name. */
function parseStat(stat: string): { name: string; fields: string[]; seconds: number } {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), fields, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS };
}

/** CPU seconds the whole machine has been busy so far (all cores, from /proc/stat). */
function machineBusySeconds(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / TICKS;
}

/**
 * CPU seconds used so far by a process and all its descendants, in total
 * and, if asked, by thread name (live threads only): the names show where time goes.
 */
function treeCpu(root: number, byThread = false): { total: number; threads: Map<string, number> } {
  const parents = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const { fields, seconds } = parseStat(readFileSync(`/proc/${entry}/stat`, "utf8"));
      parents.set(Number(entry), Number(fields[1]));
      cpu.set(Number(entry), seconds);
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  const threads = new Map<string, number>();
  for (const [pid, seconds] of cpu) {
    let inTree = false;
    for (let p: number | undefined = pid; p && p > 1 && !inTree; p = parents.get(p)) inTree = p === root;
    if (!inTree) continue;
    total += seconds;
    if (!byThread) continue;
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const thread = parseStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8"));
        // Numbered pools (e.g. "ThreadPoolForeg", "VideoEncoder0") count as one name.
        const name = thread.name.replace(/\d+$/, "");
        threads.set(name, (threads.get(name) ?? 0) + thread.seconds);
      }
    } catch {
      // the process or thread ended meanwhile
    }
  }
  return { total, threads };
}

/** Remembers, in the page, every worker the page posts to: the E2EE worker is one of them. */
function rememberWorkers(): void {
  const workers = new Set<Worker>();
  (window as unknown as { __benchWorkers: Set<Worker> }).__benchWorkers = workers;
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (this: Worker, ...args: unknown[]) {
    workers.add(this);
    return (post as (...a: unknown[]) => void).apply(this, args);
  } as typeof Worker.prototype.postMessage;
}

/** The E2EE worker's counters (summed if there are several), or undefined if no worker answers (E2EE off: it was terminated). */
function workerStats(page: Page): Promise<FrameStats | undefined> {
  return page.evaluate(async () => {
    const workers = [...(window as unknown as { __benchWorkers: Set<Worker> }).__benchWorkers];
    const replies = await Promise.all(
      workers.map(
        (worker) =>
          new Promise<FrameStats | undefined>((resolve) => {
            const timer = setTimeout(() => done(undefined), 2_000);
            const onMessage = (event: MessageEvent<{ type?: string; stats?: FrameStats }>) => {
              if (event.data?.type === "stats") done(event.data.stats);
            };
            const done = (stats: FrameStats | undefined) => {
              clearTimeout(timer);
              worker.removeEventListener("message", onMessage);
              resolve(stats);
            };
            worker.addEventListener("message", onMessage);
            worker.postMessage({ type: "stats" });
          }),
      ),
    );
    const answered = replies.filter((r): r is FrameStats => r !== undefined);
    if (answered.length === 0) return undefined;
    const sum: FrameStats = { encrypted: 0, encryptMs: 0, decrypted: 0, decryptMs: 0, failed: 0, replayed: 0 };
    for (const r of answered) for (const key of Object.keys(sum) as (keyof FrameStats)[]) sum[key] += r[key];
    return sum;
  });
}

interface Media {
  bytesSent: number;
  bytesReceived: number;
  /** Video frames encoded (all simulcast layers) and decoded. */
  framesEncoded: number;
  framesDecoded: number;
  /** Senders and receivers with an E2EE transform: none when E2EE is off. */
  transforms: number;
}

function media(page: Page): Promise<Media> {
  return page.evaluate(async () => {
    const m = { bytesSent: 0, bytesReceived: 0, framesEncoded: 0, framesDecoded: 0, transforms: 0 };
    for (const pc of (window as unknown as { __treffPeerConnections: RTCPeerConnection[] }).__treffPeerConnections) {
      if (pc.connectionState === "closed") continue;
      m.transforms += [...pc.getSenders(), ...pc.getReceivers()].filter((x) => x.transform).length;
      (await pc.getStats()).forEach((r: { type: string; kind?: string; bytesSent?: number; bytesReceived?: number; framesEncoded?: number; framesDecoded?: number }) => {
        if (r.type === "outbound-rtp") {
          m.bytesSent += r.bytesSent ?? 0;
          if (r.kind === "video") m.framesEncoded += r.framesEncoded ?? 0;
        } else if (r.type === "inbound-rtp") {
          m.bytesReceived += r.bytesReceived ?? 0;
          if (r.kind === "video") m.framesDecoded += r.framesDecoded ?? 0;
        }
      });
    }
    return m;
  });
}

interface Sample {
  run: number;
  e2ee: boolean;
  cpuPerSecond: number;
  /** CPU seconds per second of the E2EE worker's thread (the page's only worker). */
  workerCpuPerSecond: number;
  /** CPU seconds per second the machine spent on anything but this benchmark (other people's tests). */
  otherLoad: number;
  /** ms per frame, audio and video together; NaN with E2EE off. */
  encryptMs: number;
  decryptMs: number;
  encryptedPerSecond: number;
  decryptedPerSecond: number;
  failed: number;
  framesEncodedPerSecond: number;
  framesDecodedPerSecond: number;
  kbitSent: number;
  kbitReceived: number;
  /** CPU seconds per second of each thread name over the window. */
  threads: Map<string, number>;
}

async function measureRun(run: number, e2ee: boolean): Promise<Sample> {
  // Whatever was started is closed, last first, however the run ends.
  const started: { close(): Promise<unknown> }[] = [];
  const start = async <T extends { close(): Promise<unknown> }>(thing: Promise<T>): Promise<T> => {
    const it = await thing;
    started.push(it);
    return it;
  };
  try {
    const server = await start(startTestServer({ logLevel: "warn", config: { meetings: { lobby: false, e2ee } } }));
    const others = await start(launchBrowser());
    const measuredServer = await start(chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true }));
    const measuredBrowser = await start(chromium.connect(measuredServer.wsEndpoint()));
    const room = `${server.url}/r/e2ee-${run}-${Date.now().toString(36)}`;
    const pages: Page[] = [];
    for (let i = 1; i < SIZE; i++) {
      const p = await newParticipant(others, { viewport: { width: 640, height: 400 } });
      await p.page.goto(room);
      await joinTreff(p.page, `P${i}`);
      pages.push(p.page);
    }
    const measured = await newParticipant(measuredBrowser, { viewport: { width: 1280, height: 720 } });
    await measured.context.addInitScript(rememberWorkers);
    await measured.page.goto(room);
    await joinTreff(measured.page, "Measured");
    pages.push(measured.page);
    for (const [i, page] of pages.entries()) {
      await waitUntil(`participant ${i + 1} to see everyone`, () => playingRemoteNames(page), (names) => names.length === SIZE - 1, 60_000, 250);
    }
    await new Promise((r) => setTimeout(r, SETTLE_MS));

    // Every counter is read at the start and at the end of the window, in the same order both
    // times, so each spans the same time; the worker is asked only if it runs (off: it was terminated).
    const pid = measuredServer.process().pid!;
    const read = async () => ({
      media: await media(measured.page),
      stats: e2ee ? await workerStats(measured.page) : undefined,
      cpu: treeCpu(pid, true),
      ours: treeCpu(process.pid).total,
      busy: machineBusySeconds(),
      at: Date.now(),
    });
    const before = await read();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const after = await read();
    const seconds = (after.at - before.at) / 1000;

    // The two settings must differ in what they claim to: frames pass through the worker, or no transform exists.
    const counted = (key: "encrypted" | "decrypted") => (after.stats?.[key] ?? 0) > (before.stats?.[key] ?? 0);
    if (e2ee && !(counted("encrypted") && counted("decrypted"))) {
      throw new Error(`E2EE is on, but the measured page's worker did not encrypt and decrypt: ${JSON.stringify({ before: before.stats, after: after.stats })}`);
    }
    if (!e2ee && after.media.transforms > 0) throw new Error(`E2EE is off, but the measured page has ${after.media.transforms} transforms`);
    const d = (key: keyof FrameStats) => (after.stats && before.stats ? after.stats[key] - before.stats[key] : Number.NaN);
    const threads = new Map<string, number>();
    for (const [name, s] of after.cpu.threads) threads.set(name, (s - (before.cpu.threads.get(name) ?? 0)) / seconds);
    const sample: Sample = {
      run,
      e2ee,
      cpuPerSecond: (after.cpu.total - before.cpu.total) / seconds,
      workerCpuPerSecond: threads.get(WORKER_THREAD) ?? 0,
      // Ticks are read at slightly different moments: a quiet machine can come out a hair below zero.
      otherLoad: Math.max(0, (after.busy - before.busy - (after.ours - before.ours)) / seconds),
      encryptMs: d("encryptMs") / d("encrypted"),
      decryptMs: d("decryptMs") / d("decrypted"),
      encryptedPerSecond: d("encrypted") / seconds,
      decryptedPerSecond: d("decrypted") / seconds,
      failed: d("failed"),
      framesEncodedPerSecond: (after.media.framesEncoded - before.media.framesEncoded) / seconds,
      framesDecodedPerSecond: (after.media.framesDecoded - before.media.framesDecoded) / seconds,
      kbitSent: ((after.media.bytesSent - before.media.bytesSent) * 8) / 1000 / seconds,
      kbitReceived: ((after.media.bytesReceived - before.media.bytesReceived) * 8) / 1000 / seconds,
      threads,
    };
    const { threads: _, ...printable } = sample;
    console.log(JSON.stringify(printable));
    return sample;
  } finally {
    for (const thing of started.reverse()) await thing.close().catch((error: unknown) => console.warn("closing:", error));
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The threads whose median CPU differs most between E2EE on and off, for the console. */
function threadDifferences(samples: readonly Sample[]): string[] {
  const names = new Set(samples.flatMap((s) => [...s.threads.keys()]));
  const of = (name: string, e2ee: boolean) => median(samples.filter((s) => s.e2ee === e2ee).map((s) => s.threads.get(name) ?? 0));
  return [...names]
    .map((name) => ({ name, off: of(name, false), on: of(name, true) }))
    .sort((a, b) => Math.abs(b.on - b.off) - Math.abs(a.on - a.off))
    .slice(0, 12)
    .map((t) => `  ${t.name.padEnd(16)} off ${t.off.toFixed(3)}  on ${t.on.toFixed(3)}  (${t.on - t.off >= 0 ? "+" : ""}${(t.on - t.off).toFixed(3)} s/s)`);
}

/** A run, tried once more if it fails: on a shared machine a meeting sometimes takes too long to come up. */
async function measureRunWithRetry(run: number, e2ee: boolean): Promise<Sample> {
  try {
    return await measureRun(run, e2ee);
  } catch (error) {
    console.warn(`run ${run} failed, trying once more: ${String(error)}`);
    return measureRun(run, e2ee);
  }
}

async function main(): Promise<void> {
  // off, on, on, off, off, on, …: each pair in the opposite order to the one before.
  const order = Array.from({ length: 2 * RUNS }, (_, i) => (Math.floor(i / 2) % 2 === 0) === (i % 2 === 1));
  const samples: Sample[] = [];
  for (const [i, e2ee] of order.entries()) samples.push(await measureRunWithRetry(i + 1, e2ee));

  const on = samples.filter((s) => s.e2ee);
  const off = samples.filter((s) => !s.e2ee);
  const med = (runs: Sample[], value: (s: Sample) => number) => median(runs.map(value));
  const cpuOn = med(on, (s) => s.cpuPerSecond);
  const cpuOff = med(off, (s) => s.cpuPerSecond);
  const ratio = cpuOn / cpuOff;
  const workerCpu = med(on, (s) => s.workerCpuPerSecond);
  // Within one run, so unlike the ratio above it does not depend on how busy the machine was from run to run.
  const workerShare = med(on, (s) => s.workerCpuPerSecond / (s.cpuPerSecond - s.workerCpuPerSecond));
  const encryptMs = med(on, (s) => s.encryptMs);
  const decryptMs = med(on, (s) => s.decryptMs);
  const failed = on.reduce((n, s) => n + s.failed, 0);
  // The ratio holds only if both settings carried the same media: Chromium sends fewer frames when CPU or bandwidth estimate run short.
  const videoFrames = (s: Sample) => s.framesEncodedPerSecond + s.framesDecodedPerSecond;
  const framesRatio = med(on, videoFrames) / med(off, videoFrames);
  const sameMedia = Math.abs(framesRatio - 1) <= 0.1;

  const ms = (v: number) => (Number.isNaN(v) ? "–" : v.toFixed(3));
  const signed = (v: number) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(0)} %`;
  const verdict = (ok: boolean) => (ok ? "within" : "over");
  const row = (s: Sample) =>
    `| ${s.run} | ${s.e2ee ? "on" : "off"} | ${s.cpuPerSecond.toFixed(2)} | ${s.workerCpuPerSecond.toFixed(3)} | ${ms(s.encryptMs)} | ${ms(s.decryptMs)} | ` +
    `${s.e2ee ? `${s.encryptedPerSecond.toFixed(0)} / ${s.decryptedPerSecond.toFixed(0)}` : "–"} | ` +
    `${s.framesEncodedPerSecond.toFixed(0)} / ${s.framesDecodedPerSecond.toFixed(0)} | ${s.kbitSent.toFixed(0)} / ${s.kbitReceived.toFixed(0)} | ${s.otherLoad.toFixed(2)} |`;
  const section = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${await machineDescription()}.`,
    "",
    `A meeting of ${SIZE}, everyone sending camera and microphone. The measured participant has a Chromium of its own (1280×720), ` +
      `the others share a second one (640×400). ${RUNS} run${RUNS === 1 ? "" : "s"} per setting, in the order shown, each with a server of its own; ` +
      `${WINDOW_MS / 1000} s per run, from ${SETTLE_MS / 1000} s after everyone sees everyone. CPU: seconds of CPU per second, all of the measured ` +
      "Chromium's processes; worker: its E2EE worker's thread alone. Encrypt, decrypt: ms per frame (audio and video) in the worker. " +
      "Other load: CPU the machine spent on anything but this benchmark.",
    "",
    "| run | E2EE | CPU (s/s) | worker (s/s) | encrypt (ms/frame) | decrypt (ms/frame) | frames encrypted / decrypted per s | video frames encoded / decoded per s | kbit/s sent / received | other load (s/s) |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...samples.map(row),
    "",
    `CPU with E2EE on : off (medians ${cpuOn.toFixed(2)} : ${cpuOff.toFixed(2)} s/s) = ${ratio.toFixed(2)}×, ${signed((ratio - 1) * 100)} ` +
      `(${sameMedia ? `${verdict(ratio < 1.1)} the target of +10 %` : "not comparable, see below"}). ` +
      `The E2EE worker's thread alone: ${workerCpu.toFixed(3)} s/s, ${signed(workerShare * 100)} on top of the rest of the browser ` +
      `in the same run (a lower bound: ${verdict(workerShare < 0.1)} the target). ` +
      `Per frame (medians): encrypt ${encryptMs.toFixed(3)} ms, decrypt ${decryptMs.toFixed(3)} ms (${verdict(encryptMs < 2 && decryptMs < 2)} the target of 2 ms).` +
      (failed > 0 ? ` ${failed} received frames failed to decrypt during the windows.` : "") +
      (sameMedia
        ? ""
        : ` Caution: with E2EE on, the measured browser encoded and decoded ${Math.abs((framesRatio - 1) * 100).toFixed(0)} % ` +
          `${framesRatio < 1 ? "fewer" : "more"} video frames: the two settings did not carry the same media, so the CPU ratio compares unlike meetings.`),
  ].join("\n");
  console.log(`\n${section}\n`);
  console.log("Threads of the measured Chromium whose CPU differs most, median off vs on:");
  for (const line of threadDifferences(samples)) console.log(line);
  const file = "BENCHMARKS.md";
  writeFileSync(file, replaceSection(readFileSync(file, "utf8"), "e2ee", section));
  console.log(`wrote ${file}`);
}

await main();
