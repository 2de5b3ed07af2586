/**
 * The collaboration tools' pure parts: whiteboard shapes (eraser, clear,
 * layers, malformed shapes skipped), the notes' text diff and Markdown,
 * the pacer, and the slides protocol's checks, on a fake content bus.
 */
import { mock, test } from "node:test";
import assert from "node:assert/strict";
import * as Y from "yjs";
import type { Participant } from "../../src/protocol/messages.js";
import { BOARD_LAYER, WhiteboardModel, readShape, touches, type Shape } from "../../src/client/collab/whiteboard-model.js";
import { textChange } from "../../src/client/collab/notes.js";
import { parseMarkdown, plainText } from "../../src/client/collab/markdown.js";
import { Pacer, wireSize } from "../../src/client/collab/pacer.js";
import { Collaboration } from "../../src/client/collab/collaboration.js";
import { FrameKind, encodeFrame, encodeJson, pack } from "../../src/client/collab/frames.js";
import { ContentBus } from "../fakes/content-bus.js";

mock.method(console, "warn", () => {});

const line = (x: number, layer = BOARD_LAYER): Shape => ({ kind: "line", color: "#1f6feb", size: 4, layer, points: [x, 100, x + 100, 100], text: "" });

test("the eraser takes what it touches on its layer; clear empties one layer; undo brings them back", () => {
  const model = new WhiteboardModel(new Y.Doc());
  model.add(line(0));
  model.add(line(500));
  model.add(line(0, "slides:d:1"));
  model.done();
  assert.equal(model.erase(BOARD_LAYER, 50, 102, 5), 1);
  assert.deepEqual(model.list(BOARD_LAYER).map((s) => s.points[0]), [500]);
  assert.equal(model.list("slides:d:1").length, 1, "another layer is untouched");
  model.clear(BOARD_LAYER);
  assert.equal(model.list(BOARD_LAYER).length, 0);
  assert.equal(model.list("slides:d:1").length, 1);
  model.undo();
  assert.deepEqual(model.list(BOARD_LAYER).map((s) => s.points[0]), [500]);
});

test("shapes that are not well formed are skipped, not drawn", () => {
  const doc = new Y.Doc();
  const shapes = doc.getArray<unknown>("shapes");
  const bad = (fields: Record<string, unknown>) => {
    const map = new Y.Map<unknown>();
    const points = new Y.Array<unknown>();
    points.push((fields.points as unknown[]) ?? [1, 2, 3, 4]);
    for (const [key, value] of Object.entries({ kind: "line", color: "#000000", size: 4, layer: BOARD_LAYER, ...fields, points })) map.set(key, value);
    shapes.push([map]);
    return map;
  };
  assert.ok(readShape(bad({})), "the baseline is well formed");
  for (const fields of [{ kind: "script" }, { color: "red; background: url(x)" }, { size: 1e9 }, { points: [1, 2, 3] }, { points: [1, "2", 3, 4] }, { kind: "rect", points: [1, 2] }, { text: 42 }]) {
    assert.equal(readShape(bad(fields)), undefined, JSON.stringify(fields));
  }
  shapes.push(["not a map"]);
  assert.equal(new WhiteboardModel(doc).list(BOARD_LAYER).length, 1);
});

test("touching: pen strokes by their segments, ellipses by their outline", () => {
  const pen: Shape = { kind: "pen", color: "#000000", size: 4, layer: BOARD_LAYER, points: [0, 0, 100, 0, 100, 100], text: "" };
  assert.equal(touches(pen, 100, 50, 3), true);
  assert.equal(touches(pen, 50, 50, 3), false);
  const ellipse: Shape = { ...pen, kind: "ellipse", points: [0, 0, 200, 100] };
  assert.equal(touches(ellipse, 200, 50, 3), true);
  assert.equal(touches(ellipse, 100, 50, 3), false, "the middle is not the outline");
});

test("the notes' diff finds the one edit, also where the same letters repeat", () => {
  assert.deepEqual(textChange("hello world", "hello brave world"), { index: 6, remove: 0, insert: "brave " });
  assert.deepEqual(textChange("aaa", "aa"), { index: 2, remove: 1, insert: "" });
  assert.deepEqual(textChange("abc", "xbz"), { index: 0, remove: 3, insert: "xbz" });
  assert.deepEqual(textChange("same", "same"), { index: 4, remove: 0, insert: "" });
});

test("Markdown: headings, lists, bold and italic; plain text without the marks", () => {
  const source = "# Plan\n\nWe **must** do *this*.\n- one\n- _two_\n1. first\n2. second";
  assert.deepEqual(parseMarkdown(source).map((b) => b.kind), ["heading", "paragraph", "list", "list"]);
  const paragraph = parseMarkdown(source)[1]!;
  assert.ok(paragraph.kind === "paragraph" && paragraph.content.some((p) => p.bold && p.text === "must") && paragraph.content.some((p) => p.italic && p.text === "this"));
  assert.equal(plainText(source), "Plan\n\nWe must do this.\n\n• one\n• two\n\n1. first\n2. second");
  assert.equal(plainText("<script>alert(1)</script>"), "<script>alert(1)</script>", "text stays text");
});

test("the pacer lets a burst through, then holds to its rate", async () => {
  let now = 0;
  const slept: number[] = [];
  const pacer = new Pacer(100_000, 50_000, () => now, async (ms) => {
    slept.push(ms);
    now += ms;
  });
  await pacer.take(44_000); // ≈ 58,700 characters: within the burst
  assert.deepEqual(slept, []);
  await pacer.take(44_000);
  assert.ok(slept.length === 1 && Math.abs(slept[0]! - ((2 * wireSize(44_000) - 100_000) / 50_000) * 1000) < 2, String(slept));
});

test("slides: only the presenter turns pages; a file not the size announced is refused", async () => {
  const bus = new ContentBus();
  const roster: Participant[] = [{ id: "pia", role: "participant" } as Participant, { id: "max", role: "participant" } as Participant];
  const viewer = new Collaboration({ content: bus.channel("vic"), others: () => roster, selfId: () => "vic", selfIsModerator: () => false });
  const refusals: string[] = [];
  viewer.onRefused = (_topic, from, reason) => refusals.push(`${from}: ${reason}`);
  const pia = bus.channel("pia");
  const max = bus.channel("max");
  await pia.send("slides", encodeJson({ type: "deck", deck: "d1", size: 10, pages: 3, page: 1, free: false }));
  await max.send("slides", encodeJson({ type: "page", deck: "d1", page: 3 }));
  await pia.send("slides", encodeJson({ type: "page", deck: "d1", page: 2 }));
  await pia.send("slides", encodeJson({ type: "page", deck: "d1", page: 7 }));
  const header = new TextEncoder().encode(JSON.stringify({ deck: "d1", what: "pdf" }));
  await pia.send("slides", encodeFrame(FrameKind.file, pack(header, new Uint8Array(11))));
  await bus.settled();
  assert.equal(viewer.slides.deck?.page, 2);
  assert.equal(viewer.slides.file, undefined);
  assert.deepEqual(refusals, ["max: only the presenter turns pages", "pia: unknown control message", "pia: file is not the size announced"]);
  await pia.send("slides", encodeFrame(FrameKind.file, pack(header, new Uint8Array(10))));
  await pia.send("slides", encodeJson({ type: "stop", deck: "d1" }));
  await bus.settled();
  assert.equal(viewer.slides.deck, undefined, "stopped");
  viewer.close();
});
