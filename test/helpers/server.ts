/** Starts a real Treff (with its own real Janus) on loopback for a test, and captures its log. */
import { execFileSync } from "node:child_process";
import { Writable } from "node:stream";
import { startTreff, type TreffServer } from "../../src/server/app.js";
import { parseConfig } from "../../src/server/config.js";
import { createLogger, type LogLevel } from "../../src/common/log.js";

export interface TestServer extends TreffServer {
  /** Every line Treff logged (including Janus' output it forwards). */
  readonly logLines: string[];
}

/**
 * The interface Janus should use for media in tests: `treff0` with 127.0.0.2
 * when scripts/media-loopback.sh could create it, else every interface.
 */
export function testMediaInterface(): string {
  try {
    return execFileSync("ip", ["-brief", "address", "show", "treff0"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).includes("127.0.0.2")
      ? "treff0"
      : "";
  } catch {
    return "";
  }
}

export interface TestServerOptions {
  /** Default "debug". */
  logLevel?: LogLevel;
  /** Merged over the test defaults (loopback host, a free port, the media interface) before validation. */
  config?: Record<string, unknown>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  const config = parseConfig({
    host: "127.0.0.1",
    port: 0,
    logLevel: options.logLevel ?? "debug",
    ...options.config,
    // Media on 127.0.0.2 (see scripts/media-loopback.sh): tests never leave this machine, so the
    // browsers' candidates there must reach Janus. A suite's own janus settings go on top.
    janus: { iceInterfaces: testMediaInterface(), allowLoopbackCandidates: true, ...(options.config?.janus as object | undefined) },
  });
  const server = await startTreff(config, createLogger(config.logLevel, sink));
  const close = server.close.bind(server);
  return Object.assign(server, {
    logLines,
    async close() {
      await close();
      // The supervisor restarts a crashed Janus and the clients recover, so a test may still pass:
      // say so loudly, with the file, so a crash never goes unnoticed.
      const crashes = logLines.flatMap((l, i) => (l.includes("janus exited; restarting") ? [i] : []));
      if (crashes.length === 0) return;
      console.warn(`WARNING: Janus crashed ${crashes.length} time(s) during ${process.argv[1]}; what the log said before the first crash:`);
      console.warn(logLines.slice(Math.max(0, crashes[0]! - 40), crashes[0]! + 1).join("\n"));
    },
  });
}

/** Creates a meeting the way the home page or a portal would (POST /api/meetings): its room ("<name>-<random>") and moderator key. */
export async function createMeeting(server: TestServer, name: string): Promise<{ room: string; moderatorKey: string }> {
  const response = await fetch(`${server.url}/api/meetings`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
  if (!response.ok) throw new Error(`creating the meeting ${name} failed: ${response.status}`);
  return (await response.json()) as { room: string; moderatorKey: string };
}
