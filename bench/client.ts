/**
 * npm run bench:client — what a receiving browser pays for a meeting: its
 * CPU time (every process of its own Chromium, read from /proc) and its
 * downstream bitrate (getStats bytesReceived), in a meeting of a few and of
 * as many participants as this machine can run, in grid and speaker view.
 *
 * The receiver runs in a Chromium of its own so its processes can be told
 * apart; the other participants share a second Chromium. Both meetings are
 * measured in the same run, so the ratio between them is what counts.
 * Results go into BENCHMARKS.md between bench:client markers.
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH, joinFromPrejoin, launchBrowser, newParticipant, playingRemoteNames } from "../test/helpers/browser.js";
import { startTestServer } from "../test/helpers/server.js";
import { waitUntil } from "../test/helpers/wait.js";
import { machineDescription, replaceSection } from "./report.js";

const SMALL = Number(process.env.BENCH_SMALL ?? 4);
const LARGE = Number(process.env.BENCH_LARGE ?? 8);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 10_000);
const TICKS = 100; // clock ticks per second of /proc/<pid>/stat (USER_HZ on Linux)

/** CPU seconds used so far by a process and all its descendants. */
function treeCpuSeconds(root: number): number {
  const parents = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), Number(fields[1]));
      cpu.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / TICKS);
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  for (const [pid, seconds] of cpu) {
    for (let p: number | undefined = pid; p && p > 1; p = parents.get(p)) {
      if (p === root) {
        total += seconds;
        break;
      }
    }
  }
  return total;
}

function bytesReceived(page: Page): Promise<number> {
  return page.evaluate(async () => {
    let total = 0;
    for (const pc of (window as unknown as { __treffPeerConnections: RTCPeerConnection[] }).__treffPeerConnections) {
      if (pc.connectionState === "closed") continue;
      (await pc.getStats()).forEach((r: { type: string; bytesReceived?: number }) => {
        if (r.type === "inbound-rtp") total += r.bytesReceived ?? 0;
      });
    }
    return total;
  });
}

interface Sample {
  participants: number;
  view: "grid" | "speaker";
  cpuPerSecond: number;
  kbitPerSecond: number;
}

async function measureMeeting(baseUrl: string, participants: number): Promise<Sample[]> {
  const room = `${baseUrl}/r/client-${participants}-${Date.now().toString(36)}`;
  const others = await launchBrowser();
  const receiverServer = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const receiverBrowser = await chromium.connect(receiverServer.wsEndpoint());
  try {
    for (let i = 1; i < participants; i++) {
      const p = await newParticipant(others, { viewport: { width: 320, height: 240 } });
      await p.page.goto(room);
      await joinFromPrejoin(p.page, `P${i}`);
    }
    const receiver = await newParticipant(receiverBrowser, { viewport: { width: 1280, height: 720 } });
    await receiver.page.goto(room);
    await joinFromPrejoin(receiver.page, "Receiver");
    await waitUntil(
      "the receiver to see everyone",
      () => playingRemoteNames(receiver.page),
      (names) => names.length === participants - 1,
      60_000,
      250,
    );
    const samples: Sample[] = [];
    for (const view of ["grid", "speaker"] as const) {
      if (view === "speaker") await receiver.page.getByRole("button", { name: "Speaker view" }).click();
      await new Promise((r) => setTimeout(r, 3_000)); // let layers settle
      const pid = receiverServer.process().pid!;
      const cpu0 = treeCpuSeconds(pid);
      const bytes0 = await bytesReceived(receiver.page);
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, WINDOW_MS));
      const seconds = (Date.now() - t0) / 1000;
      samples.push({
        participants,
        view,
        cpuPerSecond: (treeCpuSeconds(pid) - cpu0) / seconds,
        kbitPerSecond: ((await bytesReceived(receiver.page)) - bytes0) * 8 / 1000 / seconds,
      });
      console.log(JSON.stringify(samples.at(-1)));
    }
    return samples;
  } finally {
    await receiverBrowser.close();
    await receiverServer.close();
    await others.close();
  }
}

async function main(): Promise<void> {
  const server = await startTestServer({ logLevel: "warn", config: { meetings: { lobby: false } } });
  let samples: Sample[] = [];
  try {
    samples = [...(await measureMeeting(server.url, SMALL)), ...(await measureMeeting(server.url, LARGE))];
  } finally {
    await server.close();
  }
  const row = (s: Sample) => `| ${s.participants} | ${s.view} | ${s.cpuPerSecond.toFixed(2)} | ${s.kbitPerSecond.toFixed(0)} |`;
  const ratio = (view: Sample["view"], key: "cpuPerSecond" | "kbitPerSecond") => {
    const small = samples.find((s) => s.participants === SMALL && s.view === view)!;
    const large = samples.find((s) => s.participants === LARGE && s.view === view)!;
    return (large[key] / small[key]).toFixed(2);
  };
  const section = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${await machineDescription()}.`,
    "",
    `The receiving browser (its own Chromium, 1280×720) in meetings of ${SMALL} and ${LARGE} (the most this machine runs as browsers), ${WINDOW_MS / 1000} s per figure. CPU: seconds of CPU per second across all of its processes.`,
    "",
    "| participants | view | CPU (s/s) | downstream (kbit/s) |",
    "|---|---|---|---|",
    ...samples.map(row),
    "",
    `Ratio ${LARGE} : ${SMALL} — grid: CPU ${ratio("grid", "cpuPerSecond")}×, bitrate ${ratio("grid", "kbitPerSecond")}×; speaker view: CPU ${ratio("speaker", "cpuPerSecond")}×, bitrate ${ratio("speaker", "kbitPerSecond")}×.`,
  ].join("\n");
  const file = "BENCHMARKS.md";
  writeFileSync(file, replaceSection(readFileSync(file, "utf8"), "client", section));
  console.log(`wrote ${file}`);
}

await main();
