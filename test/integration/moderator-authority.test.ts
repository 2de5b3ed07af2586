/**
 * Who can become a moderator, against the real server (docs/security.md):
 * only a meeting's creator, someone a moderator promoted, or an operator's
 * token holder; promoted keys are their own and die with the meeting;
 * demotion and removal shut a key out for the rest of the meeting.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { TreffServer } from "../../src/server/app.js";
import { ModeratorKeys, deriveSecret } from "../../src/meeting/moderator-keys.js";
import { ownerKey } from "../helpers/moderator-keys.js";
import { TestClient } from "./client.js";
import { newRoom, useSharedServer, waitUntilIdle, welcomedClient } from "./server.js";

const SECRET = "a-test-secret-of-enough-length";
const keys = new ModeratorKeys(deriveSecret(Buffer.from(SECRET), "moderator-keys"));

let server: TreffServer;
useSharedServer((s) => (server = s), { meetings: { lobby: true }, secret: SECRET });

const connect = () => welcomedClient(server);

async function createMeeting(name?: string): Promise<{ room: string; moderatorKey: string }> {
  const response = await fetch(`${server.url}/api/meetings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(name === undefined ? {} : { name }),
  });
  assert.equal(response.status, 200);
  return (await response.json()) as { room: string; moderatorKey: string };
}

/** A guest knocks and `host` lets them in; resolves with the guest and their resume token. */
async function letIn(host: TestClient, room: string, name: string, extra: { moderatorKey?: string } = {}) {
  const client = await connect();
  await client.knock(room, name, extra);
  host.send({ type: "admit", participants: [await host.waitingId(name)] });
  const joined = await client.next("joined");
  return { client, id: joined.participantId, resumeToken: joined.resumeToken };
}

test("a guest who asks the creation API for a running meeting's name gets another room and no rights in this one", async () => {
  const meeting = await createMeeting();
  const host = await connect();
  assert.equal((await host.join(meeting.room, "Hana", { moderatorKey: meeting.moderatorKey })).role, "moderator");

  // The attack of the security review: POST the room name from the invite link.
  const attack = await createMeeting(meeting.room);
  assert.notEqual(attack.room, meeting.room);
  assert.equal(keys.verify(meeting.room, attack.moderatorKey), undefined);
  const guest = await connect();
  assert.deepEqual(await guest.knock(meeting.room, "Mallory", { moderatorKey: attack.moderatorKey }), { type: "lobby", hostPresent: true });
  await host.waitingId("Mallory");
});

test("a promoted moderator gets a key of their own, which dies with the meeting", async () => {
  const meeting = await createMeeting();
  const host = await connect();
  await host.join(meeting.room, "Hana", { moderatorKey: meeting.moderatorKey });
  const pat = await letIn(host, meeting.room, "Pat");
  host.send({ type: "moderate", participant: pat.id, action: "make-moderator" });
  const { moderatorKey: patKey } = await pat.client.next("roleChanged");
  const claims = keys.verify(meeting.room, patKey);
  assert.equal(claims?.grant, "promoted");
  assert.notEqual(claims?.id, keys.verify(meeting.room, meeting.moderatorKey)?.id, "never the owner's key");

  // While this run of the meeting lasts, the key makes its holder a moderator.
  const patAgain = await connect();
  assert.equal((await patAgain.join(meeting.room, "Pat (phone)", { moderatorKey: patKey })).role, "moderator");

  // Everyone leaves: the meeting is over. Next week, the same key is a guest's.
  for (const c of [host, pat.client, patAgain]) await c.close();
  await waitUntilIdle(server);
  const hostNextWeek = await connect();
  await hostNextWeek.join(meeting.room, "Hana", { moderatorKey: meeting.moderatorKey });
  const patNextWeek = await connect();
  assert.deepEqual(await patNextWeek.knock(meeting.room, "Pat", { moderatorKey: patKey }), { type: "lobby", hostPresent: true });
});

test("demote: the rights go at once, the key stops working, a reload comes back as a participant", async () => {
  const meeting = await createMeeting();
  const host = await connect();
  const hostJoined = await host.join(meeting.room, "Hana", { moderatorKey: meeting.moderatorKey });
  const pat = await letIn(host, meeting.room, "Pat");
  host.send({ type: "moderate", participant: pat.id, action: "make-moderator" });
  const { moderatorKey: patKey } = await pat.client.next("roleChanged");

  host.send({ type: "moderate", participant: pat.id, action: "demote" });
  assert.deepEqual(await pat.client.next("roleChanged", { where: (m) => m.role === "participant" }), { type: "roleChanged", role: "participant" });
  const seen = await host.next("participantUpdated", { where: (m) => m.participant.id === pat.id && m.participant.role === "participant" });
  assert.equal(seen.participant.role, "participant");
  pat.client.send({ type: "lock", locked: true });
  assert.equal((await pat.client.next("error")).code, "forbidden");

  // Nobody takes their own rights away (a meeting must not lose its last moderator by a slip).
  host.send({ type: "moderate", participant: hostJoined.participantId, action: "demote" });
  assert.equal((await host.next("error")).code, "forbidden");

  const withKey = await connect();
  assert.deepEqual(await withKey.knock(meeting.room, "Pat", { moderatorKey: patKey }), { type: "lobby", hostPresent: true });
  await pat.client.close();
  const reloaded = await connect();
  const back = await reloaded.join(meeting.room, "Pat", { resumeToken: pat.resumeToken, moderatorKey: patKey });
  assert.deepEqual([back.participantId, back.role, back.moderatorKey], [pat.id, "participant", undefined]);
});

test("removing a moderator keeps their key out for the rest of the meeting; other keys still work", async () => {
  const room = newRoom();
  const hostKey = ownerKey(SECRET, room);
  const coHostKey = ownerKey(SECRET, room);
  const host = await connect();
  await host.join(room, "Hana", { moderatorKey: hostKey });
  const coHost = await connect();
  const coJoined = await coHost.join(room, "Mo", { moderatorKey: coHostKey });
  assert.equal(coJoined.role, "moderator");
  // The renewed key Mo got back is the same key (same id): removing Mo shuts out every copy.
  assert.equal(keys.verify(room, coJoined.moderatorKey)?.id, keys.verify(room, coHostKey)?.id);

  host.send({ type: "moderate", participant: coJoined.participantId, action: "remove" });
  assert.deepEqual(await coHost.next("farewell"), { type: "farewell", reason: "removed" });
  for (const key of [coHostKey, coJoined.moderatorKey!]) {
    const back = await connect();
    assert.deepEqual(await back.knock(room, "Mo", { moderatorKey: key }), { type: "lobby", hostPresent: true });
  }
  const hostOnPhone = await connect();
  assert.equal((await hostOnPhone.join(room, "Hana (phone)", { moderatorKey: hostKey })).role, "moderator");
});

test("a forged, truncated or other room's key is a guest's join; the server says nothing about why", async () => {
  const meeting = await createMeeting();
  const host = await connect();
  await host.join(meeting.room, "Hana", { moderatorKey: meeting.moderatorKey });
  const [prefix, payload, signature] = meeting.moderatorKey.split(".") as [string, string, string];
  const otherRoom = (await createMeeting()).moderatorKey;
  for (const [i, key] of [`${prefix}.${payload}.${signature.slice(0, -2)}AA`, `${prefix}.${payload}`, otherRoom, ownerKey("another-secret-of-enough-length", meeting.room)].entries()) {
    const guest = await connect();
    assert.deepEqual(await guest.knock(meeting.room, `Guest ${i}`, { moderatorKey: key }), { type: "lobby", hostPresent: true });
  }
});
