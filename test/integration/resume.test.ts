/**
 * Coming back as the same participant: a second connection with the resume
 * token from `joined` takes over the participant id, and the old connection
 * is closed. A token works once, and only in its own room.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { TreffServer } from "../../src/server/app.js";
import { CloseCode, PROTOCOL_VERSION } from "../../src/protocol/messages.js";
import { TestClient } from "./client.js";
import { publisherOffer } from "./sdp.js";
import { newRoom, signalingUrl, useSharedServer } from "./server.js";

let server: TreffServer;
const connect = () => TestClient.connect(signalingUrl(server));

useSharedServer((s) => (server = s));

test("a second connection with the resume token takes over the participant", async () => {
  const room = newRoom();
  const a1 = await connect();
  const joinedA = await a1.join(room, "Ada");
  const b = await connect();
  await b.join(room, "Bob");
  a1.send({ type: "publish", sdp: publisherOffer() });
  await a1.next("publisherAnswer");

  const a2 = await connect();
  const resumed = await a2.join(room, "Ada", { resumeToken: joinedA.resumeToken });
  assert.equal(resumed.participantId, joinedA.participantId, "same participant id");
  assert.notEqual(resumed.resumeToken, joinedA.resumeToken, "a fresh token for the new connection");
  assert.deepEqual(resumed.participants.map((p) => p.name), ["Bob"], "the old connection is not listed as someone else");

  const closed = await a1.waitClosed();
  assert.equal(closed.code, CloseCode.replaced);

  const left = await b.next("participantLeft");
  assert.equal(left.participantId, joinedA.participantId);
  const back = await b.next("participantJoined");
  assert.equal(back.participant.id, joinedA.participantId);
  assert.equal(back.participant.publishing, false, "the new connection has not published yet");
  const order = b.messages.map((m) => m.type).filter((t) => t === "participantLeft" || t === "participantJoined");
  assert.deepEqual(order, ["participantLeft", "participantJoined"], "Bob saw Ada leave, then come back");

  // The new connection is fully Ada: it can publish and its state reaches Bob.
  a2.send({ type: "publish", sdp: publisherOffer() });
  await a2.next("publisherAnswer");
  a2.send({ type: "mediaState", audio: false, video: false });
  const update = await b.next("participantUpdated");
  assert.equal(update.participant.id, joinedA.participantId);
  assert.equal(server.registry.size, 1);
  assert.equal(server.signaling.connectionCount, 3 - 1, "Ada's old connection is gone");
});

test("the old connection closing late does not remove the resumed participant", async () => {
  const room = newRoom();
  const a1 = await connect();
  const joinedA = await a1.join(room, "Ada");
  const b = await connect();
  await b.join(room, "Bob");
  const a2 = await connect();
  await a2.join(room, "Ada", { resumeToken: joinedA.resumeToken });
  await a1.waitClosed();
  await b.next("participantLeft"); // the replacement itself
  await b.next("participantJoined", { where: (m) => m.participant.id === joinedA.participantId });
  await b.expectNone("participantLeft", [a2]);
  // After the replaced socket has closed, the resumed one still works.
  a2.send({ type: "mediaState", audio: false, video: true });
  assert.equal((await b.next("participantUpdated")).participant.id, joinedA.participantId);
  assert.ok(a2.isOpen);
});

test("a resume token works once: the spent token gives a new participant and replaces no one", async () => {
  const room = newRoom();
  const a1 = await connect();
  const joinedA = await a1.join(room, "Ada");
  const a2 = await connect();
  await a2.join(room, "Ada", { resumeToken: joinedA.resumeToken });
  await a1.waitClosed();

  const intruder = await connect();
  const joinedI = await intruder.join(room, "Eve", { resumeToken: joinedA.resumeToken });
  assert.notEqual(joinedI.participantId, joinedA.participantId);
  assert.deepEqual(joinedI.participants.map((p) => p.id), [joinedA.participantId]);
  await a2.next("participantJoined");
  assert.ok(a2.isOpen, "the resumed connection was not replaced");
});

test("a resume token from another room, or a made-up one, gives a new participant", async () => {
  const a = await connect();
  const joinedA = await a.join(newRoom("first"), "Ada");
  const elsewhere = await connect();
  const joinedElsewhere = await elsewhere.join(newRoom("second"), "Ada", { resumeToken: joinedA.resumeToken });
  assert.notEqual(joinedElsewhere.participantId, joinedA.participantId);
  assert.ok(a.isOpen, "the first room's connection was not touched");

  const made = await connect();
  const joinedMade = await made.join(newRoom("third"), "Mo", { resumeToken: "x".repeat(128) });
  assert.ok(joinedMade.participantId);

  const tooLong = await connect();
  tooLong.send({ type: "join", version: PROTOCOL_VERSION, room: newRoom(), name: "Mo", resumeToken: "x".repeat(129) });
  const error = await tooLong.next("error");
  assert.equal(error.code, "bad-message");
  assert.equal(error.inReplyTo, "join");
});

test("coming back after leaving (a reload closes the old socket first) keeps the participant id", async () => {
  const room = newRoom();
  const a = await connect();
  const b = await connect();
  const joinedA = await a.join(room, "Ada");
  await b.join(room, "Bob");
  await a.close();
  await b.next("participantLeft");
  const again = await connect();
  const joined = await again.join(room, "Ada", { resumeToken: joinedA.resumeToken });
  assert.equal(joined.participantId, joinedA.participantId);
  // A token works once: the old one is spent, the new one from this `joined` is what comes back next time.
  const third = await connect();
  const other = await third.join(room, "Ada", { resumeToken: joinedA.resumeToken });
  assert.notEqual(other.participantId, joinedA.participantId);
});

test(
  "a replaced connection can no longer act as the participant",
  async () => {
    const room = newRoom();
    const a1 = await connect();
    const joinedA = await a1.join(room, "Ada");
    const b = await connect();
    await b.join(room, "Bob");

    // Ada's old connection does not read the server's close frame yet, as a slow or
    // half-dead network would; it still sends.
    a1.pauseReading();
    const a2 = await connect();
    await a2.join(room, "Ada", { resumeToken: joinedA.resumeToken });
    await b.next("participantLeft");
    await b.next("participantJoined");

    a1.send({ type: "mediaState", audio: false, video: false });
    // a1 reads nothing, so it cannot take part in a barrier; its message reached the server before b's ping.
    await b.expectNone("participantUpdated");

    a1.resumeReading();
    assert.equal((await a1.waitClosed()).code, CloseCode.replaced);
    a2.send({ type: "mediaState", audio: true, video: false });
    const update = await b.next("participantUpdated");
    assert.deepEqual([update.participant.audio, update.participant.video], [true, false]);
  },
);

test("after an explicit leave the resume token no longer brings the same participant back", async () => {
  const room = newRoom();
  const a = await connect();
  const b = await connect();
  const joinedA = await a.join(room, "Ada");
  await b.join(room, "Bob");
  a.send({ type: "leave" });
  await b.next("participantLeft");
  const again = await connect();
  const joined = await again.join(room, "Ada", { resumeToken: joinedA.resumeToken });
  assert.notEqual(joined.participantId, joinedA.participantId);
});
