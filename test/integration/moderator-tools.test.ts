/**
 * The moderator messages of issue 13 against the real server and its real
 * Janus: `moderateAll`, `newcomerDefaults`, `lobbyMessage` and the
 * `stop-screen` action. Anyone but a moderator gets `forbidden` and nothing
 * happens; "mute everyone else" tells each person, shows them muted to all,
 * and holds their audio at the media server (that no packet arrives any
 * more is shown in real browsers: test/e2e/mute-enforced.test.ts).
 */
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import type { TreffServer } from "../../src/server/app.js";
import type { LocalRoomRegistry } from "../../src/cluster/local-registry.js";
import { ownerKey } from "../helpers/moderator-keys.js";
import { closeAllClients, TestClient } from "./client.js";
import { publisherOffer } from "./sdp.js";
import { newRoom, signalingUrl, startServer, waitUntilIdle } from "./server.js";

const SECRET = "a-test-secret-of-enough-length";
let server: TreffServer;

before(async () => {
  server = await startServer({ meetings: { lobby: true }, secret: SECRET });
});
afterEach(async () => {
  await closeAllClients();
  await waitUntilIdle(server);
});
after(async () => {
  await server?.close();
});

async function connect(): Promise<TestClient> {
  const client = await TestClient.connect(signalingUrl(server));
  await client.next("welcome");
  return client;
}

async function hostJoins(room: string): Promise<{ client: TestClient; id: string }> {
  const client = await connect();
  const joined = await client.join(room, "Hana", { moderatorKey: ownerKey(SECRET, room) });
  await client.next("roomState");
  await client.next("lobbyChanged");
  return { client, id: joined.participantId };
}

/** A guest the host lets in, who has published (so the media server holds their streams). */
async function admitted(host: TestClient, room: string, name: string) {
  const client = await connect();
  await client.knock(room, name);
  host.send({ type: "admit", participants: [await host.waitingId(name)] });
  const joined = await client.next("joined");
  await client.next("roomState");
  client.send({ type: "publish", sdp: publisherOffer() });
  await client.next("publisherAnswer");
  return { client, id: joined.participantId, joined };
}

/** What the media server lets through from `id`, as the room last asked it (tests only). */
function allowedAt(room: string, id: string) {
  const live = (server.registry as LocalRoomRegistry).room(room)!;
  const member = live.members.get(id)!;
  return { allowed: member.media.allowed, mids: member.media.participant.mids, muting: member.media.muting };
}

test("participants get forbidden for every new moderator message, and nothing happens", async () => {
  const room = newRoom();
  const host = await hostJoins(room);
  const pat = await admitted(host.client, room, "Pat");
  const quinn = await admitted(host.client, room, "Quinn");
  const guest = await connect();
  await guest.knock(room, "Gus");
  await host.client.waitingId("Gus");
  for (const c of [host.client, pat.client, quinn.client, guest]) c.discardUnread();

  const attempts = [
    { type: "moderateAll", action: "mute-audio" },
    { type: "moderateAll", action: "lower-hands" },
    { type: "moderateAll", action: "ask-unmute" },
    { type: "newcomerDefaults", muteMicrophones: true, cameraOff: true },
    { type: "lobbyMessage", text: "Go away" },
    { type: "moderate", participant: quinn.id, action: "stop-screen" },
  ] as const;
  for (const attempt of attempts) {
    pat.client.send(attempt);
    const error = await pat.client.next("error");
    assert.deepEqual([error.code, error.inReplyTo], ["forbidden", attempt.type]);
  }
  for (const c of [host.client, quinn.client, guest]) await c.expectNothing([pat.client]);
  assert.equal(allowedAt(room, quinn.id).allowed.audio, true);
});

test("mute everyone else: each is told, all see it, the media server holds it; the moderator keeps talking; unmuting is theirs", async () => {
  const room = newRoom();
  const host = await hostJoins(room);
  host.client.send({ type: "publish", sdp: publisherOffer() });
  await host.client.next("publisherAnswer");
  const pat = await admitted(host.client, room, "Pat");
  const quinn = await admitted(host.client, room, "Quinn");
  for (const c of [host.client, pat.client, quinn.client]) c.discardUnread();

  host.client.send({ type: "moderateAll", action: "mute-audio" });
  for (const target of [pat, quinn]) assert.deepEqual(await target.client.next("moderated"), { type: "moderated", action: "mute-audio" });
  for (const target of [pat, quinn]) {
    const seen = await host.client.next("participantUpdated", { where: (m) => m.participant.id === target.id });
    assert.equal(seen.participant.audio, false);
  }
  await host.client.expectNone("moderated", [host.client]);
  for (const target of [pat, quinn]) {
    const media = allowedAt(room, target.id);
    await media.muting;
    assert.ok(media.mids.audio !== undefined, "the media server holds their audio stream");
    assert.equal(media.allowed.audio, false, "and drops it");
  }
  assert.equal(allowedAt(room, host.id).allowed.audio, true, "the moderator is not muted");

  host.client.send({ type: "moderateAll", action: "ask-unmute" });
  for (const target of [pat, quinn]) assert.deepEqual(await target.client.next("moderated"), { type: "moderated", action: "ask-unmute" });
  await pat.client.barrier();
  assert.equal(allowedAt(room, pat.id).allowed.audio, false, "asking switches nothing on");

  pat.client.send({ type: "mediaState", audio: true, video: true });
  await pat.client.barrier();
  assert.equal(allowedAt(room, pat.id).allowed.audio, true);
});

test("lower all hands; newcomer defaults reach joined.startWith; a note reaches the lobby only", async () => {
  const room = newRoom();
  const host = await hostJoins(room);
  const pat = await admitted(host.client, room, "Pat");
  pat.client.send({ type: "raiseHand", raised: true });
  await host.client.next("participantUpdated", { where: (m) => m.participant.hand !== null });
  host.client.send({ type: "moderateAll", action: "lower-hands" });
  await pat.client.next("participantUpdated", { where: (m) => m.participant.id === pat.id && m.participant.hand === null });
  await host.client.next("participantUpdated", { where: (m) => m.participant.id === pat.id && m.participant.hand === null });

  host.client.send({ type: "newcomerDefaults", muteMicrophones: true, cameraOff: false });
  assert.deepEqual(await host.client.next("newcomerDefaults"), { type: "newcomerDefaults", muteMicrophones: true, cameraOff: false });
  const late = await admitted(host.client, room, "Late");
  assert.deepEqual(late.joined.startWith, { audio: false, video: true });
  await late.client.barrier();
  assert.equal(allowedAt(room, late.id).allowed.audio, false, "held at the media server from the start");
  await pat.client.expectNone("newcomerDefaults", [host.client]);

  const guest = await connect();
  await guest.knock(room, "Gus");
  await host.client.waitingId("Gus");
  host.client.send({ type: "lobbyMessage", text: "  We start in five minutes.  " });
  const note = await guest.next("lobbyMessage");
  assert.equal(note.text, "We start in five minutes.");
  await pat.client.expectNone("lobbyMessage", [host.client]);
  host.client.send({ type: "lobbyMessage", text: "x".repeat(281) });
  assert.equal((await host.client.next("error")).code, "bad-message");
});
