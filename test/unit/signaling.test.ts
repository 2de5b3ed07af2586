/**
 * The signaling edge (src/server/signaling.ts) on an in-process HTTP server,
 * with real WebSocket clients, a fake room registry and the connectivity
 * check on the fake media plane: validation, what needs a join and what
 * does not, leaving, rate and connection limits. No Janus, no rooms.
 */
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { CloseCode, MAX_MESSAGE_BYTES, PROTOCOL_VERSION, SIGNALING_PATH } from "../../src/protocol/messages.js";
import { Signaling, type SignalingLimits } from "../../src/server/signaling.js";
import { ProbeService } from "../../src/server/probe.js";
import { FakeMediaPlane, CAMERA_OFFER } from "../fakes/media-plane.js";
import { FakeRoomRegistry } from "../fakes/registry.js";
import { RecordingLog } from "../fakes/room-context.js";
import { TestClient, closeAllClients } from "../integration/client.js";
import { waitUntil } from "../helpers/wait.js";

interface Edge {
  url: string;
  registry: FakeRoomRegistry;
  plane: FakeMediaPlane;
  log: RecordingLog;
  signaling: Signaling;
  connect(): Promise<TestClient>;
}

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  await closeAllClients();
  for (const stop of running.splice(0)) await stop();
});

async function startEdge(options: { limits?: Partial<SignalingLimits>; heartbeatMs?: number } = {}): Promise<Edge> {
  const http = createServer((_request, response) => response.writeHead(404).end());
  const registry = new FakeRoomRegistry();
  const plane = new FakeMediaPlane();
  const log = new RecordingLog();
  const signaling = new Signaling(http, {
    registry,
    log,
    probes: new ProbeService(plane),
    probeIceServers: () => [{ urls: ["turn:turn.example:3478"], username: "probe", credential: "c" }],
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}${SIGNALING_PATH}`;
  running.push(async () => {
    signaling.close();
    await new Promise((resolve) => http.close(resolve));
  });
  return {
    url,
    registry,
    plane,
    log,
    signaling,
    async connect() {
      const client = await TestClient.connect(url);
      await client.next("welcome");
      return client;
    },
  };
}

const join = (room = "edge-room") => ({ type: "join", version: PROTOCOL_VERSION, room, name: "Ada" }) as const;

describe("the edge", () => {
  test("welcome comes first, with the version and no STUN or TURN servers", async () => {
    const edge = await startEdge();
    const client = await TestClient.connect(edge.url);
    const welcome = await client.next("welcome");
    assert.deepEqual(client.frames[0], { type: "welcome", version: PROTOCOL_VERSION, mediaOffByDefault: false, e2ee: true });
    assert.equal(welcome.version, 2);
  });

  test("every malformed frame gets its typed error, reaches no room, and the connection stays open", async () => {
    const edge = await startEdge();
    const client = await edge.connect();
    const cases: [string | Buffer, string, string | undefined][] = [
      ["{oops", "bad-json", undefined],
      [JSON.stringify({ kind: "join" }), "bad-message", undefined],
      [JSON.stringify({ type: "teleport" }), "unknown-type", undefined],
      [JSON.stringify({ ...join(), room: "no spaces allowed" }), "bad-message", "join"],
      [JSON.stringify({ ...join(), version: 1 }), "unsupported-version", "join"],
      [JSON.stringify({ type: "chat", text: "x".repeat(MAX_MESSAGE_BYTES) }), "too-large", undefined],
      [Buffer.from(JSON.stringify(join())), "bad-message", undefined],
    ];
    for (const [frame, code, inReplyTo] of cases) {
      client.sendRaw(frame, { binary: Buffer.isBuffer(frame) });
      const error = await client.next("error");
      assert.deepEqual([error.code, error.inReplyTo], [code, inReplyTo], `answer to ${String(frame).slice(0, 40)}`);
    }
    assert.equal(edge.registry.signals.length, 0);
    assert.ok(client.isOpen);
  });

  test("before join: other messages get not-joined; ping is answered; the connectivity check needs no room", async () => {
    const edge = await startEdge();
    const client = await edge.connect();
    client.send({ type: "publish", sdp: CAMERA_OFFER });
    assert.deepEqual(await client.next("error"), { type: "error", code: "not-joined", message: "send 'join' first", inReplyTo: "publish" });
    await client.barrier();
    client.send({ type: "probeServers" });
    assert.equal((await client.next("probeServers")).iceServers[0]?.username, "probe");
    client.send({ type: "probe", sdp: CAMERA_OFFER });
    assert.match((await client.next("probeAnswer")).sdp, /^fake-answer/);
    client.send({ type: "probe", sdp: CAMERA_OFFER });
    assert.deepEqual([(await client.next("error")).code], ["out-of-order"]);
    assert.equal(edge.plane.openRooms, 1);
    await client.close();
    await waitUntil("the check's media room to close", async () => edge.plane.openRooms, (n) => n === 0, 2_000, 5);
    assert.equal(edge.registry.signals.length, 0);
  });

  test("before join, the pre-join screen asks whether a recording runs (issue 16): answered from the registry, before a ping's pong", async () => {
    const edge = await startEdge();
    edge.registry.recordingIn.add("recorded-room");
    const client = await edge.connect();
    client.send({ type: "meetingNotice", room: "recorded-room" });
    client.send({ type: "meetingNotice", room: "quiet-room" });
    client.send({ type: "ping", id: 7 });
    await client.next("pong");
    assert.deepEqual(
      client.frames.filter((m) => (m as { type: string }).type === "meetingNotice"),
      [{ type: "meetingNotice", recording: true }, { type: "meetingNotice", recording: false }],
    );
    assert.equal(edge.registry.signals.length, 0, "asking joins nothing");
  });

  test("join opens the connection's signal through the registry; every later message goes there, in order", async () => {
    const edge = await startEdge();
    const client = await edge.connect();
    client.send(join());
    client.send({ type: "mediaState", audio: false, video: true });
    client.send(join("another-room"));
    await client.barrier();
    const [signal, ...more] = edge.registry.signals;
    assert.equal(more.length, 0, "one signal per connection");
    assert.deepEqual([signal!.join.room, signal!.join.name, signal!.address], ["edge-room", "Ada", "127.0.0.1"]);
    assert.deepEqual(signal!.messages.map((m) => m.type), ["mediaState", "join", "ping"]);
  });

  test("leave closes the socket with 1000 and the signal as left on purpose; a plain close is not on purpose", async () => {
    const edge = await startEdge();
    const leaving = await edge.connect();
    leaving.send(join());
    await leaving.barrier();
    leaving.send({ type: "leave" });
    assert.deepEqual(await leaving.waitClosed(), { code: CloseCode.normal, reason: "left" });
    const closing = await edge.connect();
    closing.send(join());
    await closing.barrier();
    await closing.close();
    await waitUntil("the edge to see both closes", async () => edge.registry.signals.map((s) => s.closed), (c) => c.every(Boolean), 2_000, 5);
    assert.deepEqual(edge.registry.signals.map((s) => s.closed?.leftOnPurpose), [true, false]);
  });
});

describe("limits", () => {
  test("a flood is rate-limited and, past 100 rejected frames, closed with 4008; the abuse is logged once", async () => {
    const edge = await startEdge();
    const client = await edge.connect();
    for (let i = 0; i < 600; i++) client.send({ type: "raiseHand", raised: true });
    assert.equal((await client.waitClosed()).code, CloseCode.abuse);
    const codes = client.messages.flatMap((m) => (m.type === "error" ? [m.code] : []));
    assert.deepEqual(codes.slice(0, 200), Array(200).fill("not-joined"), "the burst was served");
    // The bucket refills as the flood arrives, so a few more may be served in between.
    assert.equal(codes.filter((c) => c === "rate-limited").length, 100, "then 100 answers rate-limited, then the close");
    assert.deepEqual(edge.log.lines.map((l) => l.obj), ["closing a signaling connection for abuse"]);
  });

  test("over the connections per address: server-busy and 1013; a freed place can be taken again", async () => {
    const edge = await startEdge({ limits: { connectionsPerAddress: 2 } });
    const first = await edge.connect();
    await edge.connect();
    const third = await TestClient.connect(edge.url);
    assert.deepEqual(await third.next("error"), { type: "error", code: "server-busy", message: "too many connections from your network; try again later" });
    assert.deepEqual(await third.waitClosed(), { code: CloseCode.tryAgainLater, reason: "busy" });
    await first.close();
    await waitUntil("the edge to count the close", async () => edge.signaling.connectionCount, (n) => n === 1, 2_000, 5);
    await edge.connect();
  });

  test("over the connections of the whole server: server-busy and 1013", async () => {
    const edge = await startEdge({ limits: { connections: 1 } });
    await edge.connect();
    const second = await TestClient.connect(edge.url);
    assert.equal((await second.next("error")).code, "server-busy");
    assert.equal((await second.waitClosed()).code, CloseCode.tryAgainLater);
  });

  test("a connection that stops answering the heartbeat is cut, and its signal closed", async () => {
    const edge = await startEdge({ heartbeatMs: 20 });
    const client = await edge.connect();
    client.send(join());
    await client.barrier();
    client.pauseReading();
    await waitUntil("the signal to close", async () => edge.registry.signals[0]?.closed, (c) => c?.leftOnPurpose === false, 5_000, 5);
    assert.equal(edge.signaling.connectionCount, 0);
  });
});
