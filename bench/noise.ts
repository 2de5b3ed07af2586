/**
 * npm run bench:noise — what noise suppression costs: CPU per second of
 * audio for RNNoise in Treff's own worklet (/noise-worklet.js, as the page
 * loads it). Chromium renders the noisy voice-like test sample
 * (test/helpers/noise.ts) offline (OfflineAudioContext: as fast as the CPU
 * goes, no waiting for the sound card) through the worklet and, for
 * comparison, straight through; the difference per second of audio is what
 * suppression adds. Also the worklet's own self-measurement (a second of
 * made-up noise at start, the figure that keeps it off on slow devices).
 * Results go into BENCHMARKS.md between bench:noise markers.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH, newParticipant } from "../test/helpers/browser.js";
import { noisySpeech } from "../test/helpers/noise.js";
import { startTestServer } from "../test/helpers/server.js";
import { RUNNING_LIMIT_MS_PER_FRAME, START_LIMIT_MS_PER_FRAME } from "../src/client/audio/noise-limits.js";
import { treeCpuSeconds } from "./proc.js";
import { machineDescription, percentile, replaceSection } from "./report.js";

const SECONDS = Number(process.env.BENCH_AUDIO_SECONDS ?? 60);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface Run {
  /** Wall-clock ms to render SECONDS of audio with and without the worklet. */
  withMs: number;
  withoutMs: number;
  /** CPU seconds of the whole Chromium while rendering with and without. */
  withCpu: number;
  withoutCpu: number;
  /** The worklet's own start-up measurement, ms per second of audio. */
  selfMeasured: number | undefined;
  /** The worklet said it could not keep up (a page would then send the microphone as it is). */
  overloaded: boolean;
}

const server = await startTestServer({ logLevel: "warn" });
const browserServer = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
const browser = await chromium.connect(browserServer.wsEndpoint());
const runs: Run[] = [];
try {
  const { page } = await newParticipant(browser);
  await page.goto(server.url); // the worklet loads from Treff's origin, under its CSP
  const sample = Array.from(noisySpeech(8));
  const pid = browserServer.process().pid!;
  const render = (withWorklet: boolean) =>
    page.evaluate(
      async ({ sample, seconds, withWorklet }) => {
        const rate = 48_000;
        const context = new OfflineAudioContext(1, rate * seconds, rate);
        const buffer = context.createBuffer(1, sample.length, rate);
        buffer.copyToChannel(Float32Array.from(sample), 0);
        const source = context.createBufferSource();
        source.buffer = buffer;
        source.loop = true;
        let selfMeasured: number | undefined;
        let overloaded = false;
        if (withWorklet) {
          await context.audioWorklet.addModule("/noise-worklet.js");
          const node = new AudioWorkletNode(context, "noise-suppressor", { outputChannelCount: [1], channelCount: 1, channelCountMode: "explicit" });
          node.port.onmessage = (event: MessageEvent<{ type: string; msPerSecond?: number }>) => {
            if (event.data.type === "measured") selfMeasured = event.data.msPerSecond;
            if (event.data.type === "overloaded") overloaded = true;
          };
          source.connect(node).connect(context.destination);
        } else source.connect(context.destination);
        source.start();
        const started = performance.now();
        await context.startRendering();
        return { ms: performance.now() - started, selfMeasured, overloaded };
      },
      { sample, seconds: SECONDS, withWorklet },
    );
  for (let i = 0; i < RUNS; i++) {
    const cpu0 = treeCpuSeconds(pid);
    const without = await render(false);
    const cpu1 = treeCpuSeconds(pid);
    const withIt = await render(true);
    const cpu2 = treeCpuSeconds(pid);
    runs.push({ withMs: withIt.ms, withoutMs: without.ms, withCpu: cpu2 - cpu1, withoutCpu: cpu1 - cpu0, selfMeasured: withIt.selfMeasured, overloaded: withIt.overloaded });
    console.log(JSON.stringify(runs.at(-1)));
  }
} finally {
  await browser.close();
  await browserServer.close();
  await server.close();
}

const median = (values: number[]) => percentile(values, 50);
const overloaded = runs.filter((r) => r.overloaded).length;
const perSecond = (ms: number) => ms / SECONDS;
const wall = median(runs.map((r) => perSecond(r.withMs - r.withoutMs)));
const cpu = median(runs.map((r) => perSecond(1000 * (r.withCpu - r.withoutCpu))));
const self = median(runs.flatMap((r) => (r.selfMeasured === undefined ? [] : [r.selfMeasured])));
const date = new Date().toISOString().slice(0, 10);
const body = [
  `Measured ${date} on ${await machineDescription()}; load average ${loadavg()[0]!.toFixed(1)} at the end (the machine is shared).`,
  "",
  `${SECONDS} s of the noisy voice-like test sample rendered offline in headless Chromium through /noise-worklet.js and straight through, ${RUNS} runs, medians. Per second of audio:`,
  "",
  "| figure | ms per second of audio | share of one core |",
  "|---|---|---|",
  `| wall-clock time RNNoise adds | ${wall.toFixed(1)} | ${(wall / 10).toFixed(1)} % |`,
  `| CPU time RNNoise adds (all of Chromium's processes) | ${cpu.toFixed(1)} | ${(cpu / 10).toFixed(1)} % |`,
  `| runs in which the worklet switched itself off (running limit: ${RUNNING_LIMIT_MS_PER_FRAME * 100} ms/s) | ${overloaded} of ${RUNS} | |`,
  `| the worklet's own start-up measurement (switch-off limit: ${START_LIMIT_MS_PER_FRAME * 100}) | ${Number.isNaN(self) ? "—" : self.toFixed(0)} | ${Number.isNaN(self) ? "—" : (self / 10).toFixed(1)} % |`,
].join("\n");
writeFileSync("BENCHMARKS.md", replaceSection(readFileSync("BENCHMARKS.md", "utf8"), "noise", body));
console.log(body);
