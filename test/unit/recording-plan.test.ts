import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { chooseMimeType, fitPicture, fitStage, planMix, planPicture, recordingFileName, type ShownPicture } from "../../src/client/recording/plan.js";
import { ConsentBook, encodeConsent, parseConsent } from "../../src/client/recording/consent.js";
import { MeetingRecording, type RecordingChange } from "../../src/client/recording/meeting-recording.js";

const stage = { x: 0, y: 60, width: 1000, height: 500 };
const canvas = { width: 1280, height: 720 };
const tile = (id: string, x: number, y: number, changes: Partial<ShownPicture> = {}): ShownPicture => ({
  id,
  source: "camera",
  rect: { x, y, width: 500, height: 250 },
  name: id.toUpperCase(),
  playing: true,
  ...changes,
});

test("the stage is scaled to fit the canvas whole and centred", () => {
  assert.deepEqual(fitStage(stage, canvas), { scale: 1.28, dx: 0, dy: 40 });
  assert.deepEqual(fitStage({ x: 0, y: 0, width: 390, height: 780 }, canvas), { scale: 720 / 780, dx: (1280 - 390 * (720 / 780)) / 2, dy: 0 });
});

test("those who agreed are drawn as pictures; those who did not (or not yet) as a tile with their name", () => {
  const agreed = new Set(["mod", "ann"]);
  const ops = planPicture(stage, [tile("mod", 0, 60), tile("ann", 500, 60), tile("ben", 0, 310)], canvas, (id) => agreed.has(id));
  assert.deepEqual(ops, [
    { kind: "video", id: "mod", name: "MOD", source: "camera", rect: { x: 0, y: 40, width: 640, height: 320 }, fit: "cover" },
    { kind: "video", id: "ann", name: "ANN", source: "camera", rect: { x: 640, y: 40, width: 640, height: 320 }, fit: "cover" },
    { kind: "placeholder", id: "ben", name: "BEN", rect: { x: 0, y: 360, width: 640, height: 320 }, declined: true },
  ]);
});

test("a camera that shows nothing is a name tile; a decliner's screen share is left out as a name; pictures off the stage are not drawn", () => {
  const ops = planPicture(
    stage,
    [
      tile("ann", 0, 60, { playing: false }),
      tile("ben", 0, 60, { source: "screen", name: "Ben's screen" }),
      tile("cleo", 500, 60, { source: "screen", playing: false }),
      tile("dora", 2000, 60),
    ],
    canvas,
    (id) => id !== "ben",
  );
  assert.deepEqual(
    ops.map((op) => [op.kind, op.id, op.kind === "placeholder" ? op.declined : op.fit]),
    [
      ["placeholder", "ann", false],
      ["placeholder", "ben", true],
    ],
  );
});

test("a shared screen fits whole, a camera fills its tile", () => {
  const ops = planPicture(stage, [tile("ann", 0, 60, { source: "screen" })], canvas, () => true);
  assert.equal(ops[0]!.kind === "video" && ops[0]!.fit, "contain");
  assert.deepEqual(fitPicture({ width: 1600, height: 900 }, { x: 0, y: 0, width: 400, height: 400 }, "cover").from, { x: 350, y: 0, width: 900, height: 900 });
  assert.deepEqual(fitPicture({ width: 1600, height: 900 }, { x: 0, y: 0, width: 400, height: 400 }, "contain").to, { x: 0, y: 87.5, width: 400, height: 225 });
  assert.deepEqual(fitPicture({ width: 300, height: 600 }, { x: 10, y: 0, width: 400, height: 400 }, "contain").to, { x: 110, y: 0, width: 200, height: 400 });
});

test("the mix has the sound of those who agreed only", () => {
  assert.deepEqual(planMix(["mod", "ann", "ben", "ann"], (id) => id !== "ben"), ["mod", "ann"]);
});

test("the recording moderator agrees; others only once their 'agree' arrived, and not after they change it", () => {
  const book = new ConsentBook("mod");
  assert.equal(book.agrees("mod"), true);
  assert.equal(book.agrees("ann"), false, "not answered counts as declined");
  book.answer("ann", true);
  book.answer("ben", false);
  assert.equal(book.agrees("ann"), true);
  assert.equal(book.agrees("ben"), false);
  assert.deepEqual(book.counts(), { agreed: 1, declined: 1 });
  book.answer("ann", false);
  assert.equal(book.agrees("ann"), false);
  book.answer("ben", true);
  book.forget("ben");
  assert.equal(book.agrees("ben"), false, "who left is asked anew");
});

test("an answer is {agree}; anything else is ignored", () => {
  assert.equal(parseConsent(encodeConsent(true)), true);
  assert.equal(parseConsent(encodeConsent(false)), false);
  for (const text of ["", "x", "{}", '{"agree":"yes"}', "null", "[true]"]) assert.equal(parseConsent(new TextEncoder().encode(text)), undefined, text);
});

test("the file has a clear name and is WebM with VP8 (or VP9) and Opus where the browser can", () => {
  assert.equal(recordingFileName(new Date(2026, 10, 28, 9, 5)), "treff-recording-2026-11-28-0905.webm");
  assert.equal(chooseMimeType(() => true), "video/webm;codecs=vp8,opus");
  assert.equal(chooseMimeType((type) => type.includes("vp9")), "video/webm;codecs=vp9,opus");
  assert.equal(chooseMimeType(() => false), undefined);
});

describe("MeetingRecording: one page's side", () => {
  /** Two pages joined by a fake content channel: what one sends `to` the other arrives there. */
  function pages() {
    const handlers = new Map<string, (from: string, bytes: Uint8Array) => void>();
    const sent: { from: string; message: unknown }[] = [];
    const make = (self: string) =>
      new MeetingRecording(
        (message) => sent.push({ from: self, message }),
        {
          send: async (_topic, bytes, to) => handlers.get(to)?.(self, bytes),
          on: (_topic, handler) => {
            handlers.set(self, handler);
            return () => handlers.delete(self);
          },
        },
        { selfId: () => self, nameOf: (id) => id.toUpperCase() },
      );
    return { mo: make("mo"), ann: make("ann"), sent };
  }

  test("the moderator asks the server; when it says so, she records and Ann is asked; Ann's answer counts at her page only", async () => {
    const { mo, ann, sent } = pages();
    const seen: RecordingChange[] = [];
    ann.onChange((change) => seen.push(change));
    mo.start();
    assert.deepEqual(sent, [{ from: "mo", message: { type: "record", on: true } }]);
    mo.received("mo");
    ann.received("mo");
    assert.equal(mo.recording, true);
    assert.equal(ann.recording, false);
    assert.deepEqual(seen, [{ kind: "started", by: "mo", name: "MO", mine: false }]);
    assert.equal(mo.agrees("ann"), false, "not answered yet: not in the picture");
    ann.respond(true);
    await Promise.resolve();
    assert.equal(mo.agrees("ann"), true);
    assert.equal(ann.answer, true);
    ann.respond(false);
    await Promise.resolve();
    assert.equal(mo.agrees("ann"), false, "a change of mind counts at once");
    mo.left("ann");
    assert.deepEqual(mo.counts(), { agreed: 0, declined: 0 });
  });

  test("a new recording asks again; its stop is news once; before joining, the notice is kept", () => {
    const { mo, ann } = pages();
    const seen: RecordingChange[] = [];
    mo.onChange((change) => seen.push(change));
    mo.received("mo");
    ann.received("mo");
    ann.respond(true);
    mo.received(null);
    mo.received(null);
    ann.received(null);
    assert.equal(ann.answer, undefined);
    assert.deepEqual(seen, [
      { kind: "started", by: "mo", name: "MO", mine: true },
      { kind: "answers" },
      { kind: "stopped", mine: true },
    ]);
    assert.equal(mo.agrees("ann"), false, "the answers went with the recording");
    ann.notice(true);
    assert.equal(ann.runsBeforeJoining, true);
  });
});
