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
import { createLogger } from "../../src/common/log.js";
import { SIGNALING_PATH } from "../../src/protocol/messages.js";
import { waitUntil } from "../helpers/wait.js";
import { testMediaInterface } from "../helpers/server.js";
import { closeAllClients } from "./client.js";

/**
 * `overrides` merge over the defaults. The lobby is off unless a test turns it on: most files test
 * the protocol between equals; test/integration/moderation.test.ts tests the lobby.
 */
export function startServer(overrides: Record<string, unknown> = {}): Promise<TreffServer> {
  const config = parseConfig({
    host: "127.0.0.1",
    port: 0,
    logLevel: "silent",
    janus: { iceInterfaces: testMediaInterface(), allowLoopbackCandidates: true },
    meetings: { lobby: false },
    ...overrides,
  });
  return startTreff(config, createLogger("silent"));
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
export function useSharedServer(use: (server: TreffServer) => void, overrides: Record<string, unknown> = {}): void {
  let server: TreffServer | undefined;
  before(async () => {
    server = await startServer(overrides);
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
