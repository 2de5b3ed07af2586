/**
 * ParticipantSession, through the local registry on the fake media plane:
 * what a connection's messages do once they are past the edge. Held while a
 * join is pending (a guest, until admitted), bounded, kept in order;
 * `ping` answered only once everything before it has been handled; every
 * failure answered with a typed error; closing leaves the room.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PROTOCOL_VERSION, type ClientMessage, type ClientMessageOf, type ServerMessageOf } from "../../src/protocol/messages.js";
import { MediaError } from "../../src/media/media-plane.js";
import { CAMERA_OFFER } from "../fakes/media-plane.js";
import type { RecordingLink } from "../fakes/room-context.js";
import type { LiveRoom } from "../../src/meeting/live-room.js";
import { ROOM, connect, hostKey, joined, setup } from "../fakes/connections.js";

const mediaState = (audio: boolean): ClientMessage => ({ type: "mediaState", audio, video: true });
const errors = (link: RecordingLink) => link.all("error").map((e) => [e.code, e.inReplyTo]);

test("a guest's messages wait in the lobby with them and are handled in order once they are let in", async () => {
  const { ctx, registry } = setup(true);
  const host = await joined(registry, "Host", { moderatorKey: hostKey(ctx) });
  const guest = connect(registry, "Gus");
  for (const audio of [false, true, false]) guest.signal.send(mediaState(audio));
  const id = (await host.link.waitFor("lobbyJoined")).entry.id;
  await guest.barrier();
  assert.deepEqual(guest.link.types, ["lobby", "pong"], "nothing but the lobby (and the pong) while waiting");
  assert.equal(host.link.all("participantUpdated").length, 0);

  host.signal.send({ type: "admit", participants: [id] });
  await guest.link.waitFor("joined");
  await guest.barrier();
  await host.barrier();
  assert.deepEqual(host.link.all("participantUpdated").map((m) => m.participant.audio), [false, true, false]);
});

test("at most 50 messages wait: the rest are answered rate-limited and dropped", async () => {
  const { ctx, registry } = setup(true);
  const host = await joined(registry, "Host", { moderatorKey: hostKey(ctx) });
  const guest = connect(registry, "Gus");
  for (let i = 0; i < 55; i++) guest.signal.send(mediaState(i % 2 === 1));
  const id = (await host.link.waitFor("lobbyJoined")).entry.id;
  assert.deepEqual(guest.link.all("error").map((e) => e.code), Array(5).fill("rate-limited"));
  host.signal.send({ type: "admit", participants: [id] });
  await guest.link.waitFor("joined");
  await guest.barrier();
  await host.barrier();
  assert.equal(host.link.all("participantUpdated").length, 50);
});

test("ping in the lobby is answered at once; what waits with the guest does not hold it up", async () => {
  const { ctx, registry } = setup(true);
  await joined(registry, "Host", { moderatorKey: hostKey(ctx) });
  const guest = connect(registry, "Gus");
  guest.signal.send({ type: "publish", sdp: CAMERA_OFFER });
  await guest.barrier();
  assert.deepEqual(guest.link.types, ["lobby", "pong"]);
});

test("pong comes after the answers to everything sent before it, however slow", async () => {
  const { ctx, registry } = setup();
  const ada = await joined(registry, "Ada");
  const release = ctx.mediaPlane.hold("publish");
  ada.signal.send({ type: "publish", sdp: CAMERA_OFFER });
  const barrier = ada.barrier();
  let ponged = false;
  void barrier.then(() => (ponged = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(ponged, false, "the publish is still at the media server");
  release();
  await barrier;
  assert.deepEqual(ada.link.types.slice(-2), ["publisherAnswer", "pong"]);
});

test("pong also waits for what the room had queued before it: someone else's leave is told first", async () => {
  const { registry } = setup();
  const ada = await joined(registry, "Ada");
  const ben = await joined(registry, "Ben");
  ben.signal.close(false);
  await ada.barrier();
  assert.deepEqual(ada.link.types.slice(-2), ["participantLeft", "pong"]);
});

test("failures become typed errors naming the message; only unexpected ones are logged, and not without limit", async () => {
  const { ctx, registry, room } = setup();
  const ada = await joined(registry, "Ada");
  ada.signal.send({ type: "admit", participants: "all" });
  ada.signal.send({ type: "subscriberAnswer", sdp: "v=0" });
  ada.signal.send({ type: "subscribe", participants: ["nobody"], screens: [], video: {} });
  ada.signal.send({ type: "join", version: PROTOCOL_VERSION, room: ROOM, name: "Ada" });
  await ada.barrier();
  // Messages start in order but do not wait for each other: the answers come as each is done.
  assert.deepEqual(errors(ada.link).sort(), [
    ["already-joined", "join"],
    ["forbidden", "admit"],
    ["out-of-order", "subscriberAnswer"],
    ["unknown-participant", "subscribe"],
  ]);
  assert.equal(ctx.log.lines.length, 0, "expected refusals are not logged");

  ada.link.drain();
  ctx.mediaPlane.failNext("publish");
  ada.signal.send({ type: "publish", sdp: CAMERA_OFFER });
  for (let i = 0; i < 8; i++) {
    ctx.mediaPlane.failNext("trickle", new Error("a bug"));
    ada.signal.send({ type: "trickle", target: "publisher", candidate: null });
  }
  await ada.barrier();
  assert.deepEqual(errors(ada.link).sort(), [...Array(8).fill(["internal", "trickle"]), ["media-unavailable", "publish"]]);
  assert.equal(ctx.log.lines.length, 5, "a client cannot fill the log");
  assert.ok(ctx.log.lines.every((l) => l.msg === "request failed" && l.level === "warn"));
  assert.ok(room(), "the room is still there");
});

test("a connection that was replaced is told so and changes nothing", async () => {
  const { registry } = setup();
  const ada = await joined(registry, "Ada");
  const token = ada.link.last("joined").resumeToken;
  const again = await joined(registry, "Ada", { resumeToken: token });
  assert.equal(again.id, ada.id);
  ada.signal.send({ type: "chat", text: "from the old tab" });
  await ada.barrier();
  assert.deepEqual(errors(ada.link), [["not-joined", "chat"]]);
  assert.equal(again.link.all("chat").length, 0);
});

test("a refused join leaves the connection out of the room: later messages get not-joined, and it joins only its own room", async () => {
  const { ctx, registry, room } = setup();
  const host = await joined(registry, "Host", { moderatorKey: hostKey(ctx) });
  host.signal.send({ type: "lock", locked: true });
  await host.barrier();
  const guest = connect(registry, "Gus");
  guest.signal.send({ type: "chat", text: "hello?" });
  guest.signal.send({ type: "join", version: PROTOCOL_VERSION, room: "another-room", name: "Gus" });
  await guest.barrier();
  assert.deepEqual(errors(guest.link), [["locked", "join"], ["not-joined", "chat"], ["bad-message", "join"]]);
  assert.equal(room().members.size, 1);
});

test("close leaves the room; on purpose it also forgets the resume token, so a reload must knock", async () => {
  const { ctx, registry } = setup(true);
  const host = await joined(registry, "Host", { moderatorKey: hostKey(ctx) });
  for (const onPurpose of [false, true]) {
    const knocks = host.link.all("lobbyJoined").length;
    const guest = connect(registry, "Gus");
    const id = (await host.link.waitFor("lobbyJoined", (m) => host.link.all("lobbyJoined").indexOf(m) === knocks)).entry.id;
    host.signal.send({ type: "admit", participants: [id] });
    const token = (await guest.link.waitFor("joined")).resumeToken;
    await guest.barrier();
    guest.signal.close(onPurpose);
    await host.barrier();
    assert.equal(host.link.last("participantLeft").participantId, id);
    const back = connect(registry, "Gus", { resumeToken: token });
    const reply = await Promise.race([back.link.waitFor("joined"), back.link.waitFor("lobby")]);
    assert.equal(reply.type, onPurpose ? "lobby" : "joined");
    back.signal.close(true);
    await host.barrier();
  }
});

test("a connection that closes while its join is being decided does not linger, in the lobby or in the room", async () => {
  const { ctx, registry, room } = setup(true);
  const host = await joined(registry, "Host", { moderatorKey: hostKey(ctx) });
  const guest = connect(registry, "Gus");
  guest.signal.close(false);
  await host.link.waitFor("lobbyLeft");
  assert.equal(room().waiters.size, 0);

  // Without a lobby: closed while the media server makes the newcomer's media.
  const open = setup();
  const release = open.ctx.mediaPlane.hold("join");
  const ada = connect(open.registry, "Ada");
  ada.signal.close(false);
  release();
  await ada.link.waitFor("joined");
  await waitUntilClosed(open.room());
  assert.deepEqual([open.registry.size, open.ctx.mediaPlane.openRooms, open.ctx.mediaPlane.openParticipants], [0, 0, 0]);
});

test("a join the media server fails is answered media-unavailable; the same connection may join again", async () => {
  const { ctx, registry } = setup();
  ctx.mediaPlane.failNext("createRoom", new MediaError("down"));
  const ada = connect(registry, "Ada");
  await ada.barrier();
  assert.deepEqual(errors(ada.link), [["media-unavailable", "join"]]);
  assert.equal(registry.size, 0, "no empty room is left behind");
  ada.signal.send({ type: "join", version: PROTOCOL_VERSION, room: ROOM, name: "Ada" });
  const message: ServerMessageOf<"joined"> = await ada.link.waitFor("joined");
  assert.equal(message.role, "participant");
});

/** Waits (through its queue) until a room has finished closing. */
async function waitUntilClosed(room: LiveRoom): Promise<void> {
  for (let i = 0; i < 10 && !room.isClosed; i++) await room.queue.run(async () => {});
  assert.equal(room.isClosed, true, "the room closed");
}

test("a guest who sends join again while waiting gets its pongs; turned away, the held join does not knock again", async () => {
  const { ctx, registry, room } = setup(true);
  const host = await joined(registry, "Host", { moderatorKey: hostKey(ctx) });
  const guest = connect(registry, "Gus");
  const id = (await host.link.waitFor("lobbyJoined")).entry.id;
  guest.signal.send({ type: "join", version: PROTOCOL_VERSION, room: ROOM, name: "Gus" });
  await guest.barrier(); // not held back until a moderator decides

  // The room closes the connection (farewell); the socket has not closed yet when the held join's turn comes.
  host.signal.send({ type: "refuse", participant: id });
  await guest.link.waitFor("farewell");
  await host.barrier();
  await guest.barrier();
  assert.equal(host.link.all("lobbyJoined").length, 1, "the moderators heard of one knock");
  assert.equal(room().waiters.size, 0);
});
