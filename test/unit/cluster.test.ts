/**
 * The pure parts of running several nodes: where a new room goes, the
 * envelopes nodes relay for each other, a connection's messages held while
 * its room is found, and what the nodes derive from their shared secret;
 * and the local registry's hooks the Redis registry relies on.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { chooseNode } from "../../src/cluster/placement.js";
import type { LiveNode } from "../../src/cluster/node-registry.js";
import { RELAY_VERSION, decodeEnvelope, encodeEnvelope, type Envelope } from "../../src/cluster/relay-envelope.js";
import { PendingSignal } from "../../src/cluster/pending-signal.js";
import { ClusterSecrets } from "../../src/cluster/cluster-secrets.js";
import { LocalRoomRegistry } from "../../src/cluster/local-registry.js";
import { PROTOCOL_VERSION, type ClientMessage } from "../../src/protocol/messages.js";
import { RecordingLink, publicKey, testContext } from "../fakes/room-context.js";

const node = (id: string, load: Partial<LiveNode> = {}): LiveNode => ({
  id,
  v: 1,
  rooms: 0,
  participants: 0,
  publishers: 0,
  waiting: 0,
  cpuLoad: 0,
  maxRooms: 100,
  draining: false,
  mediaUp: true,
  ...load,
});

describe("chooseNode", () => {
  test("the node with the fewest participants, then the fewest rooms", () => {
    assert.equal(chooseNode([node("a", { participants: 12, rooms: 1 }), node("b", { participants: 4, rooms: 3 }), node("c", { participants: 4, rooms: 2 })], "a"), "c");
  });

  test("on a tie the node the person reached (no relay), else the lowest id, so every node agrees", () => {
    assert.equal(chooseNode([node("a"), node("b"), node("c")], "b"), "b");
    assert.equal(chooseNode([node("c"), node("b", { participants: 1 }), node("a")], "b"), "a");
  });

  test("never a draining node, one without its media server, or one that is full; none left: undefined", () => {
    const nodes = [node("a", { draining: true }), node("b", { mediaUp: false }), node("c", { rooms: 100, maxRooms: 100 }), node("d", { participants: 90 })];
    assert.equal(chooseNode(nodes, "a"), "d");
    assert.equal(chooseNode(nodes.slice(0, 3), "a"), undefined);
  });
});

describe("relay envelopes", () => {
  const join = { type: "join", version: PROTOCOL_VERSION, room: "r-1", name: "Ada" } as ClientMessage & { type: "join" };
  const roundTrip = (envelope: Envelope) => decodeEnvelope(encodeEnvelope(envelope));

  test("every kind survives the trip between nodes", () => {
    const cases: Envelope[] = [
      { t: "open", c: "c1", e: "edge", j: join, a: "addr" },
      { t: "msg", c: "c1", e: "edge", m: { type: "raiseHand", raised: true } },
      { t: "close", c: "c1", e: "edge", p: true },
      { t: "send", c: "c1", m: { type: "pong", id: 3 } },
      { t: "end", c: "c1", code: 1012, reason: "moved" },
    ];
    for (const envelope of cases) assert.deepEqual(roundTrip(envelope), envelope);
  });

  test("the client messages inside are checked against the protocol again; anything malformed is dropped", () => {
    const raw = (value: unknown) => decodeEnvelope(JSON.stringify(value));
    assert.equal(raw({ v: RELAY_VERSION, t: "msg", c: "c1", e: "edge", m: { type: "raiseHand", raised: "yes" } }), undefined);
    assert.equal(raw({ v: RELAY_VERSION, t: "open", c: "c1", e: "edge", j: { type: "chat", text: "hi" }, a: "x" }), undefined, "an open carries a join");
    assert.equal(raw({ v: RELAY_VERSION, t: "send", c: "c1", m: { type: "nonsense" } }), undefined);
    assert.equal(raw({ v: RELAY_VERSION + 1, t: "close", c: "c1", e: "edge", p: false }), undefined, "another version's envelope");
    assert.equal(raw({ v: RELAY_VERSION, t: "end", c: "c1", code: 80, reason: "" }), undefined);
    assert.equal(decodeEnvelope("{not json"), undefined);
    assert.equal(raw(null), undefined);
  });
});

describe("PendingSignal", () => {
  const recorder = () => {
    const seen: string[] = [];
    return { seen, signal: { send: (m: ClientMessage) => seen.push(m.type), close: (p: boolean) => seen.push(`close(${p})`) } };
  };

  test("holds messages until the room is found, then hands them over in order, and later ones straight away", () => {
    const pending = new PendingSignal();
    pending.send({ type: "publish", sdp: "v=0" });
    pending.send({ type: "ping", id: 1 });
    const { seen, signal } = recorder();
    pending.bind(signal);
    pending.send({ type: "raiseHand", raised: true });
    pending.close(false);
    assert.deepEqual(seen, ["publish", "ping", "raiseHand", "close(false)"]);
  });

  test("a close before the room is found is passed on after what was held, and tells the router not to bother", () => {
    const pending = new PendingSignal();
    pending.send({ type: "leave" });
    pending.close(true);
    assert.equal(pending.closed, true);
    const { seen, signal } = recorder();
    pending.bind(signal);
    assert.deepEqual(seen, ["leave", "close(true)"]);
  });

  test("after a failed routing nothing is kept or passed on", () => {
    const pending = new PendingSignal();
    pending.send({ type: "ping", id: 1 });
    pending.drop();
    pending.send({ type: "ping", id: 2 });
    const { seen, signal } = recorder();
    pending.bind(signal);
    assert.deepEqual(seen, []);
  });
});

describe("ClusterSecrets", () => {
  const secrets = new ClusterSecrets(Buffer.from("the-service-secret-0123456789"));

  test("room and address ids are the same on every node with the secret, and reveal nothing", () => {
    const other = new ClusterSecrets(Buffer.from("the-service-secret-0123456789"));
    assert.equal(secrets.roomId("elternabend"), other.roomId("elternabend"));
    assert.notEqual(secrets.roomId("elternabend"), secrets.roomId("elternabend2"));
    assert.ok(!secrets.roomId("elternabend").includes("elternabend"));
    assert.equal(secrets.addressId("192.0.2.0"), other.addressId("192.0.2.0"));
    assert.notEqual(secrets.addressId("192.0.2.0"), new ClusterSecrets(Buffer.from("another-secret-0123456789")).addressId("192.0.2.0"));
    assert.notEqual(secrets.addressId("192.0.2.0"), secrets.roomId("192.0.2.0"), "one purpose, one key");
  });

  test("a sealed state opens only with the secret and for the room it was sealed for", () => {
    const sealed = secrets.seal('{"known":[]}', "room-a");
    assert.ok(!sealed.includes("known"));
    assert.equal(secrets.open(sealed, "room-a"), '{"known":[]}');
    assert.equal(secrets.open(sealed, "room-b"), undefined, "moved to another room's key");
    assert.equal(new ClusterSecrets(Buffer.from("another-secret-0123456789")).open(sealed, "room-a"), undefined);
    const tampered = Buffer.from(sealed, "base64");
    tampered[tampered.length - 1]! ^= 1;
    assert.equal(secrets.open(tampered.toString("base64"), "room-a"), undefined);
    assert.equal(secrets.open("c2hvcnQ=", "room-a"), undefined);
  });
});

describe("LocalRoomRegistry", () => {
  test("a room whose first join is refused closes at once, and says it did not end a meeting", async () => {
    const closed: [string, boolean][] = [];
    const context = testContext({ policy: { e2ee: "required" } });
    const registry = new LocalRoomRegistry({ context, maxRooms: 10 }, { closed: (name, ended) => closed.push([name, ended]) });
    const link = new RecordingLink();
    registry.connect({ type: "join", version: PROTOCOL_VERSION, room: "r-1", name: "Old Browser" }, "a", link);
    await link.waitFor("error");
    await registry.room("r-1")?.queue.run(async () => {});
    assert.equal(registry.size, 0);
    assert.deepEqual(closed, [["r-1", false]]);

    const ada = new RecordingLink();
    const signal = registry.connect({ type: "join", version: PROTOCOL_VERSION, room: "r-2", name: "Ada", publicKey: publicKey(1) }, "a", ada);
    await ada.waitFor("joined");
    assert.deepEqual(registry.stats(), { rooms: 1, participants: 1, publishers: 0, waiting: 0 });
    signal.close(true);
    await waitFor(() => registry.size === 0);
    assert.deepEqual(closed.at(-1), ["r-2", true], "a meeting that ran and emptied ended");
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
