/**
 * Breakout rooms over the real protocol, against the real server and Janus:
 * only moderators run them (anyone else gets `forbidden`), everyone hears the
 * state by opaque ids only, a moved participant publishes again into their
 * breakout's own media room, help reaches the moderators with the room, and
 * closing brings everyone back after the countdown. Nothing is left at Janus.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { TreffServer } from "../../src/server/app.js";
import { ownerKey } from "../helpers/moderator-keys.js";
import { TestClient } from "./client.js";
import { publisherOffer } from "./sdp.js";
import { newRoom, signalingUrl, useSharedServer } from "./server.js";

const SECRET = "a-breakout-test-secret-of-enough-length";
let server: TreffServer;
useSharedServer((s) => (server = s), { secret: SECRET });

async function person(room: string, name: string, moderator = false, resumeToken?: string): Promise<{ client: TestClient; id: string; resumeToken: string }> {
  const client = await TestClient.connect(signalingUrl(server));
  await client.next("welcome");
  const joined = await client.join(room, name, { ...(moderator ? { moderatorKey: ownerKey(SECRET, room) } : {}), ...(resumeToken ? { resumeToken } : {}) });
  return { client, id: joined.participantId, resumeToken: joined.resumeToken };
}

test("breakout rooms: forbidden to participants; assigned, opened, help, moved media, closed after the countdown", async () => {
  const room = newRoom("breakouts");
  const host = await person(room, "Host", true);
  const ann = await person(room, "Ann");
  const bob = await person(room, "Bob");

  for (const message of [{ type: "breakoutRooms", count: 2 }, { type: "breakoutOpen" }, { type: "breakoutAssignRandom" }, { type: "breakoutClose" }] as const) {
    ann.client.send(message);
    const error = await ann.client.next("error");
    assert.deepEqual([error.code, error.inReplyTo], ["forbidden", message.type]);
  }
  await ann.client.expectNone("breakouts", [ann.client]);

  host.client.send({ type: "breakoutRooms", count: 2 });
  const planned = await bob.client.next("breakouts");
  assert.deepEqual([planned.rooms, planned.phase, planned.assignments], [["b1", "b2"], "planning", {}]);
  host.client.send({ type: "breakoutAssign", assignments: { [ann.id]: "b1", [bob.id]: "b2" } });
  host.client.send({ type: "breakoutOpen" });
  const opened = await ann.client.next("breakouts", { where: (m) => m.phase === "open" });
  assert.deepEqual(opened.assignments, { [ann.id]: "b1", [bob.id]: "b2" });
  // Nothing in the state is a name: ids, phases and times only.
  assert.doesNotMatch(JSON.stringify(opened), /Ann|Bob|Host/);

  // The moved participant publishes again: into their breakout's media room.
  ann.client.send({ type: "publish", sdp: publisherOffer() });
  assert.match((await ann.client.next("publisherAnswer", { timeoutMs: 10_000 })).sdp, /^v=0/);

  ann.client.send({ type: "breakoutHelp" });
  assert.deepEqual(await host.client.next("breakoutHelp"), { type: "breakoutHelp", from: ann.id, breakout: "b1" });
  await bob.client.expectNone("breakoutHelp", [ann.client]);
  host.client.send({ type: "breakoutHelp" });
  assert.equal((await host.client.next("error")).code, "out-of-order", "the host is in the main room");

  ann.client.send({ type: "breakoutChoose", breakout: "b2" });
  assert.equal((await ann.client.next("error")).code, "forbidden", "choosing is not allowed");
  host.client.send({ type: "breakoutChoose", breakout: "b2" });
  const visiting = await host.client.next("breakouts", { where: (m) => m.assignments[host.id] === "b2" });
  assert.equal(visiting.phase, "open", "a moderator visits");

  host.client.send({ type: "breakoutClose", countdownSeconds: 1 });
  const closing = await bob.client.next("breakouts", { where: (m) => m.phase === "closing" });
  assert.ok(closing.returnAt! - closing.now <= 1_000);
  bob.client.discardUnread();
  const back = await bob.client.next("breakouts", { where: (m) => m.phase === "planning", timeoutMs: 5_000 });
  assert.ok(Date.now() >= closing.returnAt! - 50, "not before the countdown ends");
  assert.deepEqual(back.assignments, { [ann.id]: "b1", [bob.id]: "b2" }, "assignments stay for another round; the host's visit does not");
  bob.client.send({ type: "publish", sdp: publisherOffer() });
  await bob.client.next("publisherAnswer", { timeoutMs: 10_000 });
});

test("a newcomer hears how the breakout rooms stand; an unknown room or person changes nothing", async () => {
  const room = newRoom("breakouts");
  const host = await person(room, "Host", true);
  host.client.send({ type: "breakoutRooms", count: 3 });
  host.client.send({ type: "breakoutSettings", allowChoose: true, durationMinutes: 10 });
  host.client.send({ type: "breakoutOpen" });
  await host.client.next("breakouts", { where: (m) => m.phase === "open" });
  const cleo = await person(room, "Cleo");
  const state = await cleo.client.next("breakouts");
  assert.deepEqual([state.phase, state.allowChoose, state.rooms.length], ["open", true, 3]);
  assert.ok(state.endsAt! - state.now > 9 * 60_000 && state.endsAt! - state.now <= 10 * 60_000);
  host.client.send({ type: "breakoutAssign", assignments: { [cleo.id]: "b1", nobody: "b2" } });
  assert.equal((await host.client.next("error")).code, "unknown-participant");
  host.client.send({ type: "breakoutAssign", assignments: { [cleo.id]: "b9" } });
  assert.equal((await host.client.next("error")).code, "bad-message");
  cleo.client.send({ type: "breakoutChoose", breakout: "b3" });
  const chosen = await host.client.next("breakouts", { where: (m) => m.assignments[cleo.id] === "b3" });
  assert.equal(chosen.phase, "open");

  // A reload comes back into the same breakout room: same id, its media there, everyone told.
  const again = await person(room, "Cleo", false, cleo.resumeToken);
  assert.equal(again.id, cleo.id);
  assert.equal((await again.client.next("breakouts")).assignments[cleo.id], "b3");
  again.client.send({ type: "publish", sdp: publisherOffer() });
  await again.client.next("publisherAnswer", { timeoutMs: 10_000 });
});
