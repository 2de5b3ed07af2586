/**
 * The caps that keep one client, one network or a flood from taking the
 * whole server (docs/security.md, "Limits"), against the real server and
 * Janus, with small limits so each is reached quickly: connections per
 * address and server-wide, the lobby, knocks per address, meetings, a
 * receiver that does not read, the connectivity check per address, and the
 * log lines a client can cause.
 *
 * The server trusts X-Forwarded-For here, so each test speaks from
 * addresses of its own (a documentation range, never reached) and the
 * per-address limits of one test do not touch the next.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { CloseCode } from "../../src/protocol/messages.js";
import { ownerKey } from "../helpers/moderator-keys.js";
import type { TestServer } from "../helpers/server.js";
import { waitUntil } from "../helpers/wait.js";
import { TestClient } from "./client.js";
import { publisherOffer } from "./sdp.js";
import { addresses, connectFrom as connectTo, newRoom, useServerBehindProxy } from "./server.js";

const SECRET = "limits-test-secret-of-enough-length";
const LIMITS = { connectionsPerAddress: 4, connections: 12, rooms: 3, lobby: 2 };

let server: TestServer;
useServerBehindProxy((s) => (server = s), { secret: SECRET, meetings: { lobby: true }, limits: LIMITS });

/** An address no other test uses. */
const freshAddress = addresses("198.51.100");
const connectFrom = (address: string) => connectTo(server, address);

/** Connects from `address` and takes the welcome. */
async function guestFrom(address: string): Promise<TestClient> {
  const client = await connectFrom(address);
  await client.next("welcome");
  return client;
}

/** A moderator (owner key) in `room`, from an address of its own. */
async function hostOf(room: string, name = "Hana"): Promise<{ client: TestClient; id: string }> {
  const client = await guestFrom(freshAddress());
  const joined = await client.join(room, name, { moderatorKey: ownerKey(SECRET, room) });
  return { client, id: joined.participantId };
}

/** The over-limit socket: told `server-busy` (never welcomed), then closed with 1013. */
async function assertTurnedAway(client: TestClient, message: RegExp): Promise<void> {
  const error = await client.next("error");
  assert.equal(error.code, "server-busy");
  assert.match(error.message, message);
  assert.equal((await client.waitClosed()).code, CloseCode.tryAgainLater);
  assert.ok(!client.messages.some((m) => m.type === "welcome"), "never welcomed");
}

const connectionsAtServer = (n: number) =>
  waitUntil(`${n} connections at the server`, async () => server.signaling.connectionCount, (count) => count === n, 5_000, 20);

test("connections per address: the one over the limit hears server-busy and is closed with 1013; other addresses still connect", async () => {
  const address = freshAddress();
  const held = await Promise.all(Array.from({ length: LIMITS.connectionsPerAddress }, () => guestFrom(address)));
  await assertTurnedAway(await connectFrom(address), /too many connections from your network/);
  // Another address is not affected, and a freed slot is free again.
  await (await guestFrom(freshAddress())).close();
  await held[0]!.close();
  await connectionsAtServer(LIMITS.connectionsPerAddress - 1);
  await guestFrom(address);

  // A whole IPv6 /64 counts as one address: one customer's network, which a client fills at will.
  const net = "2001:db8:5:6";
  await Promise.all(Array.from({ length: LIMITS.connectionsPerAddress }, (_, i) => guestFrom(`${net}::${i + 1}`)));
  await assertTurnedAway(await connectFrom(`${net}:ffff:ffff:ffff:ffff`), /too many connections from your network/);
  await guestFrom("2001:db8:5:7::1");
});

test("server-wide connections: past the limit everyone hears server-busy, whatever their address", async () => {
  const open: TestClient[] = [];
  while (open.length < LIMITS.connections) {
    const address = freshAddress();
    for (let j = 0; j < 3 && open.length < LIMITS.connections; j++) open.push(await guestFrom(address));
  }
  await assertTurnedAway(await connectFrom(freshAddress()), /as many connections as it may take/);
  await open.pop()!.close();
  await connectionsAtServer(LIMITS.connections - 1);
  await guestFrom(freshAddress());
});

test("lobby-full: a lobby takes only so many guests; the moderator is not told of the one turned away", async () => {
  const room = newRoom();
  const host = await hostOf(room);
  const waiting = [];
  for (let i = 1; i <= LIMITS.lobby; i++) {
    const guest = await guestFrom(freshAddress());
    await guest.knock(room, `Guest ${i}`);
    waiting.push(guest);
  }
  for (let i = 1; i <= LIMITS.lobby; i++) await host.client.waitingId(`Guest ${i}`);
  const late = await guestFrom(freshAddress());
  late.sendJoin(room, "Late");
  assert.deepEqual(await late.next("error"), {
    type: "error",
    code: "lobby-full",
    message: "too many people are waiting to be let in; try again later",
    inReplyTo: "join",
  });
  assert.ok(late.isOpen, "the connection stays: the guest may try again");
  await host.client.expectNone("lobbyJoined", [late]);
  // When someone stops waiting, there is room again.
  await waiting[0]!.close();
  await host.client.lobbyWhere((list) => list.length === LIMITS.lobby - 1);
  assert.deepEqual(await late.knock(room, "Late"), { type: "lobby", hostPresent: true });
});

test("knocks per address are rate-limited: a burst, then one a second; other addresses and moderators are not held up", async () => {
  const room = newRoom();
  const address = freshAddress();
  const started = performance.now();
  let admittedKnocks = 0;
  let refusal: { code: string; message: string } | undefined;
  while (!refusal && admittedKnocks < 200) {
    const guest = await guestFrom(address);
    guest.sendJoin(room, "Knocker");
    const reply = await guest.nextOf(["lobby", "error"]);
    if (reply.type === "error") refusal = reply;
    else admittedKnocks++;
    await guest.close(); // out of the lobby again: the lobby limit is not what stops them
  }
  const seconds = (performance.now() - started) / 1000;
  assert.deepEqual(refusal, {
    type: "error",
    code: "rate-limited",
    message: "too many people from your network are knocking; try again in a minute",
    inReplyTo: "join",
  });
  // A burst of 60 (a school behind one NAT), then one a second (src/server/app.ts).
  assert.ok(admittedKnocks >= 60 && admittedKnocks <= 60 + Math.ceil(seconds) + 1, `${admittedKnocks} knocks in ${seconds.toFixed(1)} s`);

  const neighbour = await guestFrom(freshAddress());
  assert.deepEqual(await neighbour.knock(room, "Neighbour"), { type: "lobby", hostPresent: false });
  const host = await guestFrom(address);
  assert.equal((await host.join(room, "Hana", { moderatorKey: ownerKey(SECRET, room) })).role, "moderator");
});

test("meetings per server: the one too many gets server-busy; running meetings still take people", async () => {
  const rooms = Array.from({ length: LIMITS.rooms }, () => newRoom());
  const hosts = [];
  for (const room of rooms) hosts.push(await hostOf(room));
  const extra = newRoom();
  const refused = await guestFrom(freshAddress());
  refused.sendJoin(extra, "Hana", { moderatorKey: ownerKey(SECRET, extra) });
  assert.deepEqual(await refused.next("error"), {
    type: "error",
    code: "server-busy",
    message: "this server holds as many meetings as it may; try again later",
    inReplyTo: "join",
  });
  assert.equal(server.registry.size, LIMITS.rooms);
  const coHost = await guestFrom(freshAddress());
  assert.equal((await coHost.join(rooms[0]!, "Mo", { moderatorKey: ownerKey(SECRET, rooms[0]!) })).role, "moderator");

  // When a meeting ends, a new one can start.
  await hosts[1]!.client.close();
  await waitUntil("a meeting to end", async () => server.registry.size, (n) => n === LIMITS.rooms - 1, 5_000, 20);
  refused.sendJoin(extra, "Hana", { moderatorKey: ownerKey(SECRET, extra) });
  assert.equal((await refused.next("joined")).role, "moderator");
});

test("a receiver that never reads is cut once its send buffer is full; everyone else keeps getting every message", async () => {
  const room = newRoom();
  const key = ownerKey(SECRET, room);
  const join = async (name: string) => {
    const client = await guestFrom(freshAddress());
    return { client, id: (await client.join(room, name, { moderatorKey: key })).participantId };
  };
  const observer = await join("Olga");
  const slow = await join("Sleepy");
  const chatters = [await join("Chat 1"), await join("Chat 2"), await join("Chat 3")];
  slow.client.pauseReading();

  // Sealed chat of 12,000 characters goes to everyone: three senders fill a non-reader's buffer
  // within seconds, staying under the per-connection rate (a burst of 200, then 50 a second).
  const sealed = "A".repeat(12_000);
  let sent = 0;
  let stop = false;
  const flood = chatters.map(async ({ client }) => {
    for (let i = 0; !stop; i++) {
      client.send({ type: "sealedChat", keyId: 1, sealed });
      sent++;
      if (i >= 150) await new Promise((resolve) => setTimeout(resolve, 30));
    }
  });
  try {
    await observer.client.next("participantLeft", { where: (m) => m.participantId === slow.id, timeoutMs: 60_000 });
  } finally {
    stop = true;
    await Promise.all(flood);
  }
  // Everyone else is still here and got every message: once each sender's barrier is back, all
  // it sent has gone out to everyone, ahead of the observer's own pong.
  for (const { client } of [...chatters, observer]) await client.barrier(20_000);
  for (const { client } of [observer, ...chatters]) {
    assert.ok(client.isOpen);
    assert.equal(client.messages.filter((m) => m.type === "sealedChat").length, sent, "every chat message arrived");
  }
  slow.client.resumeReading();
  assert.equal((await slow.client.waitClosed(10_000)).code, 1006, "cut without a closing handshake");
  assert.ok(sent * sealed.length > 4 * 1024 * 1024, `the flood passed the 4 MiB limit (${sent} messages)`);
});

test("connectivity check: probeServers is rate-limited per address", async () => {
  const client = await guestFrom(freshAddress());
  // A burst of 8, then one every six seconds (src/server/signaling.ts).
  for (let i = 0; i < 9; i++) client.send({ type: "probeServers" });
  for (let i = 0; i < 8; i++) await client.next("probeServers");
  assert.deepEqual(await client.next("error"), {
    type: "error",
    code: "rate-limited",
    message: "too many connectivity checks from your network; wait a minute",
    inReplyTo: "probeServers",
  });
  assert.ok(client.isOpen);
  const neighbour = await guestFrom(freshAddress());
  neighbour.send({ type: "probeServers" });
  await neighbour.next("probeServers");
});

test("connectivity check: two probes at once per address; the third waits for one to end, others are not held up", async () => {
  const address = freshAddress();
  const probe = async (client: TestClient) => {
    client.send({ type: "probe", sdp: publisherOffer() });
    return client.nextOf(["probeAnswer", "error"], 15_000);
  };
  const first = await guestFrom(address);
  const second = await guestFrom(address);
  assert.equal((await probe(first)).type, "probeAnswer");
  assert.equal((await probe(second)).type, "probeAnswer");
  // One at a time per connection…
  assert.deepEqual(await probe(second), {
    type: "error",
    code: "out-of-order",
    message: "a connectivity check is already running on this connection",
    inReplyTo: "probe",
  });
  // …and two per address.
  const third = await guestFrom(address);
  assert.deepEqual(await probe(third), {
    type: "error",
    code: "server-busy",
    message: "a connectivity check from your network is still running",
    inReplyTo: "probe",
  });
  assert.equal((await probe(await guestFrom(freshAddress()))).type, "probeAnswer", "another network checks at once");
  await first.close();
  await waitUntil("the first probe to end", async () => (await probe(third)).type, (type) => type === "probeAnswer", 10_000, 200);
});

test("warn lines a client causes are rate-limited: failed requests per connection, Janus' errors overall; malformed messages write none", async () => {
  const room = newRoom();
  const { client } = await hostOf(room);
  const lines = (msg: string) => server.logLines.filter((line) => line.includes('"level":"warn"') && line.includes(`"msg":"${msg}"`)).length;
  const before = { failed: lines("request failed"), janus: lines("janus") };
  const started = performance.now();
  // 60 offers Janus cannot parse: each is answered; Treff logs 5 (then one per 10 s), and of
  // Janus' two error lines per offer, 20 (then one a second) are warnings.
  for (let i = 0; i < 60; i++) client.send({ type: "publish", sdp: `v=0\r\njunk ${i}\r\n` });
  for (let i = 0; i < 60; i++) assert.equal((await client.next("error", { where: (m) => m.inReplyTo === "publish", timeoutMs: 20_000 })).code, "media-unavailable");
  await client.barrier();
  const seconds = Math.ceil((performance.now() - started) / 1000);
  const failed = lines("request failed") - before.failed;
  assert.ok(failed >= 1 && failed <= 5 + Math.ceil(seconds / 10), `${failed} 'request failed' lines for 60 failures in ${seconds} s`);
  const janus = await waitUntil("Janus' output to arrive", async () => lines("janus") - before.janus, (n) => n > 0, 5_000, 50);
  assert.ok(janus <= 20 + seconds + 1, `${janus} warn lines from Janus' errors for 60 unparsable offers in ${seconds} s`);

  // 90 malformed frames (under the 100 that close the connection): an error each, no log line.
  const afterFailures = lines("request failed");
  for (let i = 0; i < 90; i++) client.sendRaw(`{ not json ${i}`);
  for (let i = 0; i < 90; i++) await client.next("error", { where: (m) => m.code === "bad-json" });
  await client.barrier();
  assert.equal(lines("request failed"), afterFailures);
  assert.ok(!server.logLines.some((line) => line.includes("not json")), "nothing of a malformed message reaches the log");
  assert.ok(client.isOpen);
});
