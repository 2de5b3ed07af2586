/**
 * The collaboration tools' transport and sync, on a fake content bus:
 * chunking and reassembly within limits, the yjs sync protocol (updates,
 * a newcomer's request and reply, what a returning page had), per-person
 * undo, "moderators only" enforced by each receiver, and malformed or
 * flooding input refused without touching anyone's board.
 */
import { mock, test } from "node:test";
import assert from "node:assert/strict";
import type { Participant, ParticipantId, Role } from "../../src/protocol/messages.js";
import { FrameError, FrameKind, MAX_MESSAGE_BYTES, Reassembly, decodeFrame, encodeFrame, split } from "../../src/client/collab/frames.js";
import { Collaboration } from "../../src/client/collab/collaboration.js";
import { BOARD_LAYER, type Shape } from "../../src/client/collab/whiteboard-model.js";
import { ContentBus } from "../fakes/content-bus.js";
import * as Y from "yjs";
import { DocSync } from "../../src/client/collab/doc-sync.js";
import type { TopicChannel } from "../../src/client/collab/channel.js";

// Refusals are also written to the console; the tests read them from onRefused instead.
mock.method(console, "warn", () => {});

const LIMITS = { maxBytes: 1_000_000, maxOpen: 2, timeoutMs: 60_000 };

function random(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 65_536) crypto.getRandomValues(bytes.subarray(i, i + 65_536));
  return bytes;
}

test("a message that fits goes as it is; a big one in chunks that come back whole, in any order", () => {
  const small = encodeFrame(FrameKind.update, random(1000));
  assert.deepEqual(split(small), [small]);
  const big = encodeFrame(FrameKind.file, random(300_000));
  const parts = split(big);
  assert.ok(parts.length >= 7 && parts.every((p) => p.length <= MAX_MESSAGE_BYTES));
  const reassembly = new Reassembly(LIMITS);
  const shuffled = [...parts].reverse();
  let whole: Uint8Array | undefined;
  for (const part of shuffled) {
    const frame = decodeFrame(part);
    assert.equal(frame.kind, FrameKind.chunk);
    assert.equal(whole, undefined);
    whole = reassembly.add("a", frame.body);
  }
  assert.deepEqual(whole, big);
  assert.equal(reassembly.pendingBytes(), 0);
});

test("reassembly refuses what is too large, too many transfers at once, and drops stale ones", () => {
  let now = 0;
  const reassembly = new Reassembly({ maxBytes: 100_000, maxOpen: 1, timeoutMs: 1_000 }, () => now);
  const tooBig = split(encodeFrame(FrameKind.file, random(200_000)));
  assert.throws(() => reassembly.add("a", decodeFrame(tooBig[0]!).body), FrameError);
  const first = split(encodeFrame(FrameKind.file, random(60_000)));
  const second = split(encodeFrame(FrameKind.file, random(60_000)));
  assert.equal(reassembly.add("a", decodeFrame(first[0]!).body), undefined);
  assert.throws(() => reassembly.add("a", decodeFrame(second[0]!).body), /too many transfers/);
  // Another sender has their own allowance.
  assert.equal(reassembly.add("b", decodeFrame(second[0]!).body), undefined);
  now = 5_000;
  assert.equal(reassembly.add("a", decodeFrame(second[0]!).body), undefined, "the stale transfer made room");
  assert.throws(() => decodeFrame(new Uint8Array([99, 1, 2])), /unknown frame kind/);
  assert.throws(() => reassembly.add("a", new Uint8Array(5)), /too short/);
});

interface Person {
  id: ParticipantId;
  role: Role;
  collab: Collaboration;
  refusals: string[];
}

/** A meeting of people on one bus; each one's roster is everyone else. */
function meeting(bus: ContentBus, people: Person[]) {
  const add = (id: ParticipantId, role: Role = "participant"): Person => {
    const person: Person = { id, role, refusals: [], collab: undefined as unknown as Collaboration };
    person.collab = new Collaboration({
      content: bus.channel(id),
      others: () => people.filter((p) => p.id !== id).map((p) => ({ id: p.id, role: p.role }) as Participant),
      selfId: () => id,
      selfIsModerator: () => person.role === "moderator",
    });
    person.collab.onRefused = (_topic, from, reason) => person.refusals.push(`${from}: ${reason}`);
    people.push(person);
    return person;
  };
  return add;
}

function stroke(x: number): Shape {
  return { kind: "pen", color: "#d62828", size: 5, layer: BOARD_LAYER, points: [x, 10, x + 5, 20, x + 10, 30], text: "" };
}

/** Sends what every board has waiting and lets the bus deliver it. */
async function settle(bus: ContentBus, people: Person[]): Promise<void> {
  for (let round = 0; round < 3; round++) {
    for (const p of people) p.collab.whiteboard.shared.sync.flush();
    await bus.settled();
  }
}

const shapesOf = (p: Person) => p.collab.whiteboard.model.list(BOARD_LAYER).map((s) => s.points[0]);

test("strokes reach everyone; undo takes back only one's own; a newcomer gets the whole board", async () => {
  const bus = new ContentBus();
  const people: Person[] = [];
  const add = meeting(bus, people);
  const ada = add("ada", "moderator");
  const ben = add("ben");
  const cy = add("cy");
  ada.collab.whiteboard.model.add(stroke(100));
  ada.collab.whiteboard.model.done();
  await settle(bus, people);
  ben.collab.whiteboard.model.add(stroke(200));
  ben.collab.whiteboard.model.done();
  await settle(bus, people);
  for (const p of [ada, ben, cy]) assert.deepEqual(shapesOf(p), [100, 200], p.id);
  ben.collab.whiteboard.model.undo();
  await settle(bus, people);
  for (const p of [ada, ben, cy]) assert.deepEqual(shapesOf(p), [100], `${p.id} after Ben's undo`);
  ben.collab.whiteboard.model.redo();
  cy.collab.whiteboard.model.undo(); // Cy drew nothing: nothing to take back
  await settle(bus, people);
  for (const p of [ada, ben, cy]) assert.deepEqual(shapesOf(p), [100, 200], `${p.id} after Ben's redo`);

  // A newcomer who drew something before the state came (a page back after a reconnect).
  const dee = add("dee");
  dee.collab.whiteboard.model.add(stroke(300));
  dee.collab.whiteboard.shared.sync.flush();
  await bus.settled();
  dee.collab.joined();
  await settle(bus, people);
  for (const p of [ada, ben, cy, dee]) assert.deepEqual(shapesOf(p).sort(), [100, 200, 300], p.id);
  for (const p of people) assert.deepEqual(p.refusals, [], p.id);
});

test("a big board reaches a newcomer in chunks", async () => {
  const bus = new ContentBus();
  const people: Person[] = [];
  const add = meeting(bus, people);
  const ada = add("ada", "moderator");
  for (let i = 0; i < 40; i++) {
    const shape = stroke(i);
    shape.points = Array.from({ length: 2000 }, (_, k) => (k * 7 + i) % 1600);
    ada.collab.whiteboard.model.add(shape);
  }
  ada.collab.whiteboard.shared.sync.flush();
  let largest = 0;
  bus.tap = (_from, _topic, bytes) => (largest = Math.max(largest, bytes.length));
  const ben = add("ben");
  ben.collab.joined();
  await settle(bus, people);
  assert.equal(ben.collab.whiteboard.model.list(BOARD_LAYER).length, 40);
  assert.ok(largest <= MAX_MESSAGE_BYTES);
});

test("'moderators only' is enforced by every receiver; only a moderator's policy counts", async () => {
  const bus = new ContentBus();
  const people: Person[] = [];
  const add = meeting(bus, people);
  const ada = add("ada", "moderator");
  const ben = add("ben");
  const cy = add("cy");
  // Ben claims the policy: nobody believes him.
  await ben.collab.whiteboard.shared.sendControl({ type: "policy", draw: "moderators" });
  await settle(bus, people);
  assert.equal(cy.collab.whiteboard.policy, "everyone");
  assert.match(cy.refusals.join(), /ben: policy from a non-moderator/);
  ada.collab.whiteboard.setPolicy("moderators");
  await settle(bus, people);
  assert.equal(ben.collab.whiteboard.policy, "moderators");
  assert.equal(ben.collab.whiteboard.mayDraw, false);
  assert.equal(ada.collab.whiteboard.mayDraw, true);
  // Ben's page would not let him; a modified page sends anyway: the others refuse it.
  ben.collab.whiteboard.model.add(stroke(500));
  ada.collab.whiteboard.model.add(stroke(600));
  await settle(bus, people);
  assert.deepEqual(shapesOf(cy), [600]);
  assert.deepEqual(shapesOf(ada), [600]);
  assert.match(cy.refusals.join(), /ben: not allowed to edit/);
  // A newcomer is told the policy by the moderator it asks.
  const dee = add("dee");
  dee.collab.joined();
  ada.collab.participantJoined("dee");
  await settle(bus, people);
  assert.equal(dee.collab.whiteboard.policy, "moderators");
  assert.deepEqual(shapesOf(dee).sort(), [600]);
});

test("malformed updates and floods are refused and change nobody's board", async () => {
  const bus = new ContentBus();
  const people: Person[] = [];
  const add = meeting(bus, people);
  const ada = add("ada", "moderator");
  const ben = add("ben");
  const mallory = bus.channel("mallory");
  people.push({ id: "mallory", role: "participant", refusals: [], collab: ada.collab }); // in the roster
  ada.collab.whiteboard.model.add(stroke(100));
  await settle(bus, people.slice(0, 2));
  for (const junk of [new Uint8Array([FrameKind.update, 1, 2, 3]), new Uint8Array([FrameKind.update, ...random(100)]), new Uint8Array([42]), new Uint8Array([FrameKind.control, 123])]) {
    await mallory.send("whiteboard", junk);
  }
  await bus.settled();
  assert.deepEqual(shapesOf(ben), [100]);
  assert.ok(ben.refusals.some((r) => r.startsWith("mallory: malformed update")), ben.refusals.join());
  assert.ok(ben.refusals.some((r) => r.includes("unknown frame kind")));
  assert.ok(ben.refusals.some((r) => r.includes("not JSON")));
  // Still drawing together afterwards.
  ada.collab.whiteboard.model.add(stroke(1234));
  await settle(bus, people.slice(0, 2));
  assert.ok(shapesOf(ben).includes(1234));
});

test("a sender past the burst is refused until the rate lets it in again", () => {
  let now = 0;
  const refused: string[] = [];
  const doc = new Y.Doc();
  const quiet = { send: async () => {} } as unknown as TopicChannel;
  const sync = new DocSync(doc, quiet, { mayEdit: () => true, refused: (from, reason) => refused.push(`${from}: ${reason}`), rate: { perSecond: 10, burst: 20 }, now: () => now });
  const theirs = new Y.Doc();
  const updates: Uint8Array[] = [];
  theirs.on("update", (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < 30; i++) theirs.getArray("shapes").push([i]);
  for (const update of updates) sync.receive("mallory", { kind: FrameKind.update, body: update });
  assert.equal(doc.getArray("shapes").length, 20);
  assert.equal(refused.length, 10);
  assert.ok(refused.every((r) => r === "mallory: too many updates"));
  now = 1_000; // a second later: ten more
  sync.receive("mallory", { kind: FrameKind.update, body: Y.encodeStateAsUpdate(theirs) });
  assert.equal(doc.getArray("shapes").length, 30, "the whole state, once allowed, brings what was refused");
  sync.close();
});
