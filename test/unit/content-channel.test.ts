/**
 * The client's content channel between real E2EE sessions, with the server
 * played by the test: sealed content opens only for the topic it was sealed
 * for, arrives in order per sender, waits for a key that is still on its
 * way, and is dropped when the server repeats it, forges it in plain, or
 * moves it to another topic. Without encryption it travels as base64url.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ClientMessageInput, ServerMessageOf } from "../../src/protocol/messages.js";
import { ContentChannel, MAX_CONTENT_BYTES } from "../../src/client/meeting/content.js";
import type { E2eeSession } from "../../src/client/e2ee/session.js";
import { createIdentity, fromBase64Url } from "../../src/client/e2ee/keys.js";
import { Person, eventually, meetingOf, relay } from "../fakes/e2ee-people.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const noSleep = () => Promise.resolve();

/** A channel whose sent messages the test keeps, as the server would receive them. */
function channel(e2ee: E2eeSession | undefined, sleep: (ms: number) => Promise<void> = noSleep) {
  const sent: ClientMessageInput[] = [];
  const got: { from: string; text: string; sealed: boolean }[] = [];
  const content = new ContentChannel({ send: (m) => sent.push(m), backlog: () => 0 }, () => e2ee, sleep);
  content.on("whiteboard", (from, b, info) => got.push({ from, text: text(b), sealed: info.sealed }));
  /** What the server relays of `message` from `from`. */
  const relayed = (message: ClientMessageInput, from: string): ServerMessageOf<"content"> => {
    assert.equal(message.type, "content");
    const { type: _t, ...rest } = message as Extract<ClientMessageInput, { type: "content" }>;
    return { type: "content", from, ...rest, at: 1 };
  };
  return { content, sent, got, relayed };
}

test("sealed content opens for the others in the order sent; a repeat, a plain forgery and a moved topic are dropped", async () => {
  const [ann, ben] = await meetingOf("Ann", "Ben");
  const a = channel(ann!.session);
  const b = channel(ben!.session);
  for (const stroke of ["one", "two", "three"]) await a.content.send("whiteboard", bytes(stroke));
  const messages = a.sent.map((m) => a.relayed(m, ann!.id));
  assert.ok(messages.every((m) => m.keyId !== undefined && !m.data.includes("one")), "sealed, and not readable");
  for (const m of messages) b.content.receive(m);
  b.content.receive(messages[0]!); // the server repeats one
  b.content.receive({ ...messages[1]!, keyId: undefined, data: Buffer.from("forged").toString("base64url") });
  b.content.receive({ ...messages[2]!, topic: "notes" }); // sealed for the whiteboard, relabelled
  await eventually("Ben's content", () => b.got.length >= 3);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(b.got, ["one", "two", "three"].map((t) => ({ from: ann!.id, text: t, sealed: true })));
});

test("sealed content whose key is still on its way is opened once the key arrives", async () => {
  const [ann, ben] = await Promise.all(["Ann", "Ben"].map(async (name, i) => new Person(`p${i}`, name, await createIdentity())));
  ann!.session.joined(ann!.id, [ben!.record]);
  ben!.session.joined(ben!.id, [ann!.record]);
  await eventually("Ann's key to be sealed for Ben", () => ann!.sent.length === 1);
  const a = channel(ann!.session);
  await a.content.send("whiteboard", bytes("early"));
  let pauses = 0;
  // Ben's first try fails (no key from Ann yet); during the pause after it, the key arrives.
  const b = channel(ben!.session, async () => {
    if (++pauses > 1) return;
    relay([ann!, ben!]);
    await eventually("Ben to hold Ann's key", () => ben!.session.stateOf(ann!.id) === "encrypted");
  });
  b.content.receive(a.relayed(a.sent[0]!, ann!.id));
  await eventually("the early content", () => b.got.length === 1);
  assert.deepEqual(b.got, [{ from: ann!.id, text: "early", sealed: true }]);
  assert.equal(pauses, 1, "it failed once, waited, and opened on the next try");
});

test("without encryption content travels as base64url, and sealed content cannot be read", async () => {
  const a = channel(undefined);
  await a.content.send("whiteboard", bytes("plain stroke"), "moderators");
  const message = a.sent[0] as Extract<ClientMessageInput, { type: "content" }>;
  assert.equal(message.to, "moderators");
  assert.equal(message.keyId, undefined);
  assert.equal(text(fromBase64Url(message.data)), "plain stroke");
  const b = channel(undefined);
  b.content.receive(a.relayed(message, "ann"));
  b.content.receive({ ...a.relayed(message, "ann"), keyId: 3 });
  await eventually("the plain content", () => b.got.length === 1);
  assert.deepEqual(b.got, [{ from: "ann", text: "plain stroke", sealed: false }]);
});

test("a piece larger than one message is refused before anything is sent; a full socket makes send wait", async () => {
  const a = channel(undefined);
  await assert.rejects(a.content.send("whiteboard", new Uint8Array(MAX_CONTENT_BYTES + 1)), RangeError);
  assert.equal(a.sent.length, 0);

  let backlog = 5 * 1024 * 1024;
  const sent: ClientMessageInput[] = [];
  const slow = new ContentChannel({ send: (m) => sent.push(m), backlog: () => backlog }, () => undefined, async () => {
    backlog -= 2 * 1024 * 1024;
  });
  await slow.send("whiteboard", bytes("after the backlog"));
  assert.ok(backlog <= 1024 * 1024, "it waited until the socket drained");
  assert.equal(sent.length, 1);
});

test("one topic's failing handler does not keep content from another handler", async () => {
  const c = channel(undefined);
  const got: string[] = [];
  c.content.on("notes", () => {
    throw new Error("a feature's bug");
  });
  c.content.on("notes", (_from, b) => got.push(text(b)));
  c.content.receive({ type: "content", from: "ann", topic: "notes", data: Buffer.from("hello").toString("base64url"), at: 1 });
  await eventually("the second handler", () => got.length === 1);
});
