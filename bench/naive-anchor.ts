/**
 * The naive meeting server that bench:join measures Treff against
 * (`../shared/anchors/naive-janus-meeting.mjs`, see its README there): a
 * Janus with Debian's packaged configuration and its HTTP transport, and
 * the anchor's Node server in front of it. Both run on this machine for the
 * length of a benchmark. Changed from the packaged configuration, so that
 * runs on a shared machine do not collide and media stays on loopback:
 * the HTTP API's port (a free one, bound to 127.0.0.1), the WebSocket
 * transport switched off (its fixed port), ICE on the test interface; and
 * in the anchor's code, its page served on 127.0.0.1 only and rooms for
 * 100 publishers (Janus' default of 3 refuses a fourth person).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { testMediaInterface } from "../test/helpers/server.js";

/** Where the anchors are: beside the repository's clone, as on CI machines. */
export const ANCHORS_DIR = resolve(process.env.TREFF_ANCHORS ?? "../shared/anchors");
const ANCHOR = "naive-janus-meeting.mjs";
const PACKAGED_CONFIG = "/etc/janus";

export interface NaiveServer {
  url: string;
  /** The pids of the anchor's Node process and its Janus. */
  pids: number[];
  close(): Promise<void>;
}

/** Why the naive server cannot run here, or undefined if it can. */
export function naiveUnavailable(): string | undefined {
  if (!existsSync(join(ANCHORS_DIR, ANCHOR))) return `${join(ANCHORS_DIR, ANCHOR)} is missing (set TREFF_ANCHORS to the anchors folder)`;
  if (!existsSync(join(PACKAGED_CONFIG, "janus.jcfg"))) return `Janus' packaged configuration (${PACKAGED_CONFIG}) is missing`;
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitFor(url: string, what: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited during start (code ${child.exitCode})`);
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${what} did not answer at ${url} within 20 s`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(killer);
}

export async function startNaiveServer(): Promise<NaiveServer> {
  const dir = mkdtempSync(join(tmpdir(), "treff-naive-"));
  const conf = join(dir, "conf");
  cpSync(PACKAGED_CONFIG, conf, { recursive: true });
  const janusPort = await freePort();
  const httpConfig = join(conf, "janus.transport.http.jcfg");
  writeFileSync(httpConfig, readFileSync(httpConfig, "utf8").replace(/^(\s*)port = \d+/m, `$1port = ${janusPort}\n$1ip = "127.0.0.1"`));
  const wsConfig = join(conf, "janus.transport.websockets.jcfg");
  if (existsSync(wsConfig)) writeFileSync(wsConfig, readFileSync(wsConfig, "utf8").replace(/^(\s*)ws = true/m, "$1ws = false"));
  const media = testMediaInterface();
  const janus = spawn("janus", ["-F", conf, "-N", ...(media ? ["-E", media] : [])], { stdio: "ignore", cwd: dir });
  // The anchor imports `ws`: beside it, a node_modules that is this repository's.
  // Two changes to the anchor's code: its HTTP server listens on loopback only, as every server in our
  // benchmarks does; and its rooms take as many publishers as Treff's, where Janus' default of three
  // would refuse the fourth person (k = 4) outright.
  const code = readFileSync(join(ANCHORS_DIR, ANCHOR), "utf8")
    .replace(".listen(process.env.PORT ?? 8080)", '.listen(process.env.PORT ?? 8080, "127.0.0.1")')
    .replace('{ request: "create", room }', '{ request: "create", room, publishers: 100 }');
  writeFileSync(join(dir, ANCHOR), code);
  symlinkSync(resolve("node_modules"), join(dir, "node_modules"));
  const port = await freePort();
  let anchor: ChildProcess | undefined;
  try {
    await waitFor(`http://127.0.0.1:${janusPort}/janus/info`, "the naive server's Janus", janus);
    anchor = spawn(process.execPath, [join(dir, ANCHOR)], {
      env: { PATH: process.env.PATH, PORT: String(port), JANUS: `http://127.0.0.1:${janusPort}/janus` },
      stdio: "ignore",
    });
    await waitFor(`http://127.0.0.1:${port}/`, "the naive server", anchor);
  } catch (error) {
    if (anchor) await stop(anchor);
    await stop(janus);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const started = anchor;
  return {
    url: `http://127.0.0.1:${port}`,
    pids: [started.pid!, janus.pid!],
    async close() {
      await stop(started);
      await stop(janus);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
