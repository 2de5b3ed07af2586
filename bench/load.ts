/**
 * npm run bench:load — how many people one Treff server holds (issue 11).
 *
 * Treff runs as its own process with its own Janus (treff-process.ts);
 * synthetic participants (werift, in one worker process per core: see
 * load-worker.ts) join over the real signaling protocol, send Opus and three
 * VP8 layers, answer key-frame requests and receive what a browser in a
 * 1280×720 window would. Three parts, each optional (BENCH_PARTS):
 *
 * - ab: Janus settings side by side — the same load (BENCH_AB_MEETINGS
 *   meetings of 10) on a server with each settings variant in turn, in
 *   rounds (A B C … A B C …), so each change is an A/B within one run.
 * - ramp: meetings of 10 added one at a time until the server falls over
 *   (loss above 2 %, a real Chromium's join p95 above 2 s, or Janus
 *   saturated), or BENCH_MAX_MEETINGS, or the time is up.
 * - large: one meeting grown through BENCH_LARGE_STEPS, the same way.
 *
 * Each step: settle, then one window measuring Janus' and Treff's CPU and
 * memory (from /proc, each its own process), the harness' and the
 * machine's CPU, packets in and out, and receivers' loss; then a real
 * Chromium joins BENCH_JOINS times, timed as bench:join does.
 * Results go into BENCHMARKS.md between bench:load markers.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import type { Browser } from "playwright-core";
import { JANUS_MEDIA_DEFAULTS } from "../src/media/janus/config.js";
import { launchBrowser } from "../test/helpers/browser.js";
import { loadReport, type Step, type VariantRun } from "./load-report.js";
import { measureWindow, p95, timedJoins, WorkerPool, type Window } from "./load-measure.js";
import { residentBytes } from "./proc.js";
import { machineDescription, replaceSection } from "./report.js";
import { startTreffProcess, type TreffProcess } from "./treff-process.js";

const env = process.env;
const PARTS = new Set((env.BENCH_PARTS ?? "ab,ramp,large").split(",").map((p) => p.trim()));
const CORES = cpus().length;
const WORKERS = Number(env.BENCH_WORKERS ?? CORES);
const MEETING = Number(env.BENCH_MEETING_SIZE ?? 10);
const MAX_MEETINGS = Number(env.BENCH_MAX_MEETINGS ?? 12);
const LARGE_STEPS = (env.BENCH_LARGE_STEPS ?? "20,30,40,50,60,80,100").split(",").map(Number);
const AB_MEETINGS = Number(env.BENCH_AB_MEETINGS ?? 2);
const AB_ROUNDS = Number(env.BENCH_AB_ROUNDS ?? 2);
const JOINS = Number(env.BENCH_JOINS ?? 3);
const SETTLE_MS = Number(env.BENCH_SETTLE_MS ?? 6_000);
const WINDOW_MS = Number(env.BENCH_WINDOW_MS ?? 10_000);
/** The whole run stops adding load after this, whatever part it is in. */
const DEADLINE = Date.now() + Number(env.BENCH_MAX_MINUTES ?? 14) * 60_000;
/**
 * How many in each meeting send audio (the first ones to join). Everyone by default: Treff's
 * client keeps sending (silence) while its microphone is muted, and the server subscribes
 * everyone to everyone's audio. Fewer shows what a meeting would cost if muted microphones sent nothing.
 */
const TALKERS = Number(env.BENCH_TALKERS ?? Infinity);

/** Janus settings to compare (JSON list of {name, janus}); the first is the baseline. */
const VARIANTS: { name: string; janus: Record<string, unknown> }[] = JSON.parse(
  env.BENCH_VARIANTS ??
    JSON.stringify([
      { name: `Treff's defaults (event_loops = ${JANUS_MEDIA_DEFAULTS.eventLoops})`, janus: {} },
      { name: "a thread per handle (Janus' default)", janus: { eventLoops: 0 } },
      { name: "event_loops = 1", janus: { eventLoops: 1 } },
      { name: "nack_optimizations = true", janus: { nackOptimizations: true } },
      { name: "twcc_period = 1000, no_media_timer = 0", janus: { twccPeriodMs: 1000, noMediaTimerSeconds: 0 } },
      { name: "ice_lite = true", janus: { iceLite: true } },
    ]),
);
/** Settings for the ramp and the large meeting (default: Treff's defaults). */
const RAMP_JANUS = JSON.parse(env.BENCH_JANUS ?? "{}") as Record<string, unknown>;

/** Servers running now, stopped if the run is interrupted (Ctrl-C, timeout), so no Treff or Janus is left behind. */
const running = new Set<TreffProcess>();
async function startServer(janus: Record<string, unknown>): Promise<TreffProcess> {
  const server = await startTreffProcess({ janus });
  running.add(server);
  const close = server.close;
  server.close = async () => {
    running.delete(server);
    await close();
  };
  return server;
}

/** Why a step counts as the server falling over, if it does, and whether the machine, not Janus, ran out of CPU. */
function fellOver(window: Window, joins: number[]): string | undefined {
  const reason =
    window.loss > 0.02
      ? `receivers lost ${(window.loss * 100).toFixed(1)} % of packets`
      : joins.length > 0 && p95(joins) > 2_000
        ? `join p95 ${Number.isFinite(p95(joins)) ? `${p95(joins).toFixed(0)} ms` : "failed"}`
        : window.janusCpu >= 0.9 * CORES
          ? "Janus saturated the CPU"
          : undefined;
  if (!reason || window.machineCpu < 0.95 * CORES || window.janusCpu >= 0.9 * CORES) return reason;
  const other = Math.max(0, window.machineCpu - window.janusCpu - window.treffCpu - window.harnessCpu);
  return `${reason}, with the machine saturated (Janus ${window.janusCpu.toFixed(2)}, harness ${window.harnessCpu.toFixed(2)}, everything else ${other.toFixed(2)} s/s of ${CORES} cores): the machine ran out of CPU before Janus did`;
}

/** What Janus and Treff hold in memory before anyone joins. */
function idleMemoryOf(server: TreffProcess): number {
  return residentBytes(server.janusPid) + residentBytes(server.pid);
}

async function settleAndMeasure(server: TreffProcess, pool: WorkerPool): Promise<Window> {
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  return measureWindow(server, pool, WINDOW_MS);
}

function log(label: string, w: Window, joins: number[] = []): void {
  const line = [
    `${label}: ${w.participants} participants`,
    `Janus ${w.janusCpu.toFixed(2)} s/s, ${(w.packetsOut / 1000).toFixed(1)}k pkt/s out (${(w.packetsOut / Math.max(w.janusCpu, 0.01) / 1000).toFixed(1)}k per core)`,
    `Treff ${w.treffCpu.toFixed(3)} s/s`,
    `harness ${w.harnessCpu.toFixed(2)}, machine ${w.machineCpu.toFixed(2)} s/s`,
    `loss ${(w.loss * 100).toFixed(2)} %`,
    ...(joins.length ? [`joins ${joins.map((j) => j.toFixed(0)).join("/")} ms`] : []),
  ];
  console.log(line.join("; "));
}

/** One step of a ramp: what it adds, and where the real Chromium joins to time it. */
interface Growth {
  label: string;
  description: string;
  add(server: TreffProcess): Promise<void>;
  room: string;
  /** Remote videos the joiner waits for (at most those on its screen). */
  expected: number;
}

/**
 * Adds load step by step on one server (Treff's settings, or BENCH_JANUS),
 * measuring after each, until the server falls over, the steps run out
 * (`done` says so) or the time is up.
 */
async function rampUp(pool: WorkerPool, browser: Browser, steps: Growth[], done: string): Promise<{ steps: Step[]; stop: string }> {
  const server = await startServer(RAMP_JANUS);
  const idleMemory = idleMemoryOf(server);
  const measured: Step[] = [];
  let stop = done;
  try {
    for (const step of steps) {
      if (Date.now() > DEADLINE) {
        stop = "the time given to the run (BENCH_MAX_MINUTES) was up";
        break;
      }
      try {
        await step.add(server);
      } catch (error) {
        stop = `${step.description} could not start: ${(error as Error).message}`;
        break;
      }
      const window = await settleAndMeasure(server, pool);
      const joins = await timedJoins(browser, server.url, step.room, step.expected, JOINS);
      log(step.description, window, joins);
      measured.push({ label: step.label, window, joins, idleMemory });
      const reason = fellOver(window, joins);
      if (reason) {
        stop = reason;
        break;
      }
    }
  } finally {
    await pool.leaveAll();
    await server.close();
  }
  return { steps: measured, stop };
}

/** Meetings of MEETING added one at a time. */
function meetingsOfTen(pool: WorkerPool): Growth[] {
  return Array.from({ length: MAX_MEETINGS }, (_, i) => ({
    label: String(i + 1),
    description: `${i + 1} meeting(s) of ${MEETING}`,
    room: "load-1",
    expected: MEETING,
    async add(server: TreffProcess) {
      const names = Array.from({ length: MEETING }, (_, j) => `M${i + 1}-${j + 1}`);
      const room = `load-${i + 1}`;
      await pool.receive(room, await pool.join(server.url, room, names, { spread: false, talking: (j) => j < TALKERS }));
    },
  }));
}

/** One meeting grown through LARGE_STEPS; at each step the newcomers subscribe and the others add them. */
function oneLargeMeeting(pool: WorkerPool): Growth[] {
  const room = "load-large";
  const order: string[] = [];
  return LARGE_STEPS.map((size) => ({
    label: String(size),
    description: `a meeting of ${size}`,
    room,
    expected: size,
    async add(server: TreffProcess) {
      const first = order.length;
      const names = Array.from({ length: size - first }, (_, i) => `L${first + i + 1}`);
      order.push(...(await pool.join(server.url, room, names, { spread: true, talking: (i) => first + i < TALKERS })));
      await pool.receive(room, order);
    },
  }));
}

/** The same load on each Janus settings variant in turn, AB_ROUNDS times. */
async function compareVariants(pool: WorkerPool): Promise<VariantRun[]> {
  const runs: VariantRun[] = [];
  for (let round = 1; round <= AB_ROUNDS; round++) {
    for (const variant of VARIANTS) {
      const server = await startServer(variant.janus);
      try {
        for (let m = 1; m <= AB_MEETINGS; m++) {
          const names = Array.from({ length: MEETING }, (_, i) => `M${m}-${i + 1}`);
          await pool.receive(`ab-${m}`, await pool.join(server.url, `ab-${m}`, names, { spread: false, talking: (j) => j < TALKERS }));
        }
        const window = await settleAndMeasure(server, pool);
        log(`round ${round}, ${variant.name}`, window);
        runs.push({ variant: variant.name, round, window });
      } catch (error) {
        // A run that could not start its load (a busy machine) is left out, not the whole comparison.
        console.warn(`round ${round}, ${variant.name}: left out, ${(error as Error).message}`);
      } finally {
        await pool.leaveAll();
        await server.close();
      }
    }
  }
  return runs;
}

async function main(): Promise<void> {
  const pool = WorkerPool.start(WORKERS);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.warn(`${signal}: stopping the servers and workers`);
      void Promise.allSettled([...running].map((s) => s.close()))
        .then(() => pool.stop())
        .finally(() => process.exit(130));
    });
  }
  const browser = await launchBrowser();
  const started = new Date();
  try {
    const ab = PARTS.has("ab") ? await compareVariants(pool) : [];
    const meetings = PARTS.has("ramp") ? await rampUp(pool, browser, meetingsOfTen(pool), `reached BENCH_MAX_MEETINGS (${MAX_MEETINGS})`) : undefined;
    const largest = PARTS.has("large") ? await rampUp(pool, browser, oneLargeMeeting(pool), `reached ${LARGE_STEPS.at(-1)} participants`) : undefined;
    const sections = loadReport({
      date: started.toISOString().slice(0, 10),
      machine: await machineDescription(),
      cores: CORES,
      meetingSize: MEETING,
      talkers: TALKERS,
      variants: VARIANTS.map((v) => v.name),
      abMeetings: AB_MEETINGS,
      ab,
      ramp: meetings,
      large: largest,
      joinsPerStep: JOINS,
      windowSeconds: WINDOW_MS / 1000,
    });
    const file = "BENCHMARKS.md";
    let text = readFileSync(file, "utf8");
    if (sections.ab) text = replaceSection(text, "load-ab", sections.ab);
    if (sections.capacity) text = replaceSection(text, "load", sections.capacity);
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
  } finally {
    await Promise.allSettled([...running].map((s) => s.close()));
    await browser.close();
    await pool.stop();
  }
}

await main();
