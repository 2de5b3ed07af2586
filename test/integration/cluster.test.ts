/**
 * Several Treff nodes as one service (REDIS_URL), over the signaling
 * protocol: a real redis-server and real Treff nodes as child processes,
 * each with its own Janus. A room lives on the node its first person
 * reached; people on other nodes reach it through Redis; when its node dies
 * or is drained, it starts again on another node and everyone comes back
 * with their resume token, as who they were, without knocking again.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CloseCode, type ServerMessageOf } from "../../src/protocol/messages.js";
import { ClusterSecrets } from "../../src/cluster/cluster-secrets.js";
import { RecoverableState } from "../../src/meeting/recoverable-state.js";
import { clusterSecret, metric, startNode, startRedis, type RedisServer, type TreffNode } from "../helpers/cluster.js";
import { ownerKey } from "../helpers/moderator-keys.js";
import { waitUntil } from "../helpers/wait.js";
import { TestClient, closeAllClients } from "./client.js";
import { publisherOffer } from "./sdp.js";
import { newRoom } from "./server.js";

const wsUrl = (node: TreffNode) => `${node.url.replace(/^http/, "ws")}/ws`;
const connect = (node: TreffNode) => TestClient.connect(wsUrl(node));

/** Rejoins through `node` with the token from `joined`; the answer must be `joined` (not the lobby). */
async function resume(node: TreffNode, room: string, name: string, joined: ServerMessageOf<"joined">, extra: { moderatorKey?: string } = {}) {
  const client = await connect(node);
  const again = await client.join(room, name, { resumeToken: joined.resumeToken, publicKey: PUBLIC_KEY, ...extra });
  return { client, joined: again };
}

/** Any string the schema takes as an identity key: the server only relays it. */
const PUBLIC_KEY = Buffer.alloc(65, 4).toString("base64url");

describe("several nodes on one Redis", () => {
  const secret = clusterSecret();
  let redis: RedisServer;
  let a: TreffNode;
  let b: TreffNode;
  const env = { TREFF_LOBBY: "true" };
  /** Every node this file started, for the log check at the end. */
  const started: TreffNode[] = [];

  before(async () => {
    redis = await startRedis();
    [a, b] = await Promise.all([startNode({ redisUrl: redis.url, secret, env }), startNode({ redisUrl: redis.url, secret, env })]);
    started.push(a, b);
  });
  after(async () => {
    await closeAllClients();
    await Promise.all([a, b].map((node) => node?.stop()));
    await redis?.stop();
  });

  const room = newRoom("kollegium");
  const moderatorKey = () => ownerKey(secret, room);
  let mona: TestClient;
  let gustav: TestClient;
  let monaJoined: ServerMessageOf<"joined">;
  let gustavJoined: ServerMessageOf<"joined">;

  test("a person on another node reaches the room through Redis: lobby, moderator, chat, E2EE keys and media", async () => {
    mona = await connect(a);
    monaJoined = await mona.join(room, "Mona Moderatorin", { moderatorKey: moderatorKey(), publicKey: PUBLIC_KEY });
    assert.equal(monaJoined.role, "moderator");

    gustav = await connect(b);
    assert.deepEqual(await gustav.knock(room, "Gustav Gast", { publicKey: PUBLIC_KEY }), { type: "lobby", hostPresent: true });
    const waiting = await mona.waitingId("Gustav Gast");
    mona.send({ type: "admit", participants: [waiting] });
    gustavJoined = await gustav.next("joined");
    assert.equal(gustavJoined.participantId, waiting);
    assert.deepEqual(gustavJoined.participants.map((p) => p.name), ["Mona Moderatorin"]);

    gustav.send({ type: "chat", text: "Guten Morgen aus dem Lehrerzimmer" });
    const chat = await mona.next("chat");
    assert.deepEqual([chat.name, chat.text], ["Gustav Gast", "Guten Morgen aus dem Lehrerzimmer"]);
    mona.send({ type: "e2eeKeys", keyId: 1, sealed: { [gustavJoined.participantId]: "c2VhbGVkLWtleQ" } });
    assert.equal((await gustav.next("e2eeKey")).from, monaJoined.participantId);
    mona.send({ type: "setPassword", password: "Sesam öffne dich" });
    await gustav.next("roomState", { where: (s) => s.passwordSet });

    // The relayed connection publishes to the room's node's Janus.
    gustav.send({ type: "publish", sdp: publisherOffer() });
    assert.match((await gustav.next("publisherAnswer")).sdp, /^v=0/);
    await gustav.barrier();

    assert.deepEqual([await metric(a, "treff_rooms"), await metric(a, "treff_participants")], [1, 2], "the room lives on the first person's node");
    assert.deepEqual([await metric(b, "treff_rooms"), await metric(b, "treff_signaling_connections")], [0, 1], "the other node only carries Gustav's connection");
  });

  test("a pre-join screen on the other node hears that the meeting records (issue 16), and that it stopped", async () => {
    const asker = await connect(b);
    await asker.next("welcome");
    const ask = async () => {
      asker.send({ type: "meetingNotice", room });
      return (await asker.next("meetingNotice")).recording;
    };
    assert.equal(await ask(), false);
    mona.send({ type: "record", on: true });
    await gustav.next("recording", { where: (m) => m.by === monaJoined.participantId });
    // The room's node marks it in Redis when it renews its rooms (every 5 s).
    await waitUntil("node b to hear of the recording", ask, (recording) => recording, 15_000, 500);
    mona.send({ type: "record", on: false });
    await gustav.next("recording", { where: (m) => m.by === null });
    await waitUntil("node b to hear that it stopped", ask, (recording) => !recording, 15_000, 500);
    await asker.close();
  });

  test("Redis holds no name, chat, room name, address, token or password, and everything in it expires", async () => {
    const secrets = [monaJoined.resumeToken, gustavJoined.resumeToken, moderatorKey(), "Sesam öffne dich"];
    const personal = ["Mona", "Gustav", "Lehrerzimmer", room, "127.0.0.1", ...secrets];
    const keys = await redis.client.keys("*");
    assert.ok(keys.length >= 5, `nodes, node entries, the placement and the state are there: ${keys.join(", ")}`);
    const contents: string[] = [];
    for (const key of keys) {
      const type = await redis.client.type(key);
      const value = type === "set" ? (await redis.client.smembers(key)).join(" ") : ((await redis.client.get(key)) ?? "");
      contents.push(key, value);
      const ttl = await redis.client.pttl(key);
      assert.ok(ttl > 0 && ttl <= 60_000, `${key} expires (TTL ${ttl} ms)`);
    }
    for (const text of personal) assert.ok(!contents.some((c) => c.includes(text)), `Redis holds no '${text.slice(0, 12)}…'`);

    // The room's state is sealed with the nodes' secret; opened, it holds token hashes and the password's scrypt hash only.
    const cluster = new ClusterSecrets(Buffer.from(secret));
    const roomId = cluster.roomId(room);
    const opened = cluster.open((await redis.client.get(`treff:state:${roomId}`)) ?? "", roomId);
    const state = RecoverableState.parse(JSON.parse(opened ?? "null"));
    assert.equal(state.known.length, 2);
    assert.ok(state.password, "the password's hash is kept, so nobody needs it again after a move");
    for (const text of personal) assert.ok(!opened!.includes(text), `the sealed state holds no '${text.slice(0, 12)}…'`);
  });

  test("when the room's node dies, the room starts again on the other node and everyone is back as before, without knocking", async () => {
    const killedAt = Date.now();
    a.kill("SIGKILL");
    // Mona's connection ended with her node; Gustav's node tells his browser to rejoin.
    await mona.waitClosed();
    assert.equal((await gustav.waitClosed()).code, CloseCode.mediaRestart);
    const [back, gustavBack] = await Promise.all([
      resume(b, room, "Mona Moderatorin", monaJoined),
      resume(b, room, "Gustav Gast", gustavJoined),
    ]);
    const elapsed = Date.now() - killedAt;
    console.log(`# both back in the meeting on the surviving node ${elapsed} ms after their room's node was killed`);
    assert.ok(elapsed < 5_000, `back within 5 s (took ${elapsed} ms)`);
    assert.equal(back.joined.participantId, monaJoined.participantId);
    assert.equal(back.joined.role, "moderator");
    assert.ok(back.joined.moderatorKey, "the moderator keeps a key");
    assert.equal(gustavBack.joined.participantId, gustavJoined.participantId);
    assert.equal(gustavBack.joined.role, "participant");
    assert.equal((await gustavBack.client.next("roomState")).passwordSet, true, "the settings came along");
    assert.deepEqual([await metric(b, "treff_rooms"), await metric(b, "treff_participants")], [1, 2]);

    // Moderation works on the new node: a newcomer still needs the password and waits in the lobby.
    const newcomer = await connect(b);
    await newcomer.knock(room, "Nina Neu", { password: "Sesam öffne dich", publicKey: PUBLIC_KEY });
    assert.ok(await back.client.waitingId("Nina Neu"));
    mona = back.client;
    gustav = gustavBack.client;
    monaJoined = back.joined;
    gustavJoined = gustavBack.joined;
    await newcomer.close();
  });

  test("SIGTERM drains a node: it takes no new rooms, moves no one before the configured time, then its meetings move on", async () => {
    await closeAllClients();
    const drainSeconds = 4;
    const c = await startNode({ redisUrl: redis.url, secret, env: { ...env, TREFF_DRAIN_SECONDS: String(drainSeconds) } });
    started.push(c);
    try {
      const drained = newRoom("drained");
      const key = ownerKey(secret, drained);
      const host = await connect(c);
      const hostJoined = await host.join(drained, "Hanna Host", { moderatorKey: key, publicKey: PUBLIC_KEY });
      const guest = await connect(b);
      await guest.knock(drained, "Gerd Gast", { publicKey: PUBLIC_KEY });
      host.send({ type: "admit", participants: "all" });
      const guestJoined = await guest.next("joined");
      assert.equal(await metric(c, "treff_rooms"), 1, "the room lives on the idle node");

      const termAt = Date.now();
      c.kill("SIGTERM");
      await waitUntil("the node to drain", () => metric(c, "treff_node_draining"), (v) => v === 1);
      const health = await fetch(`${c.url}/healthz`);
      assert.deepEqual([health.status, await health.json()], [404, { ok: false, draining: true }], "the load balancer sends new people elsewhere");
      // A new meeting goes to another node.
      const roomsOnB = (await metric(b, "treff_rooms"))!;
      const other = await connect(c);
      const elsewhere = newRoom("elsewhere");
      await other.join(elsewhere, "Olga Other", { moderatorKey: ownerKey(secret, elsewhere), publicKey: PUBLIC_KEY });
      assert.equal(await metric(b, "treff_rooms"), roomsOnB + 1, "the new meeting was placed on the node that is not draining");
      await other.close();
      // Just before the configured time, both are still in, and the meeting still works.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, termAt + drainSeconds * 1000 - 700 - Date.now())));
      host.send({ type: "raiseHand", raised: true });
      await guest.next("participantUpdated", { where: (u) => u.participant.hand !== null });
      await Promise.all([host.barrier(), guest.barrier()]);
      assert.ok(host.isOpen && guest.isOpen, "nobody moved before the configured time");

      const [hostClosed, guestClosed] = await Promise.all([host.waitClosed(5_000), guest.waitClosed(5_000)]);
      assert.ok(Date.now() - termAt >= drainSeconds * 1000, "they moved at the configured time, not before");
      assert.equal(hostClosed.code, CloseCode.mediaRestart);
      assert.equal(guestClosed.code, CloseCode.mediaRestart);
      const [hostBack, guestBack] = await Promise.all([resume(b, drained, "Hanna Host", hostJoined), resume(b, drained, "Gerd Gast", guestJoined)]);
      assert.equal(hostBack.joined.role, "moderator");
      assert.equal(guestBack.joined.participantId, guestJoined.participantId);
      assert.deepEqual(await c.exited, { code: 0, signal: null }, "the drained node stopped by itself");
    } finally {
      await c.stop();
    }
  });

  test("no node logged a name, a room, a chat message or a client's address", () => {
    const lines = started.flatMap((node) => node.logLines).filter((line) => line.startsWith("{"));
    assert.ok(lines.some((line) => line.includes("a node is gone")), "the survivor noticed the dead node");
    for (const text of ["Mona", "Gustav", "Hanna", "Gerd", "Nina", "Olga", "Lehrerzimmer", "kollegium-", "drained-", "elsewhere-"]) {
      assert.deepEqual(lines.filter((line) => line.includes(text)), [], `no log line mentions '${text}'`);
    }
    // The nodes' own listening addresses are the only ones (the clients all came from 127.0.0.1 too).
    const withAddress = lines.filter((line) => line.includes("127.0.0.1") && !/"msg":"(treff is listening|metrics are served|starting treff)"/.test(line));
    assert.deepEqual(withAddress, []);
  });
});
