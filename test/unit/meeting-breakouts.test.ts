/**
 * The page's side of breakout rooms (src/client/meeting/breakouts.ts), in
 * Node with a fake content channel: names and messages count only from
 * moderators, a moderator tells a newcomer the names, the page knows when it
 * moved, and with whom it shares keys while the rooms are open.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ContentChannel, ContentHandler } from "../../src/client/meeting/content.js";
import { MeetingBreakouts } from "../../src/client/meeting/breakouts.js";
import type { ClientMessageInput, Participant, ServerMessageOf } from "../../src/protocol/messages.js";

const person = (id: string, role: Participant["role"] = "participant"): Participant => ({
  id, name: id, role, audio: true, video: true, publishing: true, screen: false, hand: null, publicKey: null,
});

function setup(selfId: string, roles: Record<string, Participant["role"]>) {
  const sent: ClientMessageInput[] = [];
  const content: { topic: string; bytes: Uint8Array; to?: string }[] = [];
  let handler: ContentHandler = () => {};
  const channel = {
    send: async (topic: string, bytes: Uint8Array, to?: string) => void content.push({ topic, bytes, ...(to ? { to } : {}) }),
    on: (_topic: string, h: ContentHandler) => ((handler = h), () => {}),
  } as unknown as ContentChannel;
  const events = { changed: 0, moved: 0, broadcasts: [] as string[], help: [] as string[] };
  const breakouts = new MeetingBreakouts(
    { send: (m) => sent.push(m), content: channel, e2ee: () => undefined, selfId: () => selfId, others: () => [], record: (id) => person(id, roles[id] ?? "participant") },
    {
      changed: () => events.changed++,
      moved: () => events.moved++,
      broadcast: (from, text) => events.broadcasts.push(`${from}: ${text}`),
      help: (from, room) => events.help.push(`${from}@${room}`),
    },
  );
  const receive = (from: string, value: unknown) => handler(from, new TextEncoder().encode(JSON.stringify(value)), { sealed: true, at: 0 });
  return { breakouts, sent, content, events, receive };
}

const state = (phase: "planning" | "open" | "closing", assignments: Record<string, string>): ServerMessageOf<"breakouts"> => ({
  type: "breakouts", rooms: ["b1", "b2"], assignments, allowChoose: false, durationMinutes: null, phase, now: Date.now(),
});

test("names and messages count only from a moderator, in their shape", () => {
  const { breakouts, events, receive } = setup("ann", { mo: "moderator", ben: "participant" });
  breakouts.update(state("planning", {}));
  receive("ben", { kind: "names", names: { b1: "Forged" } });
  receive("ben", { kind: "broadcast", text: "forged" });
  receive("mo", { kind: "names", names: { b1: "  Alpha  ", b99: "nope", b2: 7 } });
  receive("mo", { kind: "broadcast", text: "Back in five" });
  receive("mo", "not an object");
  const info = breakouts.info([])!;
  assert.deepEqual(info.rooms, [{ id: "b1", name: "Alpha" }, { id: "b2", name: undefined }]);
  assert.deepEqual(events.broadcasts, ["mo: Back in five"]);
});

test("a moderator creates rooms with names sealed over the content channel, and tells a newcomer", async () => {
  const { breakouts, sent, content } = setup("mo", { mo: "moderator" });
  await breakouts.create(["Alpha", "Beta"]);
  assert.deepEqual(sent, [{ type: "breakoutRooms", count: 2 }]);
  assert.equal(content[0]!.topic, "breakout");
  assert.deepEqual(JSON.parse(new TextDecoder().decode(content[0]!.bytes)), { kind: "names", names: { b1: "Alpha", b2: "Beta" } });
  await breakouts.greet("newcomer");
  assert.equal(content[1]!.to, "newcomer");
});

test("the page moves when its own room changes, and shares keys by room while open", () => {
  const { breakouts, events } = setup("ann", { mo: "moderator" });
  breakouts.update(state("planning", { ann: "b1", ben: "b1", cem: "b2" }));
  assert.equal(events.moved, 0, "planning: everyone is in the main room");
  assert.ok(breakouts.sharesKeys(person("cem")));
  breakouts.update(state("open", { ann: "b1", ben: "b1", cem: "b2" }));
  assert.equal(events.moved, 1);
  assert.equal(breakouts.here, "b1");
  assert.ok(breakouts.sameRoom("ben") && !breakouts.sameRoom("cem") && !breakouts.sameRoom("mo"));
  assert.deepEqual(
    [person("ben"), person("cem"), person("mo", "moderator")].map((p) => breakouts.sharesKeys(p)),
    [true, false, true],
    "the room and the moderators",
  );
  breakouts.update(state("closing", { ann: "b1", ben: "b1", cem: "b2" }));
  assert.equal(events.moved, 1, "the countdown moves nobody");
  breakouts.update(state("planning", { ann: "b1", ben: "b1", cem: "b2" }));
  assert.equal(events.moved, 2);
  assert.equal(breakouts.here, null);
});

test("a moderator shares keys with everyone, in any room", () => {
  const { breakouts } = setup("mo", { mo: "moderator" });
  breakouts.update(state("open", { mo: "b2", ann: "b1" }));
  assert.ok(breakouts.sharesKeys(person("ann")));
});

test("after a (re)join, the first state says where the server already put the page: no move", () => {
  const { breakouts, events } = setup("ann", {});
  breakouts.reset();
  breakouts.update(state("open", { ann: "b1" }));
  assert.equal(events.moved, 0);
  assert.equal(breakouts.here, "b1");
  breakouts.update(state("open", { ann: "b2" }));
  assert.equal(events.moved, 1, "later changes are moves");
});
