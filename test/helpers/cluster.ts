/**
 * Several Treff nodes on this machine for the cluster tests: a real
 * redis-server on a free port (nothing saved, nothing appended, its files in
 * a private temp folder), Treff nodes as child processes (`npm start`'s
 * main.ts, each with its own Janus) so a test can kill one the way a machine
 * dies, and a small TCP load balancer in front that sends each connection to
 * the first node of its list that accepts it, as HAProxy or nginx would once
 * a health check fails.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Redis } from "ioredis";
import { freePort, terminate } from "./coturn.js";
import { testMediaInterface } from "./server.js";
import { waitUntil } from "./wait.js";

export const REDIS_BINARY = process.env.REDIS_BINARY ?? "redis-server";

/** Processes to kill if the test process exits without its `after` hooks (a crash, an interrupted run). */
const leftovers = new Set<() => void>();
process.once("exit", () => {
  for (const kill of leftovers) kill();
});

export interface RedisServer {
  readonly url: string;
  /** A client of the test's own (closed by stop). */
  readonly client: Redis;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), "treff-redis-"));
  const port = await freePort();
  // Nothing about a meeting may be written to disk: no snapshots, no append-only file.
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--logfile", ""];
  const child = spawn(REDIS_BINARY, args, { stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) stream.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const failed = new Promise<never>((_, reject) => child.once("error", reject));
  failed.catch(() => {});
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  client.on("error", () => {});
  const killNow = () => child.kill("SIGKILL");
  leftovers.add(killNow);
  const stop = async () => {
    leftovers.delete(killNow);
    client.disconnect();
    await terminate(child, exited);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([failed, waitUntil("redis-server to answer", () => client.ping().catch(() => ""), (reply) => reply === "PONG" || child.exitCode !== null, 10_000, 50)]);
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
  } catch (error) {
    await stop();
    throw new Error(`cannot start redis-server (apt-get install redis-server): ${(error as Error).message}\n${output.join("")}`);
  }
  return { url, client, stop };
}

export interface TreffNode {
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly port: number;
  /** The node's process id, which is also its process group's. */
  readonly pid: number;
  readonly metricsUrl: string;
  /** Everything the node printed (pino's JSON lines, among others). */
  readonly logLines: string[];
  /** Resolves when the node's process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Signals the node: SIGKILL goes to its whole process group (Treff and its Janus), as when a machine dies. */
  kill(signal: NodeJS.Signals): void;
  /** Stops it (SIGINT, then SIGKILL after 10 s) unless it is gone already. */
  stop(): Promise<void>;
}

export interface NodeOptions {
  redisUrl: string;
  /** TREFF_SECRET, the same for every node. */
  secret: string;
  /** More environment (TREFF_LOBBY, TREFF_DRAIN_SECONDS, …). */
  env?: Record<string, string>;
}

/** A new random TREFF_SECRET for one test file's nodes. */
export const clusterSecret = () => randomBytes(24).toString("base64url");

/** Starts one Treff node (its own Janus) as a child process and waits until it listens. */
export async function startNode(options: NodeOptions): Promise<TreffNode> {
  const port = await freePort();
  const metricsPort = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/server/main.ts"], {
    // Its own process group: killing the group kills its Janus with it.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "info",
      JANUS_ICE_INTERFACES: testMediaInterface(),
      JANUS_ALLOW_LOOPBACK_CANDIDATES: "true",
      REDIS_URL: options.redisUrl,
      TREFF_SECRET: options.secret,
      TREFF_METRICS_LISTEN: `127.0.0.1:${metricsPort}`,
      ...options.env,
    },
  });
  const logLines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => logLines.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const kill = (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      if (signal === "SIGKILL") process.kill(-child.pid!, signal);
      else child.kill(signal);
    } catch {
      // already gone
    }
  };
  const killNow = () => kill("SIGKILL");
  leftovers.add(killNow);
  void exited.then(() => leftovers.delete(killNow));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    kill("SIGINT");
    const timer = setTimeout(() => kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const running = () => child.exitCode === null && child.signalCode === null;
  try {
    await waitUntil("the node to listen", async () => logLines.some((l) => l.startsWith("Treff is running")) || !running(), (up) => up, 30_000, 50);
    if (!running()) throw new Error("it exited");
  } catch (error) {
    kill("SIGKILL");
    throw new Error(`a Treff node did not start: ${(error as Error).message}\n${logLines.slice(-20).join("\n")}`);
  }
  return { url: `http://127.0.0.1:${port}`, port, pid: child.pid!, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, logLines, exited, kill, stop };
}

/** One gauge or counter from a node's /metrics (without labels), or undefined if it is not there. */
export async function metric(node: TreffNode, name: string): Promise<number | undefined> {
  const text = await (await fetch(node.metricsUrl)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

export interface Balancer {
  /** http://127.0.0.1:port: the address browsers and clients use. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A TCP load balancer: each connection goes to the first of `backends()` (ports) that accepts it.
 * When a node dies, its connections close and new ones go to the next node.
 */
export async function startBalancer(backends: () => number[]): Promise<Balancer> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.once("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    client.pause();
    const tryNext = (ports: number[]) => {
      const [port, ...rest] = ports;
      if (port === undefined || client.destroyed) return client.destroy();
      const upstream = connect(port, "127.0.0.1");
      let connected = false;
      upstream.on("error", () => {
        if (connected) return client.destroy();
        upstream.destroy();
        tryNext(rest);
      });
      upstream.once("connect", () => {
        connected = true;
        sockets.add(upstream);
        upstream.once("close", () => {
          sockets.delete(upstream);
          client.destroy();
        });
        client.once("close", () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    tryNext(backends());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
