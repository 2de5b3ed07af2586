/**
 * Content (polls, breakout names, whiteboard, notes, slides) through a
 * connection's session and its room, on the fake media plane: relayed as it
 * came to whom it is for, never back to its sender; moderator topics only
 * from moderators; unknown recipients refused; a byte budget per connection.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ClientMessageOf } from "../../src/protocol/messages.js";
import { CONTENT_BYTES_BURST } from "../../src/meeting/content-policy.js";
import type { RecordingLink } from "../fakes/room-context.js";
import { hostKey, joined, setup } from "../fakes/connections.js";

const DATA = "c2VhbGVkLWNvbnRlbnQ";
const content = (change: Partial<ClientMessageOf<"content">> = {}): ClientMessageOf<"content"> => ({ type: "content", topic: "whiteboard", data: DATA, keyId: 7, ...change });
const received = (link: RecordingLink) => link.all("content").map(({ from, topic, to, data, keyId }) => ({ from, topic, to, data, keyId }));
const errors = (link: RecordingLink) => link.all("error").map((e) => [e.code, e.inReplyTo]);

async function meetingOfThree() {
  const { ctx, registry } = setup();
  const host = await joined(registry, "Host", { moderatorKey: hostKey(ctx) });
  const ada = await joined(registry, "Ada");
  const bea = await joined(registry, "Bea");
  return { host, ada, bea };
}

test("content goes to everyone else as it came, with the sender and the time; not back to the sender", async () => {
  const { host, ada, bea } = await meetingOfThree();
  ada.signal.send(content());
  await ada.barrier();
  const expected = [{ from: ada.id, topic: "whiteboard", to: undefined, data: DATA, keyId: 7 }];
  assert.deepEqual(received(host.link), expected);
  assert.deepEqual(received(bea.link), expected);
  assert.deepEqual(received(ada.link), []);
  assert.equal(typeof host.link.all("content")[0]!.at, "number");
});

test("content for one participant reaches only them; content for the moderators only the moderators", async () => {
  const { host, ada, bea } = await meetingOfThree();
  host.signal.send(content({ topic: "slides", to: bea.id, keyId: undefined }));
  bea.signal.send(content({ topic: "pollAnswer", to: "moderators" }));
  await Promise.all([host.barrier(), bea.barrier()]);
  assert.deepEqual(received(bea.link), [{ from: host.id, topic: "slides", to: bea.id, data: DATA, keyId: undefined }]);
  assert.deepEqual(received(host.link), [{ from: bea.id, topic: "pollAnswer", to: "moderators", data: DATA, keyId: 7 }]);
  assert.deepEqual(received(ada.link), []);
});

test("a moderator's topic from someone else is forbidden and reaches nobody", async () => {
  const { host, ada, bea } = await meetingOfThree();
  for (const topic of ["poll", "breakout"] as const) ada.signal.send(content({ topic }));
  await ada.barrier();
  assert.deepEqual(errors(ada.link), [
    ["forbidden", "content"],
    ["forbidden", "content"],
  ]);
  assert.deepEqual([...received(host.link), ...received(bea.link)], []);
  host.signal.send(content({ topic: "poll" }));
  await host.barrier();
  assert.equal(received(ada.link).length, 1, "from a moderator, a poll goes out");
});

test("content for someone who is not in the meeting is refused as unknown-participant", async () => {
  const { host, ada } = await meetingOfThree();
  ada.signal.send(content({ to: "nobody-of-this-room" }));
  await ada.barrier();
  assert.deepEqual(errors(ada.link), [["unknown-participant", "content"]]);
  assert.deepEqual(received(host.link), []);
});

test("past its byte budget a connection is told to slow down, and that content is not relayed; the others' content still is", async () => {
  const { host, ada, bea } = await meetingOfThree();
  const big = "A".repeat(60_000);
  const fits = Math.floor(CONTENT_BYTES_BURST / big.length);
  for (let i = 0; i < fits + 3; i++) ada.signal.send(content({ data: big }));
  bea.signal.send(content());
  await Promise.all([ada.barrier(), bea.barrier()]);
  const codes = errors(ada.link).map(([code]) => code);
  assert.ok(codes.length >= 1 && codes.length <= 3, `the last few were refused, got ${codes.length}`);
  assert.ok(codes.every((code) => code === "rate-limited"));
  assert.equal(host.link.all("content").filter((m) => m.from === ada.id).length, fits + 3 - codes.length);
  assert.equal(host.link.all("content").filter((m) => m.from === bea.id).length, 1);
});
