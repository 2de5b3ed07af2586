/**
 * Hostile and broken input on the signaling socket. Each case runs on its
 * own connection; two bystanders meet in a room throughout, and after every
 * case one of them changes its media state and the other must hear about it:
 * whatever one connection sends, the others are unaffected.
 */
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import type { TreffServer } from "../../src/server/app.js";
import { CloseCode, MAX_MESSAGE_BYTES, PROTOCOL_VERSION, type ServerMessageOf } from "../../src/protocol/messages.js";
import { closeAllClients, TestClient } from "./client.js";
import { publisherOffer } from "./sdp.js";
import { newRoom, signalingUrl, startServer } from "./server.js";
import { waitUntil } from "../helpers/wait.js";

let server: TreffServer;
/** The two bystanders and what they got from `joined`. */
let x: TestClient;
let y: TestClient;
let joinedX: ServerMessageOf<"joined">;
let bystanderRoom: string;
/** Clients a test opened, closed after it (the bystanders stay). */
const opened: TestClient[] = [];

async function connect(): Promise<TestClient> {
  const client = await TestClient.connect(signalingUrl(server));
  opened.push(client);
  return client;
}

const join = (room: string, name = "Tester") => ({ type: "join", version: PROTOCOL_VERSION, room, name });

let bystanderAudio = true;
/** X toggles its microphone; Y must be told. Proves the bystanders' room still works. */
async function assertBystandersUnaffected(): Promise<void> {
  assert.ok(x.isOpen && y.isOpen, "the bystanders are still connected");
  bystanderAudio = !bystanderAudio;
  x.send({ type: "mediaState", audio: bystanderAudio, video: true });
  const update = await y.next("participantUpdated", { where: (m) => m.participant.id === joinedX.participantId });
  assert.equal(update.participant.audio, bystanderAudio);
}

before(async () => {
  server = await startServer();
  bystanderRoom = newRoom("bystanders");
  x = await TestClient.connect(signalingUrl(server));
  y = await TestClient.connect(signalingUrl(server));
  joinedX = await x.join(bystanderRoom, "Xenia");
  await y.join(bystanderRoom, "Yusuf");
  await x.next("participantJoined");
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((client) => client.close()));
  await assertBystandersUnaffected();
});

after(async () => {
  await closeAllClients();
  await server.close();
});

/** Sends one raw frame on a fresh connection and returns the first `error`. */
async function errorFor(frame: string): Promise<ServerMessageOf<"error">> {
  const client = await connect();
  client.sendRaw(frame);
  const error = await client.next("error");
  assert.ok(client.isOpen, "one bad message does not close the connection");
  return error;
}

test("not JSON -> bad-json", async () => {
  const error = await errorFor("{ this is not json");
  assert.equal(error.code, "bad-json");
});

test("JSON without a type -> bad-message", async () => {
  for (const frame of ["{}", "[]", "null", "42", '"join"', '{"type":7}']) {
    const error = await errorFor(frame);
    assert.equal(error.code, "bad-message", `for ${frame}`);
  }
});

test("an unknown type -> unknown-type", async () => {
  const error = await errorFor('{"type":"nope"}');
  assert.equal(error.code, "unknown-type");
  assert.match(error.message, /nope/);
  const long = await errorFor(JSON.stringify({ type: "y".repeat(5_000) }));
  assert.equal(long.code, "unknown-type");
  assert.ok(long.message.length < 200, "the server does not echo a long type back");
});

test("join with invalid fields -> bad-message in reply to join", async () => {
  const cases: Record<string, unknown>[] = [
    { ...join(newRoom()), name: 42 },
    { ...join(newRoom()), name: "   " },
    { ...join(newRoom()), name: "a\u0000b" },
    { ...join(newRoom()), name: "a\u0085b" }, // C1 control character
    { ...join(newRoom()), name: "a\u001b[31mred" }, // terminal escape
    { ...join(newRoom()), name: "n".repeat(65) },
    { ...join("../etc"), name: "Mo" },
    { ...join("r".repeat(65)), name: "Mo" },
    { ...join(newRoom()), room: 7 },
    { ...join(newRoom()), resumeToken: 5 },
  ];
  for (const message of cases) {
    const error = await errorFor(JSON.stringify(message));
    assert.equal(error.code, "bad-message", JSON.stringify(message));
    assert.equal(error.inReplyTo, "join");
  }
  assert.equal(server.registry.size, 1, "no room was created by an invalid join");
});

test("a different protocol version -> unsupported-version, checked before the other fields", async () => {
  const cases: Record<string, unknown>[] = [
    ...[PROTOCOL_VERSION + 1, 0, -1, "1", null, 1.5].map((version) => ({ ...join(newRoom()), version })),
    { type: "join", room: newRoom(), name: "No version" },
    { type: "join", version: PROTOCOL_VERSION + 1 }, // a future client's join may look different
    { type: "join", version: PROTOCOL_VERSION + 1, room: 42, name: ["x"] },
  ];
  for (const message of cases) {
    const error = await errorFor(JSON.stringify(message));
    assert.equal(error.code, "unsupported-version", JSON.stringify(message));
    assert.equal(error.inReplyTo, "join");
  }
});

test("unsupported-version does not count towards the abuse limit", async () => {
  const client = await connect();
  for (let i = 0; i < 120; i++) client.send({ ...join(newRoom()), version: PROTOCOL_VERSION + 1 });
  await waitUntil("120 answers", async () => client.messages.filter((m) => m.type === "error").length, (n) => n === 120 || !client.isOpen, 5_000, 20);
  assert.ok(client.isOpen, "an old client retrying its join is not an abuser");
  for (let i = 0; i < 120; i++) await client.next("error"); // mark the answers read
  assert.ok((await client.join(newRoom(), "Updated")).participantId);
});

test("messages before join -> not-joined, and nothing happens", async () => {
  const client = await connect();
  const before: Record<string, unknown>[] = [
    { type: "publish", sdp: publisherOffer() },
    { type: "subscribe", participants: [joinedX.participantId] },
    { type: "subscriberAnswer", sdp: "v=0" },
    { type: "trickle", target: "publisher", candidate: null },
    { type: "mediaState", audio: false, video: false },
  ];
  for (const message of before) {
    client.send(message);
    const error = await client.next("error");
    assert.equal(error.code, "not-joined");
    assert.equal(error.inReplyTo, message.type);
  }
  await y.expectNone("participantUpdated", [client]);
  // It can still join afterwards.
  const joined = await client.join(newRoom(), "Late");
  assert.equal(joined.participants.length, 0);
});

test("a second join on the same connection -> already-joined", async () => {
  const client = await connect();
  const room = newRoom();
  const joined = await client.join(room, "Once");
  client.send(join(room, "Twice"));
  client.send(join(bystanderRoom, "Thrice"));
  for (let i = 0; i < 2; i++) {
    const error = await client.next("error");
    assert.equal(error.code, "already-joined");
    assert.equal(error.inReplyTo, "join");
  }
  assert.equal(client.messages.filter((m) => m.type === "joined").length, 1);
  await x.expectNone("participantJoined", [client]);
  // Still in the first room as the same participant.
  const other = await connect();
  const seen = await other.join(room, "Other");
  assert.deepEqual(seen.participants.map((p) => p.id), [joined.participantId]);
});

test("a text message over the size limit -> too-large, and the connection stays open", async () => {
  const client = await connect();
  const big = JSON.stringify({ type: "publish", sdp: "a".repeat(70 * 1024) });
  assert.ok(Buffer.byteLength(big) > MAX_MESSAGE_BYTES);
  client.sendRaw(big);
  const error = await client.next("error");
  assert.equal(error.code, "too-large");
  assert.ok(client.isOpen);
  // Multi-byte characters count as bytes: 22,000 × "€" is 66,000 bytes in UTF-8.
  client.sendRaw(JSON.stringify({ type: "join", version: PROTOCOL_VERSION, room: newRoom(), name: "€".repeat(22_000) }));
  assert.equal((await client.next("error")).code, "too-large");
  const joined = await client.join(newRoom(), "Still here");
  assert.ok(joined.participantId);
});

test("a binary frame -> bad-message", async () => {
  const client = await connect();
  client.sendRaw(Buffer.from(JSON.stringify(join(newRoom()))), { binary: true });
  const error = await client.next("error");
  assert.equal(error.code, "bad-message");
  assert.ok(client.isOpen);
  assert.equal(client.messages.filter((m) => m.type === "joined").length, 0, "a binary join is not acted on");
});

test("a 2 MiB frame closes that connection (1009) and the server serves the others", async () => {
  const client = await connect();
  client.sendRaw("x".repeat(2 * 1024 * 1024));
  const closed = await client.waitClosed();
  assert.equal(closed.code, 1009);
  const fresh = await connect();
  assert.ok((await fresh.join(newRoom(), "After")).participantId);
});

test("subscribing to a participant of another room -> unknown-participant", async () => {
  const client = await connect();
  await client.join(newRoom(), "Snoop");
  client.send({ type: "subscribe", participants: [joinedX.participantId] });
  const error = await client.next("error");
  assert.equal(error.code, "unknown-participant");
  assert.equal(error.inReplyTo, "subscribe");
  await client.expectNone("subscriberOffer");
});

test("subscriberAnswer without a subscriberOffer -> out-of-order", async () => {
  const client = await connect();
  await client.join(newRoom(), "Eager");
  client.send({ type: "subscriberAnswer", sdp: "v=0\r\n" });
  const error = await client.next("error");
  assert.equal(error.inReplyTo, "subscriberAnswer");
  assert.equal(error.code, "out-of-order");
  assert.ok(client.isOpen);
});

test("a flood of 2,000 messages is rate-limited, then the connection is closed (4008)", async () => {
  const client = await connect();
  await client.join(newRoom(), "Flood");
  for (let i = 0; i < 2_000 && client.isOpen; i++) client.send({ type: "mediaState", audio: i % 2 === 0, video: true });
  const closed = await client.waitClosed(10_000);
  assert.equal(closed.code, CloseCode.abuse);
  const limited = client.messages.filter((m) => m.type === "error" && m.code === "rate-limited").length;
  assert.ok(limited > 0, "the client was told to slow down before being closed");
  assert.ok(limited <= 100, `at most the allowed number of rejections is answered (${limited})`);
  await waitUntil("the flooder's room to close", async () => server.registry.size, (n) => n === 1, 5_000, 20);
});

test("invalid messages in bulk also end in 4008", async () => {
  const client = await connect();
  for (let i = 0; i < 150; i++) client.sendRaw("{}");
  const closed = await client.waitClosed();
  assert.equal(closed.code, CloseCode.abuse);
  assert.equal(client.messages.filter((m) => m.type === "error").length, 100);
});

test("a garbage SDP in publish -> an error, and the connection keeps working", async () => {
  const client = await connect();
  const room = newRoom();
  await client.join(room, "Garbage");
  for (const sdp of ["not an sdp at all", "v=0\r\nm=audio 9 RTP/AVP 0\r\n", "v=0\r\n" + "a=x\r\n".repeat(5_000)]) {
    client.send({ type: "publish", sdp });
    const error = await client.next("error");
    assert.ok(error.code === "media-unavailable" || error.code === "internal", error.code);
    assert.equal(error.inReplyTo, "publish");
  }
  client.send({ type: "publish", sdp: publisherOffer() });
  const answer = await client.next("publisherAnswer");
  assert.match(answer.sdp, /^v=0/);
  assert.ok(client.isOpen);
});

test("prototype-pollution payloads are plain data", async () => {
  const client = await connect();
  const room = newRoom();
  client.sendRaw(
    `{"type":"join","version":${PROTOCOL_VERSION},"room":"${room}","name":"Proto","__proto__":{"polluted":true,"type":"leave"},"constructor":{"prototype":{"polluted":true}}}`,
  );
  const joined = await client.next("joined");
  assert.ok(joined.participantId);
  client.sendRaw('{"__proto__":{"type":"leave"}}');
  assert.equal((await client.next("error")).code, "bad-message", "a type on __proto__ is no type");
  client.sendRaw('{"type":"mediaState","audio":false,"video":false,"__proto__":{"audio":true}}');
  client.sendRaw('{"type":"subscribe","participants":["__proto__","constructor","toString"]}');
  const unknown = await client.next("error");
  assert.equal(unknown.code, "unknown-participant");
  assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype is untouched");
  assert.ok(client.isOpen);
  const other = await connect();
  const seen = await other.join(room, "Other");
  assert.deepEqual(seen.participants, [{ id: joined.participantId, name: "Proto", role: "participant", audio: false, video: false, publishing: false, screen: false, hand: null, publicKey: null }]);
});

test("after all that the server is healthy, leaks nothing and a fresh join works", async () => {
  await waitUntil(
    "only the bystanders to remain",
    async () => ({ rooms: server.registry.size, connections: server.signaling.connectionCount, sessions: server.janus.connection?.sessions.size }),
    (s) => s.rooms === 1 && s.connections === 2 && s.sessions === 1,
    5_000,
    20,
  );
  const health = await fetch(`${server.url}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { ok: true });
  const client = await connect();
  const joined = await client.join(bystanderRoom, "Zoe");
  assert.equal(joined.participants.length, 2);
  client.send({ type: "publish", sdp: publisherOffer() });
  await client.next("publisherAnswer");
});
