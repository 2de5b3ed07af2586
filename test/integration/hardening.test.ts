/**
 * What the security review asked to harden (docs/security.md), against the
 * real server and Janus: meeting passwords (length, guesses per meeting),
 * display names that cannot disguise themselves, TURN credentials only for
 * people let in, Janus rooms nobody but Treff can moderate or record, and
 * ICE candidates Janus never sees.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import type { LocalRoomRegistry } from "../../src/cluster/local-registry.js";
import { JanusError } from "../../src/media/janus/client.js";
import { ownerKey } from "../helpers/moderator-keys.js";
import { testMediaInterface, type TestServer } from "../helpers/server.js";
import { TestClient } from "./client.js";
import { publisherOffer } from "./sdp.js";
import { addresses, connectFrom as connectTo, newRoom, useServerBehindProxy } from "./server.js";

const SECRET = "hardening-test-secret-of-enough-length";
const TURN = { urls: ["turn:127.0.0.1:3478?transport=udp", "turns:127.0.0.1:5349?transport=tcp"], secret: "turn-secret-shared-with-coturn", ttlSeconds: 3600 };

let server: TestServer;
useServerBehindProxy((s) => (server = s), {
  secret: SECRET,
  meetings: { lobby: true },
  turn: TURN,
  // As in production: Janus gets no loopback candidate either.
  janus: { iceInterfaces: testMediaInterface(), allowLoopbackCandidates: false },
});

const freshAddress = addresses("203.0.113");

async function connectFrom(address = freshAddress()): Promise<TestClient> {
  const client = await connectTo(server, address);
  await client.next("welcome");
  return client;
}

/** A moderator of `room`: joined, with its roomState and lobby read. */
async function hostOf(room: string, name = "Hana") {
  const client = await connectFrom();
  const joined = await client.join(room, name, { moderatorKey: ownerKey(SECRET, room) });
  await client.next("roomState");
  await client.next("lobbyChanged");
  return { client, id: joined.participantId };
}

/** A guest `host` lets in; their id and `joined`. */
async function letIn(host: TestClient, room: string, name: string) {
  const client = await connectFrom();
  await client.knock(room, name);
  const waitingId = await host.waitingId(normalised(name));
  host.send({ type: "admit", participants: [waitingId] });
  const joined = await client.next("joined");
  return { client, joined };
}

/** What a name should look like to others (what the server must make of it, written out here by hand). */
const normalised = (name: string) => name.replace(/[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\u2028\u2029]/g, "").normalize("NFC").replace(/\s+/g, " ").trim();

test("meeting passwords have at least 8 characters: a shorter one is refused and changes nothing", async () => {
  const room = newRoom();
  const host = await hostOf(room);
  const { client: pat } = await letIn(host.client, room, "Pat");
  await pat.next("roomState");
  host.client.send({ type: "setPassword", password: "1234567" });
  const error = await host.client.next("error");
  assert.deepEqual([error.code, error.inReplyTo], ["bad-message", "setPassword"]);
  assert.match(error.message, /at least 8 characters/);
  await pat.expectNone("roomState", [host.client]);
  const guest = await connectFrom();
  assert.deepEqual(await guest.knock(room, "Gus"), { type: "lobby", hostPresent: true }, "no password was set");

  host.client.send({ type: "setPassword", password: "12345678" });
  assert.equal((await pat.next("roomState")).passwordSet, true);
});

test("wrong passwords are limited per meeting too: from many addresses together, 30 a minute", async () => {
  const room = newRoom();
  const host = await hostOf(room);
  host.client.send({ type: "setPassword", password: "correct horse battery" });
  await host.client.next("roomState");

  // Six addresses guess five times each: every address stays within its own limit of five.
  const guess = async (client: TestClient, password: string) => {
    client.sendJoin(room, "Guesser", { password });
    return (await client.next("error", { timeoutMs: 20_000 })).code;
  };
  const codes = await Promise.all(
    Array.from({ length: 6 }, async (_, a) => {
      const client = await connectFrom();
      const seen = [];
      for (let i = 0; i < 5; i++) seen.push(await guess(client, `guess ${a}-${i}`));
      return seen;
    }),
  );
  assert.deepEqual(codes.flat(), Array<string>(30).fill("wrong-password"));
  // A seventh address, with the right password: the meeting takes no more guesses for now.
  const seventh = await connectFrom();
  seventh.sendJoin(room, "Gus", { password: "correct horse battery" });
  assert.deepEqual(await seventh.next("error"), { type: "error", code: "too-many-attempts", message: "too many wrong passwords; wait a minute", inReplyTo: "join" });
  await host.client.expectNone("lobbyJoined", [seventh]);
  // Moderators are not held up, and another meeting is not affected.
  assert.equal((await (await connectFrom()).join(room, "Mo", { moderatorKey: ownerKey(SECRET, room) })).role, "moderator");
  const other = newRoom();
  const otherHost = await hostOf(other);
  otherHost.client.send({ type: "setPassword", password: "another password" });
  await otherHost.client.next("roomState");
  assert.deepEqual(await (await connectFrom()).knock(other, "Gus", { password: "another password" }), { type: "lobby", hostPresent: true });
});

test("display names arrive normalised: no bidi overrides, zero-width or separator characters, NFC, single spaces", async () => {
  const room = newRoom();
  const host = await hostOf(room);
  const names: [sent: string, shown: string][] = [
    ["Mallory\u202Egnp.exe", "Mallorygnp.exe"], // RIGHT-TO-LEFT OVERRIDE: would show "Malloryexe.png"
    ["\u2067Admin\u2069 \u200BHost\u200D\uFEFF", "Admin Host"], // isolates, zero-width space and joiner, BOM
    ["Jose\u0301", "Jos\u00e9"], // é as e + combining accent becomes one character
    ["  Ann \u2028\u00a0  Lee  ", "Ann Lee"],
  ];
  for (const [sent, shown] of names) {
    assert.equal(normalised(sent), shown, "the test's own expectation");
    const guest = await connectFrom();
    await guest.knock(room, sent);
    const entry = (await host.client.next("lobbyJoined")).entry;
    assert.equal(entry.name, shown, "in the lobby");
    host.client.send({ type: "admit", participants: [entry.id] });
    await guest.next("joined");
    assert.equal((await host.client.next("participantJoined")).participant.name, shown, "in the meeting");
    guest.send({ type: "chat", text: "hi" });
    assert.equal((await host.client.next("chat")).name, shown, "on chat messages");
  }
  // A name of nothing but hidden characters is no name.
  const invisible = await connectFrom();
  invisible.sendJoin(room, "\u202E\u200B\u2066");
  const error = await invisible.next("error");
  assert.deepEqual([error.code, error.message], ["bad-message", "name: a name is required"]);
});

test("no ICE servers in welcome or in the lobby; TURN credentials come in joined and probeServers, each valid for its purpose", async () => {
  const room = newRoom();
  const host = await hostOf(room);
  const guest = await connectFrom();
  await guest.knock(room, "Gus");
  assert.deepEqual(Object.keys(guest.frames[0] as object).sort(), ["e2ee", "mediaOffByDefault", "type", "version"], "welcome");
  assert.doesNotMatch(JSON.stringify(guest.frames), /iceServers|credential|turn:/, "nothing for a stranger with the link");

  const before = Math.floor(Date.now() / 1000);
  host.client.send({ type: "admit", participants: [await host.client.waitingId("Gus")] });
  const { iceServers } = await guest.next("joined");
  assertTurnCredential(iceServers, before + TURN.ttlSeconds);

  // The check gets a credential for ten minutes, not the meeting's six hours: on a fresh socket, without joining.
  const checker = await connectFrom();
  checker.send({ type: "probeServers" });
  assertTurnCredential((await checker.next("probeServers")).iceServers, before + 600);
});

/** One ICE server: Treff's TURN URLs with a credential coturn accepts (HMAC of the username) that expires at `expiry` (±5 s). */
function assertTurnCredential(iceServers: { urls: string[]; username?: string; credential?: string }[], expiry: number): void {
  assert.equal(iceServers.length, 1);
  const [server] = iceServers as [{ urls: string[]; username: string; credential: string }];
  assert.deepEqual(server.urls, TURN.urls);
  const [expires, id] = server.username.split(":");
  assert.ok(Math.abs(Number(expires) - expiry) <= 5, `expires at ${expires}, expected about ${expiry}`);
  assert.match(id!, /^[A-Za-z0-9_-]{8,}$/);
  assert.equal(server.credential, createHmac("sha1", TURN.secret).update(server.username).digest("base64"));
}

test("a Janus room cannot be moderated, edited, recorded or destroyed without its room secret, even with Janus' API secret", async () => {
  const room = newRoom();
  const host = await hostOf(room);
  host.client.send({ type: "publish", sdp: publisherOffer() });
  await host.client.next("publisherAnswer");

  // The media room behind the meeting, found through the registry (tests only: nothing else exposes it).
  const live = (server.registry as LocalRoomRegistry).room(room)!;
  const mediaRoom = (live.media as unknown as { room: { roomId: number; secret: string } }).room;
  const { feedId, mids } = live.members.get(host.id)!.media.participant;
  assert.equal(typeof mediaRoom.roomId, "number");
  assert.ok(mids.audio !== undefined && mids.video !== undefined);

  // Our own session on Treff's connection to Janus: it holds the API secret, as an attacker who got it would.
  const session = await server.janus.connection!.createSession();
  try {
    const videoroom = await session.attach("janus.plugin.videoroom");
    const listed = await videoroom.request({ request: "list" });
    assert.ok(!(listed.list as { room: number }[]).some((r) => r.room === mediaRoom.roomId), "the room is private: not listed");
    const attempts: Record<string, Record<string, unknown>> = {
      "enable_recording": { request: "enable_recording", room: mediaRoom.roomId, record: true },
      "moderate": { request: "moderate", room: mediaRoom.roomId, id: feedId, mid: mids.audio, mute: true },
      "kick": { request: "kick", room: mediaRoom.roomId, id: feedId },
      "edit": { request: "edit", room: mediaRoom.roomId, new_secret: "mine-now", new_lock_record: false },
      "destroy": { request: "destroy", room: mediaRoom.roomId },
    };
    for (const [what, request] of Object.entries(attempts)) {
      for (const secret of [undefined, "guessed", ""]) {
        const error = await videoroom.request({ ...request, ...(secret === undefined ? {} : { secret }) }).then(() => undefined, (e: unknown) => e);
        // VideoRoom: 429 "missing mandatory element (secret)", 433 "unauthorized (wrong secret)".
        const expected = secret === undefined ? 429 : 433;
        assert.ok(error instanceof JanusError && error.code === expected, `${what} with secret ${String(secret)}: ${String(error ?? "done")}`);
      }
    }
    // The requests were right in every other respect: with the room's secret, Janus does it.
    await videoroom.request({ request: "moderate", room: mediaRoom.roomId, id: feedId, mid: mids.audio, mute: false, secret: mediaRoom.secret });
  } finally {
    await session.destroy();
  }
  // The meeting goes on untouched: nobody was kicked or muted, the room still takes people.
  const { joined } = await letIn(host.client, room, "Pat");
  assert.deepEqual(
    joined.participants.map((p) => [p.name, p.audio]),
    [["Hana", true]],
  );
});

test("a ping right after a probe waits for the probe's answer or error; a probe Janus refuses does not bring the server down", async () => {
  // Before the fix, the second frame of a stranger's `probe` + `ping` with an offer Janus refuses
  // ended the whole process (an unhandled rejection).
  const stranger = await connectFrom();
  stranger.send({ type: "probe", sdp: "v=0\r\nnot an offer\r\n" });
  stranger.send({ type: "ping", id: 7 });
  assert.deepEqual((await stranger.nextOf(["error", "pong"], 15_000)).type, "error");
  assert.deepEqual(await stranger.next("pong"), { type: "pong", id: 7 });

  // In a meeting, too: the barrier covers the check.
  const room = newRoom();
  const host = await hostOf(room);
  host.client.send({ type: "probe", sdp: publisherOffer() });
  host.client.send({ type: "ping", id: 8 });
  assert.equal((await host.client.nextOf(["probeAnswer", "pong"], 15_000)).type, "probeAnswer");
  await host.client.next("pong");
  await hostOf(newRoom(), "Still here");
});

test("a guest in the lobby who sends join again still gets pongs; turned away, the held join does not knock again", async () => {
  const room = newRoom();
  const host = await hostOf(room);
  const guest = await connectFrom();
  await guest.knock(room, "Gus");
  const id = await host.client.waitingId("Gus");
  guest.sendJoin(room, "Gus"); // waits behind the first, as everything a waiting guest sends
  assert.deepEqual(await guest.barrier(), [], "the pong comes while the guest waits");

  // The guest does not answer the close that follows the farewell (its socket stays open for a
  // while): the join it sent while waiting must not put it back into the lobby meanwhile.
  guest.pauseReading();
  host.client.send({ type: "refuse", participant: id });
  await host.client.next("lobbyLeft");
  await host.client.expectNone("lobbyJoined");
  assert.equal((server.registry as LocalRoomRegistry).room(room)!.waiters.size, 0);
});

test("ICE candidates Janus must not use never reach it: mDNS names, loopback, link-local, privileged ports", async () => {
  const room = newRoom();
  const host = await hostOf(room);
  // Every request Treff sends to Janus from now on, as Janus receives it.
  const connection = server.janus.connection!;
  const sent: Record<string, unknown>[] = [];
  const original = connection.request.bind(connection);
  connection.request = (body, options) => {
    sent.push(body);
    return original(body, options);
  };
  try {
    const line = (address: string, port = 50_000) => `candidate:1 1 udp 2122260223 ${address} ${port} typ host generation 0`;
    const bad = [line("4e7c1b1e-8f00-4c2a-9d61-0d5a3b6c7e8f.local"), line("127.0.0.1"), line("::1"), line("169.254.10.20"), line("fe80::1"), line("192.0.2.44", 22)];
    const good = line("192.0.2.44");
    const offer = publisherOffer().replace("a=mid:0\r\n", `a=mid:0\r\n${[...bad, good].map((c) => `a=${c}\r\n`).join("")}`);
    host.client.send({ type: "publish", sdp: offer });
    await host.client.next("publisherAnswer");
    for (const candidate of [...bad, good]) host.client.send({ type: "trickle", target: "publisher", candidate: { candidate, sdpMid: "0", sdpMLineIndex: 0 } });
    await host.client.barrier();

    const published = sent.find((b) => b.janus === "message" && (b.body as { request?: string }).request === "publish");
    const sdp = (published?.jsep as { sdp: string }).sdp;
    assert.ok(sdp.includes(`a=${good}`), "the genuine candidate is in the offer Janus got");
    const trickled = sent.filter((b) => b.janus === "trickle").map((b) => (b.candidate as { candidate: string }).candidate);
    assert.deepEqual(trickled, [good], "only the genuine candidate was trickled");
    for (const candidate of bad) assert.ok(!sdp.includes(candidate), `not in the offer: ${candidate}`);
    assert.ok(host.client.isOpen);
    assert.ok(!host.client.messages.some((m) => m.type === "error"), "dropped without a word, as a lost candidate would be");
  } finally {
    connection.request = original;
  }
});
