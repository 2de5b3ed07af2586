/**
 * The Janus that Treff runs itself: its generated, private configuration
 * (only the VideoRoom plugin and the WebSocket transport, an API secret, no
 * TCP listener), and what happens when it dies: everyone is asked to
 * reconnect (1012), Janus is restarted, and meetings work again.
 */
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, readlinkSync, existsSync, lstatSync, statSync } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";
import type { TreffServer } from "../../src/server/app.js";
import { JanusConnection, JanusError } from "../../src/media/janus/client.js";
import type { JanusSupervisor } from "../../src/media/janus/supervisor.js";
import { CloseCode, PROTOCOL_VERSION } from "../../src/protocol/messages.js";
import { closeAllClients, TestClient } from "./client.js";
import { publisherOffer } from "./sdp.js";
import { newRoom, signalingUrl, startServer, waitUntilIdle } from "./server.js";
import { waitUntil } from "../helpers/wait.js";

let server: TreffServer;
let supervisor: JanusSupervisor;
const connect = () => TestClient.connect(signalingUrl(server));

before(async () => {
  server = await startServer();
  supervisor = server.janus as JanusSupervisor;
});

afterEach(async () => {
  await closeAllClients();
  await waitUntilIdle(server, 10_000);
});

after(async () => {
  await server.close();
});

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Kills Janus the hard way; resolves once Treff has noticed (the media plane's `down`). */
async function killJanus(): Promise<number> {
  const pid = supervisor.pid;
  assert.ok(pid, "Janus is running");
  const down = once(server.mediaPlane, "down");
  process.kill(pid, "SIGKILL");
  await down;
  return pid;
}

/** Waits until the supervisor runs a new Janus that answers. */
async function waitForNewJanus(oldPid: number): Promise<number> {
  await waitUntil(
    "a new Janus",
    async () => ({ pid: supervisor.pid, available: server.mediaPlane.available }),
    (s) => s.pid !== undefined && s.pid !== oldPid && s.available,
    8_000,
    20,
  );
  return supervisor.pid!;
}

test("the generated Janus configuration folder is private and minimal", () => {
  const dir = supervisor.configDir;
  assert.ok(dir && existsSync(dir));
  assert.equal(statSync(dir).mode & 0o777, 0o700, "only Treff's user can enter the folder");
  assert.deepEqual(readdirSync(dir).sort(), [
    "empty",
    "janus.jcfg",
    "janus.plugin.videoroom.jcfg",
    "janus.sock",
    "janus.transport.websockets.jcfg",
    "plugins",
    "transports",
  ]);
  for (const file of ["janus.jcfg", "janus.plugin.videoroom.jcfg", "janus.transport.websockets.jcfg"]) {
    assert.equal(statSync(join(dir, file)).mode & 0o077, 0, `${file} is readable by its owner only`);
  }
  assert.ok(lstatSync(join(dir, "janus.sock")).isSocket());
  assert.deepEqual(readdirSync(join(dir, "plugins")), ["libjanus_videoroom.so"]);
  assert.deepEqual(readdirSync(join(dir, "transports")), ["libjanus_websockets.so"]);
  assert.deepEqual(readdirSync(join(dir, "empty")), [], "no event handlers or loggers");
  assert.match(readlinkSync(join(dir, "plugins", "libjanus_videoroom.so")), /\/plugins\/libjanus_videoroom\.so$/);

  const main = readFileSync(join(dir, "janus.jcfg"), "utf8");
  assert.match(main, /^\s*api_secret = "[A-Za-z0-9_-]{24,}"$/m);
  assert.match(main, /^\s*plugins_folder = ".*\/plugins"$/m);
  assert.match(main, /^\s*transports_folder = ".*\/transports"$/m);
  assert.doesNotMatch(main, /stun_server/, "Janus asks no third party for its address");
  const websockets = readFileSync(join(dir, "janus.transport.websockets.jcfg"), "utf8");
  assert.match(websockets, /admin_ws = false/);
  assert.match(websockets, /wss = false/);
});

test("Janus demands the API secret and listens on no TCP port", async () => {
  const dir = supervisor.configDir!;
  const url = `ws+unix://${join(dir, "janus.sock")}`;
  const secret = /api_secret = "([^"]+)"/.exec(readFileSync(join(dir, "janus.jcfg"), "utf8"))![1]!;

  const stranger = await JanusConnection.connect(url);
  try {
    await assert.rejects(stranger.createSession(), (error: unknown) => error instanceof JanusError && error.code === 403);
  } finally {
    stranger.close();
  }
  const insider = await JanusConnection.connect(url, secret);
  try {
    const session = await insider.createSession();
    await session.destroy();
  } finally {
    insider.close();
  }

  const pid = supervisor.pid!;
  const socketInodes = new Set(
    readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      const match = /^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`));
      return match ? [match[1]!] : [];
    }),
  );
  const listening = ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((table) =>
    readFileSync(table, "utf8")
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols[3] === "0A" && socketInodes.has(cols[9] ?? "")) // 0A: LISTEN
      .map((cols) => `${table} ${cols[1]}`),
  );
  assert.deepEqual(listening, [], "the Janus API is reachable only through the private Unix socket");
});

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return "";
  }
}

test("when Janus dies, participants are told to reconnect (1012), Janus restarts, and meetings work again", async () => {
  const room = newRoom();
  const a = await connect();
  const b = await connect();
  await a.join(room, "Ada");
  await b.join(room, "Bob");
  a.send({ type: "publish", sdp: publisherOffer() });
  await a.next("publisherAnswer");

  const killed = Date.now();
  const oldPid = await killJanus();
  const health = await fetch(`${server.url}/healthz`);
  assert.equal(health.status, 503, "/healthz reports the outage");
  assert.deepEqual(await health.json(), { ok: false });
  const newPid = await waitForNewJanus(oldPid);
  const ms = Date.now() - killed;
  assert.notEqual(newPid, oldPid);
  assert.ok(ms < 5_000, `Janus was back after ${ms} ms`);
  assert.equal(isRunning(oldPid), false);

  assert.equal((await a.waitClosed()).code, CloseCode.mediaRestart);
  assert.equal((await b.waitClosed()).code, CloseCode.mediaRestart);
  await waitUntil("the old room to be gone", async () => server.registry.size, (n) => n === 0, 5_000, 20);

  // The same room (as the browsers would rejoin it) and a new one both work.
  for (const name of [room, newRoom()]) {
    const c = await connect();
    const d = await connect();
    await c.join(name, "Cy");
    await d.join(name, "Di");
    c.send({ type: "publish", sdp: publisherOffer() });
    assert.match((await c.next("publisherAnswer")).sdp, /^v=0/);
    d.send({ type: "mediaState", audio: false, video: true });
    assert.equal((await c.next("participantUpdated")).participant.audio, false);
  }
  const healthAfter = await fetch(`${server.url}/healthz`);
  assert.equal(healthAfter.status, 200);
});

test("while Janus is down the supervisor reports no pid", async () => {
  const oldPid = await killJanus();
  try {
    assert.equal(supervisor.pid, undefined, `pid ${oldPid} is reported although that process is gone`);
  } finally {
    await waitForNewJanus(oldPid);
  }
});

test("a join while Janus is down fails with media-unavailable and leaves no empty room behind", async () => {
  const waiting = await connect(); // connected beforehand: the join goes out the moment Janus is gone
  const oldPid = await killJanus();
  // Treff has handled the outage (everyone was asked to reconnect); the restart is a moment away.
  const room = newRoom();
  waiting.send({ type: "join", version: PROTOCOL_VERSION, room, name: "Early" });
  waiting.send({ type: "publish", sdp: publisherOffer() }); // pipelined, as the browser does
  const reply = await waiting.nextOf(["joined", "error"]);
  const publishReply = await waiting.nextOf(["publisherAnswer", "error"]);
  const roomsAfterFailedJoin = server.registry.size;
  await waitForNewJanus(oldPid);
  assert.equal(reply.type, "error", "Janus was back before the join arrived: cannot test the outage");
  assert.equal(reply.code, "media-unavailable");
  assert.equal(reply.inReplyTo, "join");
  assert.equal(publishReply.type, "error");
  assert.equal(publishReply.code, "not-joined", "the publish behind a failed join is refused");
  assert.equal(publishReply.inReplyTo, "publish");
  assert.ok(waiting.isOpen, "the client may retry on the same connection");

  // The retry works (and, with the bug, also disposes of the leftover room when it ends).
  const joined = await waiting.join(room, "Early");
  assert.deepEqual(joined.participants, []);
  await waiting.close();
  await waitUntilIdle(server);
  assert.equal(roomsAfterFailedJoin, 0, "a failed join leaves no room behind");
});

test("stopping the server stops Janus and removes its folder", async () => {
  // A server of its own: the shared one stays up for the other tests.
  const other = await startServer();
  const otherSupervisor = other.janus as JanusSupervisor;
  const pid = otherSupervisor.pid!;
  const dir = otherSupervisor.configDir!;
  const client = await TestClient.connect(signalingUrl(other));
  await client.join(newRoom(), "Last");
  assert.ok(isRunning(pid) && existsSync(dir));
  await other.close();
  await client.waitClosed();
  assert.equal(isRunning(pid), false, "Janus has exited");
  assert.equal(existsSync(dir), false, "its folder with the API secret is gone");
  assert.equal(otherSupervisor.pid, undefined);
  await other.close(); // idempotent
});

test("shutting down tells connected clients the server is going away (1001)", async () => {
  const other = await startServer();
  try {
    const client = await TestClient.connect(signalingUrl(other));
    await client.join(newRoom(), "Last");
    const closing = other.close();
    assert.equal((await client.waitClosed()).code, 1001);
    await closing;
  } finally {
    await other.close();
  }
});
