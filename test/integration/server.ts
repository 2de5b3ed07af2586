/**
 * Starts the real Treff for an integration test file: HTTP, signaling and
 * its own real Janus, silent. Media candidates stay on this machine: Janus
 * skips interfaces flagged LOOPBACK, so it uses `treff0` (127.0.0.2, made
 * by scripts/media-loopback.sh) when that exists.
 */
import { randomBytes } from "node:crypto";
import { after, afterEach, before } from "node:test";
import { startTreff, type TreffServer } from "../../src/server/app.js";
import { parseConfig } from "../../src/server/config.js";
import { createLogger, type LogLevel } from "../../src/common/log.js";
import { SIGNALING_PATH } from "../../src/protocol/messages.js";
import { waitUntil } from "../helpers/wait.js";
import { startTestServer, testMediaInterface, type TestServer } from "../helpers/server.js";
import { closeAllClients, TestClient } from "./client.js";

/** Silent unless TREFF_TEST_LOG names a level (`TREFF_TEST_LOG=debug node --test …` to see why a test failed). */
const TEST_LOG_LEVEL = (process.env.TREFF_TEST_LOG ?? "silent") as LogLevel;

/**
 * `overrides` merge over the defaults. The lobby is off unless a test turns it on: most files test
 * the protocol between equals; test/integration/moderation.test.ts tests the lobby.
 */
export function startServer(overrides: Record<string, unknown> = {}): Promise<TreffServer> {
  const config = parseConfig({
    host: "127.0.0.1",
    port: 0,
    logLevel: TEST_LOG_LEVEL,
    janus: { iceInterfaces: testMediaInterface(), allowLoopbackCandidates: true },
    meetings: { lobby: false },
    ...overrides,
  });
  return startTreff(config, createLogger(TEST_LOG_LEVEL));
}

/** The signaling WebSocket URL of a running server. */
export function signalingUrl(server: TreffServer, path = SIGNALING_PATH): string {
  return `${server.url.replace(/^http/, "ws")}${path}`;
}

/** A fresh room name, so tests in one file never meet each other. */
export function newRoom(label = "room"): string {
  return `${label}-${randomBytes(6).toString("base64url")}`;
}

/**
 * Waits until the server is back to idle: no room, no signaling connection,
 * no Janus session. After every test's clients have closed, anything else is a leak.
 */
export async function waitUntilIdle(server: TreffServer, timeoutMs = 5_000): Promise<void> {
  const state = async () => ({
    rooms: server.registry.size,
    connections: server.signaling.connectionCount,
    janusSessions: server.janus.connection?.sessions.size ?? 0,
  });
  await waitUntil("the server to be idle", state, (s) => s.rooms === 0 && s.connections === 0 && s.janusSessions === 0, timeoutMs, 20);
}

/**
 * One server for a whole test file: started before its tests, checked idle
 * (every client closed, nothing left at Janus) after each, stopped after all.
 * `use` receives the server once it runs.
 */
export function useSharedServer<S extends TreffServer = TreffServer>(
  use: (server: S) => void,
  overrides: Record<string, unknown> = {},
  /** How to start it: by default silent (startServer); test/helpers/server.ts' startTestServer keeps the log. */
  start: (overrides: Record<string, unknown>) => Promise<S> = startServer as (overrides: Record<string, unknown>) => Promise<S>,
): void {
  let server: S | undefined;
  before(async () => {
    server = await start(overrides);
    use(server);
  });
  afterEach(async () => {
    await closeAllClients();
    await waitUntilIdle(server!);
  });
  after(async () => {
    await server?.close();
  });
}

/**
 * A shared server (useSharedServer) whose log is kept (warn and above) and which trusts
 * X-Forwarded-For, so each test can speak from addresses of its own (connectFrom) and the
 * per-address limits one test reaches do not touch the next. `overrides` as for startServer;
 * a `janus` block replaces the default one.
 */
export function useServerBehindProxy(use: (server: TestServer) => void, overrides: Record<string, unknown> = {}): void {
  useSharedServer<TestServer>(use, {
    http: { trustProxy: true },
    janus: { iceInterfaces: testMediaInterface(), allowLoopbackCandidates: true },
    ...overrides,
  }, (config) => startTestServer({ logLevel: "warn", config }));
}

/** A signaling connection to `server` whose `welcome` has been read. */
export async function welcomedClient(server: TreffServer): Promise<TestClient> {
  const client = await TestClient.connect(signalingUrl(server));
  await client.next("welcome");
  return client;
}

/** A connection the server sees coming from `address` (set by the trusted proxy header); not yet welcomed. */
export function connectFrom(server: TreffServer, address: string): Promise<TestClient> {
  return TestClient.connect(signalingUrl(server), { headers: { "x-forwarded-for": address } });
}

/** Addresses in a documentation range (never reached), a new one each call: `prefix` is three IPv4 octets. */
export function addresses(prefix: string): () => string {
  let last = 0;
  return () => {
    if (last >= 254) throw new Error(`out of addresses in ${prefix}.0/24`);
    return `${prefix}.${++last}`;
  };
}
