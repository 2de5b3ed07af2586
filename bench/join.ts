/**
 * npm run bench:join — how long the k-th person waits, from clicking "Join"
 * until every other participant's video plays on their screen, in a meeting
 * of k−1 people already there (k = 2, 3, 4). Real Chromium, real Janus.
 *
 * Each run: a fresh browser context opens the room, waits on the pre-join
 * screen (camera already open), then the click and the wait happen inside
 * the page so the timing has no test-driver latency. Phases are recorded
 * from the page (signaling messages, peer connection states) to show where
 * the time goes. Results go into BENCHMARKS.md between bench:join markers.
 */
import { writeFileSync, readFileSync, existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { joinFromPrejoin, launchBrowser, newParticipant, playingRemoteNames, switchOnDevices, type ParticipantPage } from "../test/helpers/browser.js";
import { startTestServer, testMediaInterface } from "../test/helpers/server.js";
import { sameMembers, waitUntil } from "../test/helpers/wait.js";
import { machineDescription, percentile, replaceSection } from "./report.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 12);
const SIZES = (process.env.BENCH_SIZES ?? "2,3,4").split(",").map(Number);
/** With end-to-end encryption (the default) or without, or both in turn ("on,off"), to see what it costs. */
const E2EE = (process.env.BENCH_E2EE ?? "on").split(",").map((v) => v.trim() === "on");

/** Records, inside the page, when signaling messages arrive and peer connections connect. */
function instrument(): void {
  const marks: Record<string, number> = {};
  (window as unknown as { __marks: Record<string, number> }).__marks = marks;
  const mark = (name: string) => {
    marks[name] ??= performance.now();
  };
  const OriginalWebSocket = window.WebSocket;
  window.WebSocket = class extends OriginalWebSocket {
    override send(data: string): void {
      mark(`send:${(JSON.parse(data) as { type: string }).type}`);
      super.send(data);
    }
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener("message", (event) => {
        try {
          mark(`ws:${(JSON.parse(String(event.data)) as { type: string }).type}`);
        } catch {
          // not ours
        }
      });
    }
  } as typeof WebSocket;
  const OriginalPC = window.RTCPeerConnection;
  let count = 0;
  window.RTCPeerConnection = class extends OriginalPC {
    constructor(config?: RTCConfiguration) {
      super(config);
      // The client creates the publisher first and the subscriber when the first offer arrives.
      const role = count++ === 0 ? "publisher" : "subscriber";
      this.addEventListener("connectionstatechange", () => mark(`${role}:${this.connectionState}`));
      this.addEventListener("iceconnectionstatechange", () => mark(`${role}:ice-${this.iceConnectionState}`));
    }
  } as typeof RTCPeerConnection;
}

interface Run {
  total: number;
  phases: Record<string, number>;
}

/** Clicks Join inside the page and resolves when `expected` remote videos play. */
async function timedJoin(page: Page, expected: number): Promise<Run> {
  return page.evaluate(async (expected) => {
    const marks = (window as unknown as { __marks: Record<string, number> }).__marks;
    for (const key of Object.keys(marks)) delete marks[key];
    const button = [...document.querySelectorAll("button")].find((b) => b.textContent === "Join")!;
    const start = performance.now();
    button.click();
    const playing = () =>
      [...document.querySelectorAll<HTMLVideoElement>("figure.tile:not([data-self]) video")].filter(
        (v) => !v.paused && v.readyState >= 2 && v.videoWidth > 0,
      ).length;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (playing() >= expected) return resolve();
        // A join that never completes is a bug to report, not a wait forever.
        if (performance.now() - start > 20_000) {
          const line = document.querySelector(".encryption")?.textContent ?? "";
          return reject(new Error(`after 20 s, ${playing()} of ${expected} videos play; encryption: ${line}`));
        }
        setTimeout(check, 2);
      };
      check();
    });
    const end = performance.now();
    const phases: Record<string, number> = {};
    for (const [name, at] of Object.entries(marks)) phases[name] = at - start;
    return { total: end - start, phases };
  }, expected);
}

async function measure(browser: Browser, baseUrl: string, k: number): Promise<Run[]> {
  const room = `${baseUrl}/r/bench-${k}-${Date.now().toString(36)}`;
  const present: ParticipantPage[] = [];
  const names: string[] = [];
  for (let i = 1; i < k; i++) {
    const p = await newParticipant(browser, { viewport: { width: 640, height: 400 } });
    await p.page.goto(room);
    await joinFromPrejoin(p.page, `P${i}`);
    present.push(p);
    names.push(`P${i}`);
  }
  for (const [i, p] of present.entries()) {
    const others = names.filter((_, j) => j !== i);
    await waitUntil(`P${i + 1} to see the others`, () => playingRemoteNames(p.page), (seen) => sameMembers(seen, others), 30_000);
  }
  const runs: Run[] = [];
  for (let run = 0; run < RUNS; run++) {
    const joiner = await newParticipant(browser, { viewport: { width: 640, height: 400 } });
    await joiner.context.addInitScript(instrument);
    await joiner.page.goto(room);
    await joiner.page.getByRole("textbox", { name: "Name" }).fill("Joiner");
    await switchOnDevices(joiner.page); // nothing is on before the person chooses
    await waitUntil("the preview", () => joiner.page.locator("video.preview").evaluate((v: HTMLVideoElement) => v.videoWidth), (w) => w > 0);
    await new Promise((r) => setTimeout(r, 300)); // let the page settle, as a person would take a moment
    runs.push(await timedJoin(joiner.page, k - 1));
    await joiner.context.close();
    // Wait until the others no longer show the joiner before the next run.
    for (const p of present) {
      await waitUntil("the joiner to leave", () => p.page.locator("figure.tile").count(), (n) => n === k - 1, 10_000);
    }
  }
  for (const p of present) await p.context.close();
  return runs;
}

const PHASES: [string, string][] = [
  ["send:join", "`join` sent"],
  ["send:publish", "`publish` sent"],
  ["ws:joined", "`joined` received"],
  ["ws:e2eeKey", "first E2EE key received"],
  ["ws:publisherAnswer", "publisher answer received"],
  ["ws:subscriberOffer", "subscriber offer received"],
  ["send:subscriberAnswer", "subscriber answer sent"],
  ["publisher:ice-connected", "publisher ICE connected"],
  ["publisher:connected", "publisher DTLS connected"],
  ["subscriber:ice-connected", "subscriber ICE connected"],
  ["subscriber:connected", "subscriber DTLS connected"],
];

async function main(): Promise<void> {
  // BENCH_JANUS is JSON merged into the Janus settings, for experiments (e.g. {"iceLite":false}).
  const janus = JSON.parse(process.env.BENCH_JANUS ?? "{}") as Record<string, unknown>;
  const browser = await launchBrowser();
  const rows: string[] = [];
  const phaseRows: string[] = [];
  try {
    for (const e2ee of E2EE) {
      const server = await startTestServer({
        logLevel: "warn",
        config: { janus: { iceInterfaces: testMediaInterface(), ...janus }, meetings: { lobby: false, e2ee } },
      });
      try {
        for (const k of SIZES) {
          const runs = await measure(browser, server.url, k);
          const totals = runs.map((r) => r.total);
          const stats = [percentile(totals, 50), percentile(totals, 95), Math.min(...totals), Math.max(...totals)].map((v) => v.toFixed(0));
          rows.push(`| ${k} | ${e2ee ? "on" : "off"} | ${runs.length} | ${stats.join(" | ")} |`);
          console.log(`k=${k}, E2EE ${e2ee ? "on" : "off"}: p50 ${stats[0]} ms, p95 ${stats[1]} ms`);
          const cells = PHASES.map(([key]) => {
            const values = runs.map((r) => r.phases[key]).filter((v): v is number => v !== undefined);
            return values.length ? percentile(values, 50).toFixed(0) : "–";
          });
          phaseRows.push(`| ${k} | ${e2ee ? "on" : "off"} | ${cells.join(" | ")} | ${stats[0]} |`);
        }
      } finally {
        await server.close();
      }
    }
  } finally {
    await browser.close();
  }
  const section = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${await machineDescription()}.`,
    "",
    "Time from clicking “Join” until every remote participant's video plays, for the k-th participant joining k−1 (ms):",
    "",
    "| k | E2EE | runs | p50 | p95 | min | max |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
    "Where the time goes (median ms after the click at which each step was reached):",
    "",
    `| k | E2EE | ${PHASES.map(([, label]) => label).join(" | ")} | all videos playing |`,
    `|---|---|${PHASES.map(() => "---").join("|")}|---|`,
    ...phaseRows,
  ].join("\n");
  const file = "BENCHMARKS.md";
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  writeFileSync(file, replaceSection(current, "join", section));
  console.log(`wrote ${file}`);
}

await main();
