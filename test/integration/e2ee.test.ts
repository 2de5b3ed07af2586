/**
 * What the server does for end-to-end encryption, against the real server:
 * it relays identity public keys with the participant records, passes each
 * sealed media key to the one participant it is for (and to nobody else),
 * relays sealed chat like chat, and enforces a moderator's "E2EE required"
 * at the door. It never needs, and never gets, a key it could use.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { TreffServer } from "../../src/server/app.js";
import { ownerKey } from "../helpers/moderator-keys.js";
import { TestClient } from "./client.js";
import { newRoom, signalingUrl, startServer, useSharedServer } from "./server.js";

const SECRET = "a-test-secret-of-enough-length";
const keyOf = (room: string) => ownerKey(SECRET, room);
/** Well-formed public keys (65 bytes in base64url); the server only relays them. */
const publicKey = (n: number) => `B${String(n).repeat(86).slice(0, 86)}`;

let server: TreffServer;
useSharedServer((s) => (server = s), { meetings: { lobby: true }, secret: SECRET });

async function connect(on: TreffServer = server): Promise<TestClient> {
  const client = await TestClient.connect(signalingUrl(on));
  await client.next("welcome");
  return client;
}

/** Everyone joins with the moderator key (no lobby in the way), each with a public key unless `null`. */
async function meeting(room: string, keys: (string | null)[]): Promise<{ client: TestClient; id: string }[]> {
  const people: { client: TestClient; id: string }[] = [];
  for (const [i, key] of keys.entries()) {
    const client = await connect();
    const joined = await client.join(room, `P${i}`, { moderatorKey: keyOf(room), ...(key ? { publicKey: key } : {}) });
    for (const other of people) await other.client.next("participantJoined", { where: (m) => m.participant.id === joined.participantId });
    people.push({ client, id: joined.participantId });
  }
  for (const p of people) p.client.discardUnread();
  return people;
}

test("public keys travel with the participant records; a browser without one is null", async () => {
  const room = newRoom();
  const ann = await connect();
  await ann.join(room, "Ann", { moderatorKey: keyOf(room), publicKey: publicKey(1) });
  const ben = await connect();
  const joined = await ben.join(room, "Ben", { moderatorKey: keyOf(room) });
  assert.equal(joined.participants[0]?.publicKey, publicKey(1));
  const seen = await ann.next("participantJoined");
  assert.equal(seen.participant.publicKey, null);
});

test("each sealed media key goes to the one participant it is for, from its sender, and to nobody else", async () => {
  const [ann, ben, cem, dia] = await meeting(newRoom(), [publicKey(1), publicKey(2), publicKey(3), publicKey(4)]);
  ann!.client.send({ type: "e2eeKeys", keyId: 7, sealed: { [ben!.id]: "Zm9yQmVu", [cem!.id]: "Zm9yQ2Vt" } });
  assert.deepEqual(await ben!.client.next("e2eeKey"), { type: "e2eeKey", from: ann!.id, keyId: 7, sealed: "Zm9yQmVu" });
  assert.deepEqual(await cem!.client.next("e2eeKey"), { type: "e2eeKey", from: ann!.id, keyId: 7, sealed: "Zm9yQ2Vt" });
  for (const p of [ann!, ben!, dia!]) await p.client.expectNothing([ann!.client]);
});

test("keys for someone not in the meeting, or for oneself, are refused by name; the others still get theirs", async () => {
  const [ann, ben] = await meeting(newRoom(), [publicKey(1), publicKey(2)]);
  ann!.client.send({ type: "e2eeKeys", keyId: 0, sealed: { "nobody-here": "YQ", [ann!.id]: "Yg", [ben!.id]: "Yw" } });
  const error = await ann!.client.next("error");
  assert.deepEqual([error.code, error.inReplyTo], ["unknown-participant", "e2eeKeys"]);
  assert.match(error.message, /nobody-here/);
  assert.equal((await ben!.client.next("e2eeKey")).sealed, "Yw");
  await ben!.client.expectNothing([ann!.client]);
});

test("a key for a guest in the lobby is refused: waiting guests get nothing", async () => {
  const room = newRoom();
  const [host] = await meeting(room, [publicKey(1)]);
  const guest = await connect();
  await guest.knock(room, "Gus", { publicKey: publicKey(2) });
  host!.client.send({ type: "e2eeKeys", keyId: 0, sealed: { [await host!.client.waitingId("Gus")]: "abc" } });
  assert.equal((await host!.client.next("error")).code, "unknown-participant");
  await guest.expectNothing([host!.client]);
});

test("sealed chat reaches everyone, the sender included, exactly as sealed", async () => {
  const [ann, ben] = await meeting(newRoom(), [publicKey(1), publicKey(2)]);
  ann!.client.send({ type: "sealedChat", keyId: 3, sealed: "bm90IHJlYWRhYmxl" });
  for (const p of [ann!, ben!]) {
    const message = await p.client.next("sealedChat");
    assert.deepEqual({ ...message, at: 0 }, { type: "sealedChat", from: ann!.id, name: "P0", keyId: 3, sealed: "bm90IHJlYWRhYmxl", at: 0 });
  }
});

test("only moderators may require E2EE; then a browser without it is turned away at the door, one with it may knock", async () => {
  const room = newRoom();
  const [host] = await meeting(room, [publicKey(1)]);
  const pat = await connect();
  await pat.knock(room, "Pat", { publicKey: publicKey(2) });
  host!.client.send({ type: "admit", participants: [await host!.client.waitingId("Pat")] });
  await pat.next("joined");
  await pat.next("roomState");

  pat.send({ type: "requireE2ee", required: true });
  assert.equal((await pat.next("error")).code, "forbidden");

  host!.client.send({ type: "requireE2ee", required: true });
  for (const c of [host!.client, pat]) assert.equal((await c.next("roomState", { where: (m) => m.e2eeRequired })).e2eeRequired, true);

  const plain = await connect();
  plain.sendJoin(room, "Old Browser");
  const refused = await plain.next("error");
  assert.deepEqual([refused.code, refused.inReplyTo], ["e2ee-required", "join"]);
  const moderatorWithout = await connect();
  moderatorWithout.sendJoin(room, "Old Host", { moderatorKey: keyOf(room) });
  assert.equal((await moderatorWithout.next("error")).code, "e2ee-required", "the requirement holds for moderators too");

  const capable = await connect();
  await capable.knock(room, "New Browser", { publicKey: publicKey(3) });
  await host!.client.waitingId("New Browser");

  host!.client.send({ type: "requireE2ee", required: false });
  await host!.client.next("roomState", { where: (m) => !m.e2eeRequired });
  const plainAgain = await connect();
  await plainAgain.knock(room, "Old Browser");
});

test("moderators see who cannot encrypt; requiring E2EE turns those already waiting without it away at once", async () => {
  const room = newRoom();
  const [host] = await meeting(room, [publicKey(1)]);
  const early = await connect();
  await early.knock(room, "Early Bird");
  const capable = await connect();
  await capable.knock(room, "New Browser", { publicKey: publicKey(2) });
  const waiting = await host!.client.lobbyWhere((list) => list.length === 2);
  assert.deepEqual(
    waiting.map((e) => [e.name, e.e2ee]),
    [["Early Bird", false], ["New Browser", true]],
  );
  host!.client.send({ type: "requireE2ee", required: true });
  const refused = await early.next("error");
  assert.deepEqual([refused.code, refused.inReplyTo], ["e2ee-required", "join"]);
  const after = await host!.client.lobbyWhere((list) => list.every((e) => e.name !== "Early Bird"));
  assert.deepEqual(after.map((e) => e.name), ["New Browser"]);
  host!.client.send({ type: "admit", participants: [after[0]!.id] });
  await capable.next("joined");
});

test("a server with E2EE switched off says so in welcome and lets no meeting require it", async () => {
  const off = await startServer({ meetings: { lobby: false, e2ee: false }, secret: SECRET });
  try {
    const client = await TestClient.connect(signalingUrl(off));
    assert.equal((await client.next("welcome")).e2ee, false);
    const room = newRoom();
    await client.join(room, "Ann", { moderatorKey: keyOf(room) });
    client.send({ type: "requireE2ee", required: true });
    assert.equal((await client.next("error")).code, "forbidden");
    await client.close();
  } finally {
    await off.close();
  }
});

test("a server with E2EE required (TREFF_E2EE=required) admits no browser without it, in any meeting, and no moderator can lift that", async () => {
  const strict = await startServer({ meetings: { lobby: false, e2ee: "required" }, secret: SECRET });
  try {
    const room = newRoom();
    const host = await TestClient.connect(signalingUrl(strict));
    assert.equal((await host.next("welcome")).e2ee, true);
    await host.join(room, "Ann", { moderatorKey: keyOf(room), publicKey: publicKey(1) });
    const plainModerator = await TestClient.connect(signalingUrl(strict));
    await plainModerator.next("welcome");
    plainModerator.sendJoin(room, "Old Browser", { moderatorKey: keyOf(room) });
    assert.equal((await plainModerator.next("error")).code, "e2ee-required", "not even with a moderator key");
    host.send({ type: "requireE2ee", required: false });
    assert.equal((await host.next("error")).code, "forbidden");
    const plainInOtherRoom = await TestClient.connect(signalingUrl(strict));
    await plainInOtherRoom.next("welcome");
    plainInOtherRoom.sendJoin(newRoom(), "Elsewhere");
    assert.equal((await plainInOtherRoom.next("error")).code, "e2ee-required", "every meeting of the server");
    const capable = await TestClient.connect(signalingUrl(strict));
    await capable.next("welcome");
    assert.equal((await capable.join(room, "Ben", { publicKey: publicKey(2) })).role, "participant");
    for (const c of [host, plainModerator, plainInOtherRoom, capable]) await c.close();
  } finally {
    await strict.close();
  }
});
