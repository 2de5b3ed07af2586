/**
 * A real coturn for the tests, run as a child process on loopback only.
 *
 * Each test file gets its own turnserver on a free port, with a random
 * shared secret and its configuration in a private temp folder: it never
 * touches a system coturn (Debian's package may run one on 3478) nor reads
 * /etc/turnserver.conf. The secret goes into the file, not onto the command
 * line, where any user could read it in the process list. It relays only
 * to Janus' test address, with the very peer rules docs/operations.md gives
 * operators (peerRulesFromDocs).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testMediaInterface } from "./server.js";
import { waitUntil } from "./wait.js";

export const TURNSERVER_BINARY = process.env.TURNSERVER_BINARY ?? "turnserver";

export interface Coturn {
  /** The static-auth-secret: give it to Treff as turn.secret. */
  readonly secret: string;
  readonly port: number;
  /** turn: URLs for UDP and TCP on 127.0.0.1, as Treff hands them to browsers. */
  readonly urls: string[];
  /** Everything turnserver printed (its log goes to stdout). */
  readonly logLines: string[];
  stop(): Promise<void>;
}

export interface CoturnOptions {
  /** Log every allocation, permission and packet count (for debugging a test). */
  verbose?: boolean;
}

/**
 * The address coturn relays from. Janus, bound to 127.0.0.2 on treff0, never
 * answered packets from 127.0.0.1 here (Janus 1.1.2, libnice 0.1.21), while
 * other programs on 127.0.0.2 do: so relay from Janus' own media address.
 */
export function relayAddress(): string {
  return testMediaInterface() ? "127.0.0.2" : "127.0.0.1";
}

/** The coturn options in docs/operations.md that say to whom coturn may relay. */
const PEER_RULE = /^(allowed-peer-ip|denied-peer-ip|no-multicast-peers|no-tcp-relay)\b/;

/**
 * The peer rules of the coturn configuration in docs/operations.md, with `mediaAddress` as
 * the one allowed peer: what the tests run is what operators are told to run.
 */
export function peerRulesFromDocs(mediaAddress: string): string[] {
  const guide = readFileSync(new URL("../../docs/operations.md", import.meta.url), "utf8");
  const block = /`\/etc\/turnserver\.conf`:\s*```\n([\s\S]*?)```/.exec(guide)?.[1];
  if (!block) throw new Error("docs/operations.md has no /etc/turnserver.conf block");
  const rules = block.split("\n").filter((line) => PEER_RULE.test(line));
  const allowed = rules.filter((line) => line.startsWith("allowed-peer-ip="));
  if (allowed.length !== 1) throw new Error(`docs/operations.md should allow exactly one peer (Janus), not ${allowed.length}`);
  return rules.map((line) => (line.startsWith("allowed-peer-ip=") ? `allowed-peer-ip=${mediaAddress}` : line));
}

export async function startCoturn(options: CoturnOptions = {}): Promise<Coturn> {
  const relayIp = relayAddress();
  const dir = await mkdtemp(join(tmpdir(), "treff-coturn-"));
  const secret = randomBytes(24).toString("base64url");
  const port = await freePort();
  const configFile = join(dir, "turnserver.conf");
  await writeFile(
    configFile,
    [
      "listening-ip=127.0.0.1",
      `relay-ip=${relayIp}`,
      `listening-port=${port}`,
      // Ephemeral credentials (TURN REST API): exactly what src/server/turn.ts signs.
      "use-auth-secret",
      `static-auth-secret=${secret}`,
      "realm=treff.test",
      "fingerprint",
      "no-cli",
      "no-tls",
      "no-dtls",
      // RFC 5780 would want a second address or port; one listener is all the tests need.
      "no-rfc5780",
      // Janus listens on 127.0.0.2 in the tests (scripts/media-loopback.sh), and coturn refuses
      // loopback peers before it reads allowed-peer-ip. Never in production.
      "allow-loopback-peers",
      // Relay to Janus only, as the operations guide tells operators.
      ...peerRulesFromDocs(relayIp),
      `pidfile=${join(dir, "turnserver.pid")}`,
      // Its own (empty) user database here, not the system's /var/lib/turn/turndb.
      `userdb=${join(dir, "turndb")}`,
      "log-file=stdout",
      "simple-log",
      ...(options.verbose ? ["verbose"] : []),
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  const child = spawn(TURNSERVER_BINARY, ["-c", configFile], { stdio: ["ignore", "pipe", "pipe"] });
  const logLines: string[] = [];
  const collect = (chunk: Buffer) => logLines.push(...chunk.toString().split("\n").filter(Boolean));
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const spawnError = new Promise<never>((_, reject) => child.once("error", reject));
  spawnError.catch(() => {}); // only the start-up race below cares

  const stop = async () => {
    await terminate(child, exited);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([
      spawnError,
      waitUntil(`turnserver to answer on port ${port}`, async () => (await stunAnswers(port)) && (await tcpAccepts(port)), (up) => up || child.exitCode !== null, 10_000, 100),
    ]);
    if (child.exitCode !== null) throw new Error(`turnserver exited with ${child.exitCode}`);
  } catch (error) {
    await stop();
    throw new Error(`cannot start turnserver (apt-get install coturn): ${(error as Error).message}\n${logLines.slice(-20).join("\n")}`);
  }
  return {
    secret,
    port,
    urls: [`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`],
    logLines,
    stop,
  };
}

/** SIGTERM, SIGKILL after 3 s; resolves once the process is gone. */
export async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  // Never started (no turnserver installed), or already gone.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
  await exited;
  clearTimeout(timer);
}

/** A port free for both UDP and TCP on 127.0.0.1 right now (coturn listens on both). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket("udp4");
      socket.once("error", () => resolve(false));
      socket.bind(port, "127.0.0.1", () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
}

/** Sends a STUN Binding request (RFC 5389) over UDP; true if a Binding success response comes back. */
function stunAnswers(port: number): Promise<boolean> {
  const transaction = randomBytes(12);
  const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), transaction]);
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 300);
    socket.on("error", () => done(false));
    socket.on("message", (reply) => done(reply.readUInt16BE(0) === 0x0101 && reply.subarray(8, 20).equals(transaction)));
    socket.send(request, port, "127.0.0.1");
  });
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
