import { test } from "node:test";
import assert from "node:assert/strict";
import type { Participant } from "../../src/protocol/messages.js";
import { newlyWaiting, participantNotices } from "../../src/client/ui/notices.js";

const person = (id: string, changes: Partial<Participant> = {}): Participant => ({
  id,
  name: id.toUpperCase(),
  role: "participant",
  hand: null,
  screen: false,
  audio: true,
  video: true,
  publishing: true,
  publicKey: null,
  ...changes,
});

test("a hand going up and a screen share starting are notices; what stays the same is not", () => {
  const before = [person("a"), person("b", { hand: 1 }), person("c")];
  const after = [person("a", { hand: 2 }), person("b", { hand: 1 }), person("c", { screen: true })];
  assert.deepEqual(participantNotices(before, after), [
    { kind: "hand", name: "A" },
    { kind: "share", name: "C" },
  ]);
});

test("the first list after joining brings no notices: hands up already are not news", () => {
  assert.deepEqual(participantNotices(undefined, [person("a", { hand: 1, screen: true })]), []);
});

test("a newcomer who arrives sharing is a notice; a hand coming down is not", () => {
  assert.deepEqual(participantNotices([person("a", { hand: 1 })], [person("a"), person("b", { screen: true })]), [{ kind: "share", name: "B" }]);
});

test("only those who were not waiting before are new in the lobby, in the order they knocked", () => {
  const entry = (id: string) => ({ id, name: id, e2ee: true });
  assert.deepEqual(newlyWaiting([entry("x")], [entry("x"), entry("y"), entry("z")]).map((e) => e.id), ["y", "z"]);
  assert.deepEqual(newlyWaiting([entry("x"), entry("y")], [entry("y")]), []);
});
