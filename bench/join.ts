/**
 * npm run bench:join — how long the k-th person waits, from clicking "Join"
 * until every other participant's video plays on their screen, in a meeting
 * of k−1 people already there (lobby off). Real Chromium, real Janus.
 *
 * Treff (end-to-end encryption on and off, BENCH_E2EE) and the naive
 * anchor server (../shared/anchors, naive-anchor.ts; skipped with a note if
 * it is missing) are measured in the same run, size by size, one after the
 * other: absolute times move severalfold between hours on a shared machine,
 * so only the ratio within one run means anything. Each run: a fresh
 * browser context opens the room, gets ready on the pre-join screen (camera
 * on, own preview playing), then the click and the wait happen inside the
 * page (join-timing.ts). Then each participant's CPU in a settled meeting
 * of three, Treff against the naive client, each in a Chromium of its own.
 * Results go into BENCHMARKS.md between bench:join markers.
 */
import { writeFileSync, readFileSync, existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { launchBrowser, newParticipant } from "../test/helpers/browser.js";
import { startTestServer } from "../test/helpers/server.js";
import { waitUntil } from "../test/helpers/wait.js";
import { instrument, PHASES, timedJoin, type Run } from "./join-timing.js";
import { cpuPerParticipant, playingVideos, prepareToJoin, roomUrl, settledMeeting, videosOf, type ParticipantCpu, type ServerKind } from "./meeting-pages.js";
import { naiveUnavailable, startNaiveServer } from "./naive-anchor.js";
import { machineDescription, percentile, replaceSection } from "./report.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const SIZES = (process.env.BENCH_SIZES ?? "3,4").split(",").map(Number);
/** With end-to-end encryption (the default) or without, or both in turn ("on,off"), to see what it costs. */
const E2EE = (process.env.BENCH_E2EE ?? "on,off").split(",").map((v) => v.trim() === "on");
const NAIVE = (process.env.BENCH_NAIVE ?? "on") === "on";
const CPU_SETTLE_MS = 10_000;
const CPU_WINDOW_MS = Number(process.env.BENCH_CPU_WINDOW_MS ?? 15_000);
const VIEWPORT = { width: 640, height: 400 };
/** Targets (issue 15): Treff with E2EE at most this many times the naive server's p50. */
const TARGETS: Record<number, number> = { 3: 0.5, 4: 1.0 };

interface Target {
  label: string;
  kind: ServerKind;
  e2ee: boolean;
  url: string;
}

async function measure(browser: Browser, target: Target, k: number): Promise<Run[]> {
  const room = roomUrl(target.url, `bench-${k}-${Date.now().toString(36)}`);
  const present = await settledMeeting([browser], target.kind, room, k - 1, VIEWPORT);
  const runs: Run[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const joiner = await newParticipant(browser, { viewport: VIEWPORT });
      await joiner.context.addInitScript(instrument);
      await joiner.page.goto(room);
      try {
        await prepareToJoin(joiner.page, target.kind, "Joiner");
        await new Promise((r) => setTimeout(r, 300)); // let the page settle, as a person would take a moment
        const timed = await timedJoin(joiner.page, k - 1, videosOf(target.kind));
        runs.push(timed);
        // BENCH_TRACE=1: each run's phases, in order, to see where one slow join spent its time.
        if (process.env.BENCH_TRACE) {
          const phases = Object.entries(timed.phases).sort(([, a], [, b]) => a - b).map(([name, at]) => `${name} ${Math.round(at)}`);
          console.log(`k=${k}, ${target.label}: ${Math.round(timed.total)} ms: ${phases.join(", ")}`);
        }
      } catch (error) {
        // A join that never completes is a result too (a loaded machine), not the end of the benchmark.
        console.warn(`k=${k}, ${target.label}: a join failed: ${(error as Error).message.split("\n")[0]}`);
        runs.push({ total: Infinity, phases: {} });
      } finally {
        await joiner.context.close();
      }
      // Wait until the others no longer show the joiner before the next run.
      for (const p of present) {
        await waitUntil("the joiner to leave", () => playingVideos(p.page, videosOf(target.kind)), (n) => n === k - 2, 10_000);
      }
    }
  } finally {
    for (const p of present) await p.context.close();
  }
  return runs;
}

/** Failed joins (Infinity) count as the slowest: they push p95 and max up, and p50 if there are many. */
const stats = (totals: number[]) => ({ p50: percentile(totals, 50), p95: percentile(totals, 95), min: Math.min(...totals), max: Math.max(...totals) });
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : "failed");

async function main(): Promise<void> {
  const skipNaive = NAIVE ? naiveUnavailable() : "BENCH_NAIVE=off";
  if (skipNaive) console.warn(`the naive server is left out: ${skipNaive}`);
  const closers: (() => Promise<void>)[] = [];
  const targets: Target[] = [];
  const rows: string[] = [];
  const phaseRows: string[] = [];
  const results = new Map<string, number>(); // `${label}/${k}` → p50
  const cpu: [Target, ParticipantCpu][] = [];
  const browser = await launchBrowser();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void Promise.allSettled(closers.map((close) => close())).finally(() => process.exit(130)));
  }
  try {
    if (!skipNaive) {
      const naive = await startNaiveServer();
      closers.push(() => naive.close());
      targets.push({ label: "naive server", kind: "naive", e2ee: false, url: naive.url });
    }
    for (const e2ee of E2EE) {
      const server = await startTestServer({ logLevel: "warn", config: { meetings: { lobby: false, e2ee } } });
      closers.push(() => server.close());
      targets.push({ label: `Treff, E2EE ${e2ee ? "on" : "off"}`, kind: "treff", e2ee, url: server.url });
    }
    for (const k of SIZES) {
      for (const target of targets) {
        const runs = await measure(browser, target, k);
        const s = stats(runs.map((r) => r.total));
        results.set(`${target.label}/${k}`, s.p50);
        const naiveP50 = results.get(`naive server/${k}`);
        const ratio = naiveP50 && target.kind === "treff" ? `${(s.p50 / naiveP50).toFixed(2)}×` : "–";
        rows.push(`| ${k} | ${target.label} | ${runs.length} | ${[s.p50, s.p95, s.min, s.max].map(ms).join(" | ")} | ${ratio} | ${runs.map((r) => ms(r.total)).join(" ")} |`);
        console.log(`k=${k}, ${target.label}: p50 ${ms(s.p50)} ms, p95 ${ms(s.p95)} ms`);
        if (target.kind !== "treff") continue;
        const cells = PHASES.map(([key]) => {
          const values = runs.map((r) => r.phases[key]).filter((v): v is number => v !== undefined);
          return values.length ? percentile(values, 50).toFixed(0) : "–";
        });
        phaseRows.push(`| ${k} | ${target.e2ee ? "on" : "off"} | ${cells.join(" | ")} | ${ms(s.p50)} |`);
      }
    }
    for (const target of targets) {
      const room = roomUrl(target.url, `cpu-${Date.now().toString(36)}`);
      cpu.push([target, await cpuPerParticipant(target.kind, room, 3, CPU_SETTLE_MS, CPU_WINDOW_MS)]);
      console.log(`CPU per participant, ${target.label}: ${cpu.at(-1)![1].each.map((c) => c.toFixed(2)).join(", ")} s/s`);
    }
  } finally {
    await browser.close();
    for (const close of closers) await close();
  }
  const verdicts = SIZES.filter((k) => TARGETS[k] !== undefined).map((k) => {
    const naive = results.get(`naive server/${k}`);
    const treff = results.get(`Treff, E2EE on/${k}`);
    if (!naive || !treff) return `k = ${k}: not compared (${naive ? "Treff with E2EE on was not measured" : "no naive server in this run"}).`;
    const ratio = treff / naive;
    return `k = ${k}, E2EE on: ${ms(treff)} ms against the naive server's ${ms(naive)} ms = ${ratio.toFixed(2)}× (target at most ${TARGETS[k]!.toFixed(1)}×: ${ratio <= TARGETS[k]! ? "met" : "not met"}).`;
  });
  const naiveCpu = cpu.find(([t]) => t.kind === "naive")?.[1];
  const mean = (c: ParticipantCpu) => c.each.reduce((a, b) => a + b, 0) / c.each.length;
  const cpuRows = cpu.map(
    ([t, c]) => `| ${t.label} | ${c.each.map((v) => v.toFixed(2)).join(", ")} | ${mean(c).toFixed(2)} | ${naiveCpu && t.kind === "treff" ? `${(mean(c) / mean(naiveCpu)).toFixed(2)}×` : "–"} | ${c.machine.toFixed(2)} |`,
  );
  const section = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${await machineDescription()}.`,
    "",
    `Time from clicking “Join” until every remote participant's video plays, for the k-th participant joining k−1 (ms), all in one run, size by size, each server in turn. ` +
      `The naive server is ../shared/anchors/naive-janus-meeting.mjs on a Janus with Debian's packaged configuration (HTTP transport).${skipNaive ? ` **Left out of this run: ${skipNaive}.**` : ""}`,
    "",
    "| k | server | runs | p50 | p95 | min | max | p50 : naive | runs in order |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
    ...verdicts.map((v) => `- ${v}`),
    "",
    "Where Treff's time goes (median ms after the click at which each step was reached):",
    "",
    `| k | E2EE | ${PHASES.map(([, label]) => label).join(" | ")} | all videos playing |`,
    `|---|---|${PHASES.map(() => "---").join("|")}|---|`,
    ...phaseRows,
    "",
    `Each participant's CPU in a settled meeting of three (seconds of CPU per second across the processes of the participant's own Chromium, 1280×720, ${CPU_WINDOW_MS / 1000} s from ${CPU_SETTLE_MS / 1000} s after everyone saw everyone; machine: what the whole machine used meanwhile):`,
    "",
    "| server | CPU per participant (s/s) | mean | : naive | machine (s/s) |",
    "|---|---|---|---|---|",
    ...cpuRows,
  ].join("\n");
  const file = "BENCHMARKS.md";
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  writeFileSync(file, replaceSection(current, "join", section));
  console.log(`wrote ${file}`);
}

await main();
