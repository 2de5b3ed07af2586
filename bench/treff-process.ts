/**
 * Treff as its own process for the load benchmark (`node dist/server/main.js`,
 * as `npm start` runs it), so its CPU and memory can be read apart from
 * the harness', and its Janus (a child process it supervises) apart from both.
 * Loopback only, lobby off; the configuration goes in a JSON file (TREFF_CONFIG).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { testMediaInterface } from "../test/helpers/server.js";
import { childNamed } from "./proc.js";

export interface TreffProcess {
  url: string;
  pid: number;
  janusPid: number;
  /** Lines Treff printed at warn level and above (Janus' errors among them). */
  warnings: string[];
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/** Starts `dist/server/main.js` (run `npm run build` first) with `config` merged over the bench's settings. */
export async function startTreffProcess(config: Record<string, unknown> = {}): Promise<TreffProcess> {
  const dir = mkdtempSync(join(tmpdir(), "treff-bench-config-"));
  const file = join(dir, "config.json");
  const janus = (config.janus ?? {}) as Record<string, unknown>;
  writeFileSync(
    file,
    JSON.stringify({
      ...config,
      host: "127.0.0.1",
      port: 0,
      logLevel: "warn",
      // Media on 127.0.0.2 (scripts/media-loopback.sh): nothing leaves this machine.
      janus: { iceInterfaces: testMediaInterface(), allowLoopbackCandidates: true, ...janus },
      meetings: { lobby: false, e2ee: false, ...((config.meetings ?? {}) as object) },
      // Every synthetic participant connects from 127.0.0.1: one school behind one address, many times over.
      limits: { connections: 100_000, connectionsPerAddress: 100_000, ...((config.limits ?? {}) as object) },
    }),
  );
  const child = spawn(process.execPath, ["dist/server/main.js"], {
    env: { PATH: process.env.PATH, TREFF_CONFIG: file },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const warnings: string[] = [];
  const url = new Promise<string>((resolve, reject) => {
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => {
        const match = /Treff is running: open (\S+) in a browser/.exec(line);
        if (match) resolve(match[1]!);
        else if (line.trim()) warnings.push(line);
      });
    }
    child.once("exit", (code) => reject(new Error(`Treff exited during start (code ${code}): ${warnings.slice(-3).join(" | ")}`)));
    setTimeout(() => reject(new Error(`Treff did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS).unref();
  });
  try {
    const address = await url;
    const janusPid = await waitForChild(child.pid!, "janus");
    return { url: address, pid: child.pid!, janusPid, warnings, close: () => stop(child, dir) };
  } catch (error) {
    await stop(child, dir);
    throw error;
  }
}

async function waitForChild(parent: number, name: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const pid = childNamed(parent, name);
    if (pid) return pid;
    await sleep(50);
  }
  throw new Error(`Treff (pid ${parent}) has no child process named ${name}`);
}

/** SIGTERM (Treff closes meetings and stops Janus), SIGKILL after 10 s. */
async function stop(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(killer);
  }
  rmSync(dir, { recursive: true, force: true });
}
