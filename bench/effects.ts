/**
 * npm run bench:effects — what a background effect costs the browser that
 * sends it: time per frame in the effects worker (its own moving average,
 * the figure that switches an effect off above 40 ms), the CPU of every
 * process of that browser's own Chromium (from /proc), and what the camera
 * still sends (frames per second of each simulcast layer, from getStats).
 * One publisher in a meeting, with its camera at 960×540 and 24 fps (whose
 * top layer is 640×360), measured with no effect, strong blur and a
 * picture, in the same run, one after the other. Results go into
 * BENCHMARKS.md between bench:effects markers.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH, joinFromPrejoin, newParticipant, openPanelFromMore } from "../test/helpers/browser.js";
import { instrumentEffectsWorker, outboundLayers } from "../test/helpers/effects.js";
import { startTestServer } from "../test/helpers/server.js";
import { waitUntil } from "../test/helpers/wait.js";
import { machineBusySeconds, treeCpuSeconds } from "./proc.js";
import { machineDescription, replaceSection } from "./report.js";

const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 10_000);
/** After switching: the model loads (first time), the moving average fills, the encoder settles. */
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 8_000);
const EFFECTS = [
  { label: "none", radio: "None" },
  { label: "strong blur", radio: "Strong blur" },
  { label: "slight blur", radio: "Slight blur" },
  { label: "picture (Dawn)", radio: "Dawn" },
] as const;

interface Sample {
  effect: string;
  /** Mean of the worker's moving averages reported during the window (ms per frame); undefined with no effect. */
  msPerFrame: number | undefined;
  /** Frames per second each simulcast layer sent during the window, highest first, with its width. */
  layers: { width: number; fps: number }[];
  cpuPerSecond: number;
  machineCpuPerSecond: number;
  /** The machine's one-minute load average at the end (other work on the machine shows here). */
  load: number;
  switchedOff: boolean;
}

const server = await startTestServer({ logLevel: "warn", config: { meetings: { lobby: false } } });
const browserServer = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
const browser = await chromium.connect(browserServer.wsEndpoint());
const samples: Sample[] = [];
try {
  const publisher = await newParticipant(browser, { viewport: { width: 1280, height: 720 } });
  await instrumentEffectsWorker(publisher.context);
  await publisher.page.goto(`${server.url}/r/bench-effects`);
  await joinFromPrejoin(publisher.page, "Publisher", "Join", { microphone: false });
  await waitUntil("three layers to be sent", () => outboundLayers(publisher.page), (l) => l.length === 3 && l.every((x) => x.frames > 0), 60_000, 500);
  await openPanelFromMore(publisher.page, "Devices");
  const panel = publisher.page.getByRole("region", { name: "Devices" });
  for (const effect of EFFECTS) {
    await panel.getByRole("radio", { name: effect.radio }).check();
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const pid = browserServer.process().pid!;
    const cpu0 = treeCpuSeconds(pid);
    const machine0 = machineBusySeconds();
    const layers0 = await outboundLayers(publisher.page);
    const timings0 = await publisher.page.evaluate(() => (window as unknown as { __effectTimings: number[] }).__effectTimings.length);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const seconds = (Date.now() - t0) / 1000;
    const cpu = (treeCpuSeconds(pid) - cpu0) / seconds;
    const machine = (machineBusySeconds() - machine0) / seconds;
    const layers1 = await outboundLayers(publisher.page);
    const timings = (await publisher.page.evaluate(() => (window as unknown as { __effectTimings: number[] }).__effectTimings)).slice(timings0);
    const switchedOff = effect.label !== "none" && (await panel.getByRole("radio", { name: "None", checked: true }).count()) > 0;
    samples.push({
      effect: effect.label,
      msPerFrame: effect.label === "none" || timings.length === 0 ? undefined : timings.reduce((a, b) => a + b, 0) / timings.length,
      layers: layers1.map((layer) => ({ width: layer.width, fps: (layer.frames - (layers0.find((l) => l.rid === layer.rid)?.frames ?? 0)) / seconds })),
      cpuPerSecond: cpu,
      machineCpuPerSecond: machine,
      load: loadavg()[0]!,
      switchedOff,
    });
    console.log(JSON.stringify(samples.at(-1)));
  }
} finally {
  await browser.close();
  await browserServer.close();
  await server.close();
}

const date = new Date().toISOString().slice(0, 10);
const none = samples.find((s) => s.effect === "none");
/** The effect's own CPU per frame sent: what it adds to no effect, divided by the frames the top layer sent. */
const cpuPerFrame = (s: Sample) => (none && s !== none && s.layers[0]?.fps ? ((s.cpuPerSecond - none.cpuPerSecond) * 1000) / s.layers[0].fps : undefined);
const rows = samples.map((s) => {
  const extra = cpuPerFrame(s);
  const layers = s.layers.map((l) => `${l.width} px ${l.fps.toFixed(1)} fps`).join(", ");
  const ms = s.msPerFrame === undefined ? "—" : `${s.msPerFrame.toFixed(1)}${s.switchedOff ? " (switched off)" : ""}`;
  return `| ${s.effect} | ${ms} | ${extra === undefined ? "—" : extra.toFixed(1)} | ${s.cpuPerSecond.toFixed(2)} | ${layers} | ${s.machineCpuPerSecond.toFixed(2)} | ${s.load.toFixed(1)} |`;
});
const body = [
  `Measured ${date} on ${await machineDescription()}.`,
  "",
  `One publisher (its own Chromium, headless, no GPU: canvas and WebGL run in software), camera 960×540 at 24 fps, microphone off, ${WINDOW_MS / 1000} s per figure after ${SETTLE_MS / 1000} s to settle, all effects in one run. ms/frame: the effects worker's own moving average over 72 frames (what switches an effect off above 40 ms; the benchmark holds those switch-offs back so that every effect is measured), the mean of its reports in the window. CPU: seconds of CPU per second across all of that Chromium's processes (effect, encoder, page); CPU ms/frame: what the effect adds to that, per frame sent (less sensitive to the machine's load than wall-clock ms/frame, which includes waiting for a core). Layers: frames per second each simulcast layer sent. Machine: CPU the whole machine used meanwhile (2 cores, shared with other work: see the load average).`,
  "",
  "| effect | ms/frame | CPU ms/frame | CPU (s/s) | layers sent | machine (s/s) | load (1 min) |",
  "|---|---|---|---|---|---|---|",
  ...rows,
].join("\n");
writeFileSync("BENCHMARKS.md", replaceSection(readFileSync("BENCHMARKS.md", "utf8"), "effects", body));
console.log(body);
