/**
 * Access control against the real server and its real Janus: moderators
 * (the moderator key from POST /api/meetings), the lobby, admitting and
 * refusing, moderator actions, lock, password, ending the meeting, chat,
 * and coming back with a resume token.
 *
 * Two servers: the main one (lobby on, open creation) for almost everything,
 * and a second one (meeting creation by token) for the creation API and the
 * password attempt limit, whose per-address count would otherwise spill into
 * the main server's password tests for a minute.
 */
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import type { TreffServer } from "../../src/server/app.js";
import { ownerKey } from "../helpers/moderator-keys.js";
import { ModeratorKeys, deriveSecret, type KeyGrant } from "../../src/meeting/moderator-keys.js";
import { CloseCode, type Participant, type Role } from "../../src/protocol/messages.js";
import { closeAllClients, TestClient } from "./client.js";
import { publisherOffer } from "./sdp.js";
import { newRoom, signalingUrl, startServer, waitUntilIdle } from "./server.js";
import { waitUntil } from "../helpers/wait.js";

const SECRET = "a-test-secret-of-enough-length";
const CREATION_SECRET = "a-creation-secret-of-enough-length";

let server: TreffServer;
/** Meeting creation by token; its own password attempt counter. */
let tokenServer: TreffServer;

/** The same secret as the servers: the same moderator keys. */
const keyOf = (room: string) => ownerKey(SECRET, room);
const keys = new ModeratorKeys(deriveSecret(Buffer.from(SECRET), "moderator-keys"));
/** What kind of moderator key `key` is in `room` (undefined: none that works there). */
const grantOf = (room: string, key: string | undefined): KeyGrant | undefined => keys.verify(room, key)?.grant;
/** Message types, without the pongs of barriers. */
const typesOf = (messages: readonly { type: string }[]) => messages.map((m) => m.type).filter((t) => t !== "pong");

/** A signaling connection whose `welcome` has been read. */
async function connect(on: TreffServer = server): Promise<TestClient> {
  const client = await TestClient.connect(signalingUrl(on));
  await client.next("welcome");
  return client;
}

before(async () => {
  [server, tokenServer] = await Promise.all([
    startServer({ meetings: { lobby: true }, secret: SECRET }),
    startServer({ meetings: { lobby: true, creation: "token", creationSecret: CREATION_SECRET }, secret: SECRET }),
  ]);
});

afterEach(async () => {
  await closeAllClients();
  await Promise.all([waitUntilIdle(server), waitUntilIdle(tokenServer)]);
});

after(async () => {
  await Promise.all([server?.close(), tokenServer?.close()]);
});

/** A participant as everyone else sees them right after they came in. */
const member = (id: string, name: string, role: Role = "participant", change: Partial<Participant> = {}): Participant => ({
  id,
  name,
  role,
  audio: true,
  video: true,
  publishing: false,
  screen: false,
  hand: null,
  publicKey: null,
  ...change,
});

const janusSessions = (on: TreffServer = server) => on.janus.connection?.sessions.size ?? 0;

interface Person {
  client: TestClient;
  id: string;
  resumeToken: string;
}

/** A moderator joins with the room's key; its roomState and lobbyChanged are read. */
async function hostJoins(room: string, name = "Hana", on: TreffServer = server): Promise<Person> {
  const client = await connect(on);
  const joined = await client.join(room, name, { moderatorKey: keyOf(room) });
  await client.next("roomState");
  await client.next("lobbyChanged");
  return { client, id: joined.participantId, resumeToken: joined.resumeToken };
}

/** A guest knocks; resolves once `moderator` sees them in the lobby, with the id they wait under. */
async function knocks(moderator: TestClient, room: string, name: string): Promise<{ client: TestClient; id: string }> {
  const client = await connect();
  await client.knock(room, name);
  return { client, id: await moderator.waitingId(name) };
}

/**
 * A guest knocks and the host admits them; the messages of admission are read
 * on both sides and, for `others`, the participantJoined.
 */
async function admitted(host: TestClient, room: string, name: string, others: TestClient[] = []): Promise<Person> {
  const { client, id } = await knocks(host, room, name);
  host.send({ type: "admit", participants: [id] });
  const joined = await client.next("joined");
  await client.next("roomState");
  await host.next("lobbyLeft", { where: (m) => m.participantId === id });
  for (const other of [host, ...others]) await other.next("participantJoined", { where: (m) => m.participant.id === id });
  return { client, id, resumeToken: joined.resumeToken };
}

/** Reads the farewell and the close that follows it. */
async function expectFarewell(client: TestClient, reason: "refused" | "removed" | "ended"): Promise<void> {
  assert.deepEqual(await client.next("farewell"), { type: "farewell", reason });
  const closed = await client.waitClosed();
  assert.equal(closed.code, CloseCode.farewell);
  assert.equal(closed.reason, reason);
  assert.equal(client.messages.at(-1)?.type, "farewell", "the farewell is the last message");
}

// --- joining --------------------------------------------------------------

test("a moderator with the key goes straight in: joined as moderator with the key, then roomState and the lobby", async () => {
  const room = newRoom();
  const host = await connect();
  const joined = await host.join(room, "Hana", { moderatorKey: keyOf(room) });
  assert.deepEqual(joined, {
    type: "joined",
    participantId: joined.participantId,
    role: "moderator",
    moderatorKey: joined.moderatorKey,
    resumeToken: joined.resumeToken,
    participants: [],
    iceServers: [],
  });
  assert.equal(grantOf(room, joined.moderatorKey), "owner", "the owner's key comes back renewed");
  assert.deepEqual(await host.next("roomState"), { type: "roomState", locked: false, passwordSet: false, multipleShares: false, e2eeRequired: false });
  assert.deepEqual(await host.next("lobbyChanged"), { type: "lobbyChanged", waiting: [] });
  assert.deepEqual(host.messages.map((m) => m.type), ["welcome", "joined", "roomState", "lobbyChanged"]);

  // A second moderator sees the first with its role.
  const second = await connect();
  const joinedSecond = await second.join(room, "Mo", { moderatorKey: keyOf(room) });
  assert.deepEqual(joinedSecond.participants, [member(joined.participantId, "Hana", "moderator")]);
  assert.deepEqual((await host.next("participantJoined")).participant, member(joinedSecond.participantId, "Mo", "moderator"));
});

test("a wrong moderator key, or another room's key, is a guest's join: the lobby", async () => {
  const room = newRoom();
  const host = await hostJoins(room);
  const wrong = await connect();
  assert.deepEqual(await wrong.knock(room, "Gus", { moderatorKey: keyOf(room).replace(/.(.{10})$/, (_, rest: string) => `${rest.startsWith("A") ? "B" : "A"}${rest}`) }), { type: "lobby", hostPresent: true });
  const other = await connect();
  assert.deepEqual(await other.knock(room, "Gia", { moderatorKey: keyOf(newRoom()) }), { type: "lobby", hostPresent: true });
  await host.client.waitingId("Gia");
});

test("a guest waits in the lobby: told only whether a host is present, shown no one, no chat, no news", async () => {
  const room = newRoom();
  const host = await hostJoins(room);
  const pat = await admitted(host.client, room, "Pat");

  const guest = await connect();
  await guest.knock(room, "Gus");
  assert.deepEqual(guest.frames[1], { type: "lobby", hostPresent: true }, "exactly this: no participant list, no id");
  const guestId = await host.client.waitingId("Gus");
  assert.deepEqual(host.client.messages.at(-1), { type: "lobbyJoined", entry: { id: guestId, name: "Gus", e2ee: false } });

  // Life in the meeting goes on without the guest hearing of it.
  host.client.send({ type: "chat", text: "welcome, Pat" });
  await host.client.next("chat");
  await pat.client.next("chat");
  host.client.send({ type: "mediaState", audio: false, video: true });
  await pat.client.next("participantUpdated");
  const late = await admitted(host.client, room, "Lea", [pat.client]);
  late.client.send({ type: "chat", text: "hi all" });
  await pat.client.next("chat");

  await guest.expectNothing([host.client, pat.client, late.client]);
  assert.deepEqual(typesOf(guest.frames as { type: string }[]), ["welcome", "lobby"]);
  assert.ok(!pat.client.messages.some((m) => m.type === "participantJoined" && m.participant.id === guestId));
  assert.ok(!host.client.messages.some((m) => m.type === "participantJoined" && m.participant.id === guestId));
  assert.ok(!pat.client.messages.some((m) => ["lobbyChanged", "lobbyJoined", "lobbyLeft"].includes(m.type)), "participants do not see the lobby");
});

test("a guest's pipelined publish waits in the lobby and is answered only after admission", async () => {
  const room = newRoom();
  const host = await hostJoins(room);
  const guest = await connect();
  guest.sendJoin(room, "Gus");
  guest.send({ type: "publish", sdp: publisherOffer() });
  assert.deepEqual(await guest.next("lobby"), { type: "lobby", hostPresent: true });
  const guestId = await host.client.waitingId("Gus");
  await guest.expectNothing([host.client]);

  host.client.send({ type: "admit", participants: [guestId] });
  const joined = await guest.next("joined");
  assert.deepEqual(joined, {
    type: "joined",
    participantId: guestId,
    role: "participant",
    resumeToken: joined.resumeToken,
    participants: [member(host.id, "Hana", "moderator")],
    iceServers: [],
  });
  assert.deepEqual(await guest.next("roomState"), { type: "roomState", locked: false, passwordSet: false, multipleShares: false, e2eeRequired: false });
  await guest.next("publisherAnswer");
  assert.deepEqual(typesOf(guest.messages).slice(0, 6), ["welcome", "lobby", "joined", "roomState", "videoLayers", "publisherAnswer"]);

  assert.deepEqual(await host.client.next("lobbyLeft"), { type: "lobbyLeft", participantId: guestId });
  assert.deepEqual(await host.client.next("participantJoined"), { type: "participantJoined", participant: member(guestId, "Gus") });
});

test("admit all lets everyone waiting in, in order of arrival", async () => {
  const room = newRoom();
  const host = await hostJoins(room);
  const { client: gus } = await knocks(host.client, room, "Gus");
  const gia = await connect();
  await gia.knock(room, "Gia");
  const waiting = await host.client.lobbyWhere((list) => list.length === 2);
  assert.deepEqual(waiting.map((e) => e.name), ["Gus", "Gia"]);
  const [gusId, giaId] = waiting.map((e) => e.id) as [string, string];

  host.client.send({ type: "admit", participants: "all" });
  const joinedGus = await gus.next("joined");
  const joinedGia = await gia.next("joined");
  assert.equal(joinedGus.participantId, gusId);
  assert.equal(joinedGia.participantId, giaId);
  assert.deepEqual(joinedGus.participants, [member(host.id, "Hana", "moderator")]);
  assert.deepEqual(joinedGia.participants, [member(host.id, "Hana", "moderator"), member(gusId, "Gus")]);
  assert.deepEqual((await gus.next("participantJoined")).participant, member(giaId, "Gia"));

  const hostNews = () => host.client.messages.slice(-4);
  await host.client.next("participantJoined", { where: (m) => m.participant.id === giaId });
  assert.deepEqual(hostNews(), [
    { type: "lobbyLeft", participantId: gusId },
    { type: "participantJoined", participant: member(gusId, "Gus") },
    { type: "lobbyLeft", participantId: giaId },
    { type: "participantJoined", participant: member(giaId, "Gia") },
  ]);
});

test("refuse: the guest gets farewell refused and close 4003; the moderators' lobby empties", async () => {
  const room = newRoom();
  const host = await hostJoins(room);
  const second = await hostJoins(room, "Mo");
  await host.client.next("participantJoined");
  const { client: guest, id: guestId } = await knocks(host.client, room, "Gus");
  await second.client.waitingId("Gus");

  host.client.send({ type: "refuse", participant: guestId });
  await expectFarewell(guest, "refused");
  assert.ok(!guest.messages.some((m) => m.type === "joined"));
  for (const moderator of [host.client, second.client]) {
    assert.deepEqual(await moderator.next("lobbyLeft"), { type: "lobbyLeft", participantId: guestId });
  }
  // Refusing someone no longer there does nothing.
  host.client.send({ type: "refuse", participant: guestId });
  await host.client.expectNothing();
});

test("hostPresent: false until the first moderator arrives, false again when the last one leaves", async () => {
  const room = newRoom();
  const guest = await connect();
  assert.deepEqual(await guest.knock(room, "Gus"), { type: "lobby", hostPresent: false });
  assert.equal(server.registry.size, 1, "the room exists while someone waits");
  assert.equal(janusSessions(), 0, "nobody is in: no media yet");

  const host = await connect();
  const joined = await host.join(room, "Hana", { moderatorKey: keyOf(room) });
  assert.deepEqual(joined.participants, [], "the lobby is not the meeting");
  assert.deepEqual(await guest.next("lobby"), { type: "lobby", hostPresent: true });
  const { waiting } = await host.next("lobbyChanged");
  assert.deepEqual(waiting.map((e) => e.name), ["Gus"]);

  await host.close();
  assert.deepEqual(await guest.next("lobby"), { type: "lobby", hostPresent: false });
  const again = await hostJoins(room, "Mo");
  assert.deepEqual(await guest.next("lobby"), { type: "lobby", hostPresent: true });
  again.client.send({ type: "admit", participants: [waiting[0]!.id] });
  assert.equal((await guest.next("joined")).role, "participant");
});

// --- moderator rights -------------------------------------------------------

test("every moderator message from a non-moderator is forbidden and changes nothing", async () => {
  const room = newRoom();
  const host = await hostJoins(room);
  const pat = await admitted(host.client, room, "Pat");
  const quinn = await admitted(host.client, room, "Quinn", [pat.client]);
  const { client: guest, id: guestId } = await knocks(host.client, room, "Gus");
  for (const c of [host.client, pat.client, quinn.client, guest]) c.discardUnread();

  const attempts = [
    { type: "admit", participants: [guestId] },
    { type: "admit", participants: "all" },
    { type: "refuse", participant: guestId },
    { type: "moderate", participant: host.id, action: "mute-audio" },
    { type: "moderate", participant: quinn.id, action: "stop-video" },
    { type: "moderate", participant: quinn.id, action: "remove" },
    { type: "moderate", participant: pat.id, action: "make-moderator" },
    { type: "moderate", participant: host.id, action: "demote" },
    { type: "lock", locked: true },
    { type: "setPassword", password: "open sesame" },
    { type: "setPassword", password: null },
    { type: "endMeeting" },
    { type: "record", on: true },
  ] as const;
  for (const attempt of attempts) {
    pat.client.send(attempt);
    assert.deepEqual(await pat.client.next("error"), {
      type: "error",
      code: "forbidden",
      message: "only moderators may do that",
      inReplyTo: attempt.type,
    });
  }

  // Nothing happened: nobody heard anything, nobody left, the guest still waits.
  for (const c of [host.client, pat.client, quinn.client, guest]) await c.expectNothing([pat.client]);
  for (const c of [host.client, pat.client, quinn.client, guest]) assert.ok(c.isOpen);
  // The meeting is still open, without a password, and Pat can still not admit anyone.
  const next = await connect();
  assert.deepEqual(await next.knock(room, "Gia"), { type: "lobby", hostPresent: true });
  const waiting = await host.client.lobbyWhere((list) => list.length === 2);
  assert.deepEqual(waiting, [
    { id: guestId, name: "Gus", e2ee: false },
    { id: waiting[1]!.id, name: "Gia", e2ee: false },
  ]);
  // And the host's rights still work.
  host.client.send({ type: "admit", participants: [guestId] });
  assert.equal((await guest.next("joined")).participantId, guestId);
});

test("mute-audio and stop-video: the target is told, everyone else sees the new state", async () => {
  const room = newRoom();
  const host = await hostJoins(room);
  const pat = await admitted(host.client, room, "Pat");
  const quinn = await admitted(host.client, room, "Quinn", [pat.client]);

  host.client.send({ type: "moderate", participant: pat.id, action: "mute-audio" });
  assert.deepEqual(await pat.client.next("moderated"), { type: "moderated", action: "mute-audio" });
  for (const other of [host.client, quinn.client]) {
    assert.deepEqual(await other.next("participantUpdated"), {
      type: "participantUpdated",
      participant: member(pat.id, "Pat", "participant", { audio: false }),
    });
  }

  host.client.send({ type: "moderate", participant: pat.id, action: "stop-video" });
  assert.deepEqual(await pat.client.next("moderated"), { type: "moderated", action: "stop-video" });
  for (const other of [host.client, quinn.client]) {
    assert.deepEqual(
      (await other.next("participantUpdated")).participant,
      member(pat.id, "Pat", "participant", { audio: false, video: false }),
    );
  }
  await pat.client.expectNone("participantUpdated", [host.client]);

  // The participant may switch them on again.
  pat.client.send({ type: "mediaState", audio: true, video: true });
  assert.deepEqual((await quinn.client.next("participantUpdated")).participant, member(pat.id, "Pat"));
});

test(
  "moderating someone who is not in the meeting is unknown-participant",
  async () => {
    const room = newRoom();
    const host = await hostJoins(room);
    const { client: guest, id: guestId } = await knocks(host.client, room, "Gus");
    for (const target of ["nobody", guestId]) {
      host.client.send({ type: "moderate", participant: target, action: "mute-audio" });
      const error = await host.client.next("error");
      assert.deepEqual([error.code, error.inReplyTo], ["unknown-participant", "moderate"]);
    }
  },
);

test("remove: farewell removed and 4003; the others see them leave; their resume token leads to the lobby", async () => {
  const room = newRoom();
  const host = await hostJoins(room);
  const pat = await admitted(host.client, room, "Pat");
  const quinn = await admitted(host.client, room, "Quinn", [pat.client]);

  host.client.send({ type: "moderate", participant: pat.id, action: "remove" });
  await expectFarewell(pat.client, "removed");
  for (const other of [host.client, quinn.client]) {
    assert.deepEqual(await other.next("participantLeft"), { type: "participantLeft", participantId: pat.id });
  }

  const back = await connect();
  assert.deepEqual(await back.knock(room, "Pat", { resumeToken: pat.resumeToken }), { type: "lobby", hostPresent: true });
  const waiting = await host.client.lobbyWhere((list) => list.length === 1);
  assert.equal(waiting[0]!.name, "Pat");
  await quinn.client.expectNone("participantJoined", [host.client, back]);
  assert.ok(!back.messages.some((m) => m.type === "joined"));
});

test("make-moderator: the new moderator learns the role and key, sees the lobby and can admit", async () => {
  const room = newRoom();
  const host = await hostJoins(room);
  const pat = await admitted(host.client, room, "Pat");
  const quinn = await admitted(host.client, room, "Quinn", [pat.client]);

  host.client.send({ type: "moderate", participant: pat.id, action: "make-moderator" });
  const roleChanged = await pat.client.next("roleChanged");
  assert.equal(roleChanged.role, "moderator");
  assert.equal(grantOf(room, roleChanged.moderatorKey), "promoted", "a key of their own, for this meeting, never the owner's");
  assert.deepEqual(await pat.client.next("lobbyChanged"), { type: "lobbyChanged", waiting: [] });
  for (const other of [host.client, quinn.client]) {
    assert.deepEqual(await other.next("participantUpdated"), {
      type: "participantUpdated",
      participant: member(pat.id, "Pat", "moderator"),
    });
  }

  const { client: guest, id: guestId } = await knocks(pat.client, room, "Gus");
  pat.client.send({ type: "admit", participants: [guestId] });
  const joined = await guest.next("joined");
  assert.deepEqual(joined.participants.map((p) => [p.name, p.role]), [
    ["Hana", "moderator"],
    ["Pat", "moderator"],
    ["Quinn", "participant"],
  ]);
  // The new moderator's other rights work too.
  pat.client.send({ type: "lock", locked: true });
  assert.deepEqual(await quinn.client.next("roomState"), { type: "roomState", locked: true, passwordSet: false, multipleShares: false, e2eeRequired: false });
});

test(
  "make-moderator: roleChanged arrives before the lobby list",
  async () => {
    const room = newRoom();
    const host = await hostJoins(room);
    const pat = await admitted(host.client, room, "Pat");
    host.client.send({ type: "moderate", participant: pat.id, action: "make-moderator" });
    await pat.client.next("roleChanged");
    await pat.client.next("lobbyChanged");
    const types = pat.client.messages.map((m) => m.type);
    assert.ok(types.indexOf("roleChanged") < types.indexOf("lobbyChanged"), types.join(", "));
  },
);

test(
  "a participant made moderator who reloads with the resume token alone is still a moderator",
  async () => {
    const room = newRoom();
    const host = await hostJoins(room);
    const pat = await admitted(host.client, room, "Pat");
    host.client.send({ type: "moderate", participant: pat.id, action: "make-moderator" });
    await pat.client.next("roleChanged");
    await pat.client.close();
    await host.client.next("participantLeft");
    const reloaded = await connect();
    const joined = await reloaded.join(room, "Pat", { resumeToken: pat.resumeToken });
    assert.equal(joined.participantId, pat.id);
    assert.equal(joined.role, "moderator");
    assert.equal(grantOf(room, joined.moderatorKey), "promoted");
  },
);

// --- lock and password ------------------------------------------------------

test("lock: roomState to the members; new guests are refused with locked; moderators with the key still get in", async () => {
  const room = newRoom();
  const host = await hostJoins(room);
  const pat = await admitted(host.client, room, "Pat");
  const { client: waiting, id: waitingGuestId } = await knocks(host.client, room, "Gus");

  host.client.send({ type: "lock", locked: true });
  for (const c of [host.client, pat.client]) {
    assert.deepEqual(await c.next("roomState"), { type: "roomState", locked: true, passwordSet: false, multipleShares: false, e2eeRequired: false });
  }
  await waiting.expectNone("roomState", [host.client]);

  const late = await connect();
  late.sendJoin(room, "Lea");
  assert.deepEqual(await late.next("error"), { type: "error", code: "locked", message: "this meeting is locked", inReplyTo: "join" });
  await late.expectNone("lobby");
  await host.client.expectNone("lobbyJoined", [late]);

  const second = await connect();
  const joined = await second.join(room, "Mo", { moderatorKey: keyOf(room) });
  assert.equal(joined.role, "moderator");
  assert.deepEqual(await second.next("roomState"), { type: "roomState", locked: true, passwordSet: false, multipleShares: false, e2eeRequired: false });

  // Someone admitted before comes back with the resume token despite the lock.
  await pat.client.close();
  const patBack = await connect();
  assert.equal((await patBack.join(room, "Pat", { resumeToken: pat.resumeToken })).participantId, pat.id);
  // Whoever already waited may still be let in.
  host.client.send({ type: "admit", participants: [waitingGuestId] });
  assert.equal((await waiting.next("joined")).participantId, waitingGuestId);

  host.client.send({ type: "lock", locked: false });
  assert.deepEqual(await patBack.next("roomState", { where: (m) => !m.locked }), { type: "roomState", locked: false, passwordSet: false, multipleShares: false, e2eeRequired: false });
  assert.deepEqual(await late.knock(room, "Lea"), { type: "lobby", hostPresent: true });
});

test("setPassword: roomState; no password, then a wrong one, are refused; the right one leads to the lobby; null removes it", async () => {
  const room = newRoom();
  const host = await hostJoins(room);
  const pat = await admitted(host.client, room, "Pat");

  host.client.send({ type: "setPassword", password: "open sesame" });
  for (const c of [host.client, pat.client]) {
    assert.deepEqual(await c.next("roomState"), { type: "roomState", locked: false, passwordSet: true, multipleShares: false, e2eeRequired: false });
  }

  const guest = await connect();
  guest.sendJoin(room, "Gus");
  assert.deepEqual(await guest.next("error"), {
    type: "error",
    code: "password-required",
    message: "this meeting needs a password",
    inReplyTo: "join",
  });
  guest.sendJoin(room, "Gus", { password: "open sesame?" });
  assert.deepEqual(await guest.next("error"), {
    type: "error",
    code: "wrong-password",
    message: "that is not the meeting's password",
    inReplyTo: "join",
  });
  await host.client.expectNone("lobbyJoined", [guest]);
  assert.deepEqual(await guest.knock(room, "Gus", { password: "open sesame" }), { type: "lobby", hostPresent: true });
  await host.client.waitingId("Gus");

  // Moderators need no password.
  const second = await connect();
  assert.equal((await second.join(room, "Mo", { moderatorKey: keyOf(room) })).role, "moderator");

  host.client.send({ type: "setPassword", password: null });
  assert.deepEqual(await pat.client.next("roomState", { where: (m) => !m.passwordSet }), { type: "roomState", locked: false, passwordSet: false, multipleShares: false, e2eeRequired: false });
  const next = await connect();
  assert.deepEqual(await next.knock(room, "Gia"), { type: "lobby", hostPresent: true });
});

test("the sixth wrong password from one address within a minute is refused even when it is right", async () => {
  // On its own server: the attempt count is per address and server-wide.
  const room = newRoom();
  const host = await hostJoins(room, "Hana", tokenServer);
  host.client.send({ type: "setPassword", password: "open sesame" });
  await host.client.next("roomState");

  const guest = await connect(tokenServer);
  for (let i = 1; i <= 5; i++) {
    guest.sendJoin(room, "Gus", { password: `guess ${i}` });
    assert.equal((await guest.next("error")).code, "wrong-password", `attempt ${i}`);
  }
  guest.sendJoin(room, "Gus", { password: "open sesame" });
  assert.deepEqual(await guest.next("error"), {
    type: "error",
    code: "too-many-attempts",
    message: "too many wrong passwords; wait a minute",
    inReplyTo: "join",
  });
  // From another connection of the same address, too.
  const again = await connect(tokenServer);
  again.sendJoin(room, "Gus", { password: "open sesame" });
  assert.equal((await again.next("error")).code, "too-many-attempts");
  await host.client.expectNone("lobbyJoined", [guest, again]);
  // Moderators are not held up by it.
  const second = await connect(tokenServer);
  assert.equal((await second.join(room, "Mo", { moderatorKey: keyOf(room) })).role, "moderator");
});

// --- ending, chat -----------------------------------------------------------

test("endMeeting: everyone, the lobby included, gets farewell ended and 4003; nothing is left behind", async () => {
  const sessionsBefore = janusSessions();
  const room = newRoom();
  const host = await hostJoins(room);
  const pat = await admitted(host.client, room, "Pat");
  pat.client.send({ type: "publish", sdp: publisherOffer() });
  await pat.client.next("publisherAnswer");
  const { client: guest } = await knocks(host.client, room, "Gus");
  assert.ok(janusSessions() > sessionsBefore);

  host.client.send({ type: "endMeeting" });
  await Promise.all([expectFarewell(host.client, "ended"), expectFarewell(pat.client, "ended"), expectFarewell(guest, "ended")]);
  await waitUntil(
    "the room and its media to be gone",
    async () => ({ rooms: server.registry.size, sessions: janusSessions() }),
    (s) => s.rooms === 0 && s.sessions === sessionsBefore,
    5_000,
    20,
  );

  // The name is free: whoever comes next finds an empty meeting.
  const next = await connect();
  assert.deepEqual(await next.knock(room, "Gia"), { type: "lobby", hostPresent: false });
  const stale = await connect();
  assert.deepEqual(await stale.knock(room, "Hana", { resumeToken: host.resumeToken }), { type: "lobby", hostPresent: false });
});

test("chat: trimmed text to every member, the sender included, with sender, name and time; never to the lobby", async () => {
  const room = newRoom();
  const host = await hostJoins(room);
  const pat = await admitted(host.client, room, "Pat");
  const guest = await connect();
  await guest.knock(room, "Gus");

  const before = Date.now();
  pat.client.send({ type: "chat", text: "  Hallo zusammen \n" });
  const received = await Promise.all([host.client.next("chat"), pat.client.next("chat")]);
  const after = Date.now();
  for (const message of received) {
    assert.deepEqual(message, { type: "chat", from: pat.id, name: "Pat", text: "Hallo zusammen", at: message.at });
    assert.ok(message.at >= before && message.at <= after, `at ${message.at} within [${before}, ${after}]`);
  }

  pat.client.send({ type: "chat", text: "x".repeat(2001) });
  assert.deepEqual(await pat.client.next("error"), {
    type: "error",
    code: "bad-message",
    message: "text: messages have at most 2000 characters",
    inReplyTo: "chat",
  });
  pat.client.send({ type: "chat", text: "y".repeat(2000) });
  assert.equal((await host.client.next("chat")).text.length, 2000);
  await host.client.expectNone("chat", [pat.client]); // the long one was not relayed
  await guest.expectNone("chat");
});

// --- coming back, going away ------------------------------------------------

test("someone admitted once who reloads goes straight back in with the same id and role, past the lobby", async () => {
  const room = newRoom();
  const host = await hostJoins(room);
  const pat = await admitted(host.client, room, "Pat");
  host.client.discardUnread();

  // A reload: the old page's socket closes, then the new page joins with the token.
  await pat.client.close();
  assert.deepEqual(await host.client.next("participantLeft"), { type: "participantLeft", participantId: pat.id });
  const reloaded = await connect();
  const joined = await reloaded.join(room, "Pat", { resumeToken: pat.resumeToken });
  assert.deepEqual(joined, {
    type: "joined",
    participantId: pat.id,
    role: "participant",
    resumeToken: joined.resumeToken,
    participants: [member(host.id, "Hana", "moderator")],
    iceServers: [],
  });
  assert.notEqual(joined.resumeToken, pat.resumeToken);
  assert.deepEqual(await host.client.next("participantJoined"), { type: "participantJoined", participant: member(pat.id, "Pat") });
  await host.client.expectNone("lobbyJoined", [reloaded]);
  assert.ok(!reloaded.messages.some((m) => m.type === "lobby"));

  // The moderator reloads too, with the token alone: still a moderator, with the key.
  await host.client.close();
  await reloaded.next("participantLeft");
  const hostBack = await connect();
  const joinedHost = await hostBack.join(room, "Hana", { resumeToken: host.resumeToken });
  assert.deepEqual([joinedHost.participantId, joinedHost.role, grantOf(room, joinedHost.moderatorKey)], [host.id, "moderator", "owner"]);
  assert.deepEqual(await hostBack.next("lobbyChanged"), { type: "lobbyChanged", waiting: [] });

  // A takeover while the old socket is still open works the same way.
  const third = await connect();
  assert.equal((await third.join(room, "Pat", { resumeToken: joined.resumeToken })).participantId, pat.id);
  assert.equal((await reloaded.waitClosed()).code, CloseCode.replaced);
});

test("a guest who closes the socket while waiting disappears from the moderators' lobby list", async () => {
  const room = newRoom();
  const host = await hostJoins(room);
  const { client: gus, id: gusId } = await knocks(host.client, room, "Gus");
  const { client: gia, id: giaId } = await knocks(host.client, room, "Gia");

  await gus.close();
  assert.deepEqual(await host.client.next("lobbyLeft"), { type: "lobbyLeft", participantId: gusId });
  assert.deepEqual(host.client.lobby, [{ id: giaId, name: "Gia", e2ee: false }]);
  await gia.close();
  assert.deepEqual(await host.client.next("lobbyLeft"), { type: "lobbyLeft", participantId: giaId });
});

test(
  "a guest who sends leave while waiting is closed with 1000 and leaves the lobby list",
  async () => {
    const room = newRoom();
    const host = await hostJoins(room);
    const { client: guest, id: guestId } = await knocks(host.client, room, "Gus");
    guest.send({ type: "leave" });
    try {
      assert.equal((await guest.waitClosed(2_000)).code, 1000);
      assert.deepEqual(await host.client.next("lobbyLeft"), { type: "lobbyLeft", participantId: guestId });
    } finally {
      await guest.close(); // without the fix, the guest still waits
    }
  },
);

test(
  "a guest who closes the socket while the join is still being checked does not linger in the lobby",
  async () => {
    const room = newRoom();
    const host = await hostJoins(room);
    host.client.send({ type: "setPassword", password: "open sesame" });
    await host.client.next("roomState");
    const guest = await connect();
    guest.sendJoin(room, "Gus", { password: "open sesame" }); // scrypt: the check takes a while
    guest.ws.close(); // the close frame follows the join: the server sees both, the close first decided
    await guest.closed;
    // The join goes on at the server (scrypt) after the socket is gone: once it is decided, the
    // moderators hear of the knock, and the barrier then passes through the room's queue, after
    // whatever the closed connection's part there was (its giving up the wait).
    const ghost = (await host.client.next("lobbyJoined", { timeoutMs: 15_000 })).entry;
    assert.equal(ghost.name, "Gus");
    await host.client.barrier();
    // Clean up a ghost, if any, so the room can close after this test.
    if (host.client.lobby.length) host.client.send({ type: "refuse", participant: ghost.id });
    assert.deepEqual(host.client.lobby, [], "nobody lingers in the moderator's lobby list");
  },
);

test("more than 50 messages while waiting: the excess is rate-limited, the rest waits, the connection still works", async () => {
  const room = newRoom();
  const host = await hostJoins(room);
  const { client: guest, id: guestId } = await knocks(host.client, room, "Gus");

  for (let i = 0; i < 60; i++) guest.send({ type: "mediaState", audio: i % 2 === 1, video: true });
  const errors = [];
  for (let i = 0; i < 10; i++) errors.push(await guest.next("error"));
  for (const error of errors) {
    assert.deepEqual(error, { type: "error", code: "rate-limited", message: "wait until you are let in before sending more" });
  }
  await guest.expectNothing();
  assert.ok(guest.isOpen);

  host.client.send({ type: "admit", participants: [guestId] });
  await guest.next("joined");
  // The 50 held messages were handled, in order: each switched the microphone.
  const audio: boolean[] = [];
  for (let i = 0; i < 50; i++) audio.push((await host.client.next("participantUpdated")).participant.audio);
  assert.deepEqual(audio, Array.from({ length: 50 }, (_, i) => i % 2 === 1));
  await host.client.expectNone("participantUpdated", [guest]);

  // Nothing is held any more: messages flow as usual.
  for (let i = 0; i < 5; i++) guest.send({ type: "mediaState", audio: false, video: i % 2 === 0 });
  guest.send({ type: "chat", text: "still here" });
  assert.equal((await guest.next("chat")).text, "still here");
  await guest.expectNone("error");
});

// --- HTTP -------------------------------------------------------------------

test("POST /api/meetings returns an unguessable room and its moderator key; the key makes its holder moderator", async () => {
  const response = await fetch(`${server.url}/api/meetings`, { method: "POST" });
  assert.equal(response.status, 200);
  const body = (await response.json()) as { room: string; moderatorKey: string };
  assert.deepEqual(Object.keys(body).sort(), ["e2ee", "moderatorKey", "room"]);
  assert.match(body.room, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(grantOf(body.room, body.moderatorKey), "owner");

  const host = await connect();
  assert.equal((await host.join(body.room, "Hana", { moderatorKey: body.moderatorKey })).role, "moderator");

  const name = newRoom("weekly");
  const named = await fetch(`${server.url}/api/meetings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  const first = (await named.json()) as { room: string; moderatorKey: string };
  assert.match(first.room, new RegExp(`^${name}-[A-Za-z0-9_-]{22}$`));
  const again = await fetch(`${server.url}/api/meetings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  assert.equal(again.status, 200, "asking again is no error: it is another meeting");
  const second = (await again.json()) as { room: string; moderatorKey: string };
  assert.notEqual(second.room, first.room);
  assert.equal(grantOf(first.room, second.moderatorKey), undefined);
});

test("with meeting creation by token: 401 without a valid token, 200 with one", async () => {
  const url = `${tokenServer.url}/api/meetings`;
  const none = await fetch(url, { method: "POST" });
  assert.equal(none.status, 401);
  assert.deepEqual(await none.json(), { error: "creating meetings needs a token" });

  const forged = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setExpirationTime("5m").sign(new TextEncoder().encode(SECRET));
  const bad = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${forged}` } });
  assert.equal(bad.status, 401);
  assert.deepEqual(await bad.json(), { error: "the token is not valid" });

  const token = await new SignJWT({ sub: "organiser" })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode(CREATION_SECRET));
  const ok = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${token}` } });
  assert.equal(ok.status, 200);
  const body = (await ok.json()) as { room: string; moderatorKey: string };
  assert.match(body.room, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(grantOf(body.room, body.moderatorKey), "owner");
});
