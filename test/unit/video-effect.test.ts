import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { BACKGROUNDS, blurSettings, coverCrop, effectId, FrameTimer, MAX_PICTURE_BYTES, parseEffectId, pictureFileProblem, VIDEO_EFFECTS } from "../../src/client/effects/video-effect.js";
// @ts-expect-error: a build script in plain JavaScript (scripts/selfie-model.mjs), without type declarations
import { selfieMetadata, withMetadata } from "../../scripts/selfie-model.mjs";

describe("video effects: the choices and how the device keeps them", () => {
  test("every effect has its own kept name, and reads back as itself", () => {
    const ids = VIDEO_EFFECTS.map(effectId);
    assert.equal(new Set(ids).size, ids.length);
    for (const effect of VIDEO_EFFECTS) assert.deepEqual(parseEffectId(effectId(effect)), effect);
    assert.deepEqual(ids.slice(0, 3), ["none", "blur-light", "blur-strong"]);
  });

  test("an unknown, edited or missing kept name means no effect", () => {
    for (const id of ["", "blur", "image-../../etc", "image-", null, undefined, "BLUR-LIGHT"]) assert.deepEqual(parseEffectId(id), { kind: "none" });
  });

  test("the own picture is not kept: its name reads back as no effect", () => {
    assert.equal(effectId({ kind: "image", image: "own" }), "image-own");
    assert.deepEqual(parseEffectId("image-own"), { kind: "none" });
  });

  test("an own picture file: anything but an image type, or over 20 MB, is refused before decoding", () => {
    assert.equal(pictureFileProblem({ type: "image/jpeg", size: 3_000_000 }), undefined);
    assert.equal(pictureFileProblem({ type: "", size: 1000 }), undefined, "no type given: decoding decides");
    assert.equal(pictureFileProblem({ type: "text/plain", size: 10 }), "not-a-picture");
    assert.equal(pictureFileProblem({ type: "application/pdf", size: 10 }), "not-a-picture");
    assert.equal(pictureFileProblem({ type: "image/png", size: MAX_PICTURE_BYTES + 1 }), "too-large");
  });

  test("an own picture is cut to 16:9 from its middle, never stretched", () => {
    assert.deepEqual(coverCrop(1600, 1200), { x: 0, y: 150, width: 1600, height: 900 });
    assert.deepEqual(coverCrop(1000, 300), { x: 233, y: 0, width: 533, height: 300 });
    assert.deepEqual(coverCrop(960, 540), { x: 0, y: 0, width: 960, height: 540 });
  });

  test("every bundled background has its picture in public/backgrounds/", () => {
    for (const name of BACKGROUNDS) assert.match(readFileSync(`public/backgrounds/${name}.svg`, "utf8"), /^<svg[^>]+width="960" height="540"/);
  });

  test("strong blur blurs wider than slight blur", () => {
    const width = (s: "light" | "strong") => blurSettings(s).scale * blurSettings(s).radius;
    assert.ok(width("strong") > width("light"));
  });
});

describe("FrameTimer: switching off an effect this device cannot keep up with", () => {
  test("a slow average over a full window counts as overloaded; a few slow frames do not", () => {
    const timer = new FrameTimer(10, 40);
    for (let i = 0; i < 9; i++) timer.add(100);
    assert.equal(timer.overloaded, false, "the window is not full yet (model loading, warm-up)");
    timer.add(100);
    assert.equal(timer.overloaded, true);
    for (let i = 0; i < 10; i++) timer.add(5);
    assert.equal(timer.overloaded, false, "the old slow frames left the window");
    assert.equal(timer.average, 5);
  });

  test("one long frame among quick ones is not enough", () => {
    const timer = new FrameTimer(48, 40);
    for (let i = 0; i < 47; i++) timer.add(8);
    timer.add(400);
    assert.ok(timer.average < 40);
    assert.equal(timer.overloaded, false);
  });

  test("reset starts the window again", () => {
    const timer = new FrameTimer(2, 1);
    timer.add(5);
    timer.add(5);
    timer.reset();
    assert.equal(timer.frames, 0);
    assert.equal(timer.average, 0);
    assert.equal(timer.overloaded, false);
  });
});

describe("the selfie segmentation model with the metadata MediaPipe needs (scripts/selfie-model.mjs)", () => {
  const original = readFileSync("node_modules/@mediapipe/selfie_segmentation/selfie_segmentation_landscape.tflite");
  const model: Uint8Array = withMetadata(new Uint8Array(original), selfieMetadata());
  const view = new DataView(model.buffer, model.byteOffset, model.byteLength);
  const u32 = (at: number) => view.getUint32(at, true);
  const field = (table: number, index: number) => {
    const vtable = table - view.getInt32(table, true);
    if (4 + 2 * index >= view.getUint16(vtable, true)) return undefined;
    const at = view.getUint16(vtable + 4 + 2 * index, true);
    return at ? table + at : undefined;
  };
  const deref = (at: number) => at + u32(at);
  const vector = (at: number) => Array.from({ length: u32(at) }, (_, i) => deref(at + 4 + 4 * i));
  const text = (at: number) => new TextDecoder().decode(model.subarray(at + 4, at + 4 + u32(at)));
  const root = u32(0);

  test("is still a TFLite model, with the original bytes unchanged behind the new part at a 16-byte boundary", () => {
    assert.equal(new TextDecoder().decode(model.subarray(4, 8)), "TFL3");
    const prefix = model.length - original.length;
    assert.equal(prefix % 16, 0);
    assert.deepEqual(Buffer.from(model.subarray(prefix)), original);
  });

  test("carries a TFLITE_METADATA entry whose buffer is the M001 metadata", () => {
    const entries = vector(deref(field(root, 6)!));
    const entry = entries.find((e) => text(deref(field(e, 0)!)) === "TFLITE_METADATA");
    assert.ok(entry, "a TFLITE_METADATA entry");
    const buffers = vector(deref(field(root, 4)!));
    const buffer = buffers[u32(field(entry, 1)!)]!;
    const data = deref(field(buffer, 0)!);
    const metadata = model.subarray(data + 4, data + 4 + u32(data));
    assert.deepEqual(Buffer.from(metadata), Buffer.from(selfieMetadata()));
    assert.equal(new TextDecoder().decode(metadata.subarray(4, 8)), "M001");
    assert.equal((data + 4) % 16, 0, "the metadata starts aligned");
  });

  test("keeps the model's operators, subgraphs and every original buffer", () => {
    const prefix = model.length - original.length;
    const oldView = new DataView(original.buffer, original.byteOffset, original.byteLength);
    const oldRoot = oldView.getUint32(0, true);
    const oldVtable = oldRoot - oldView.getInt32(oldRoot, true);
    const oldField = (i: number) => oldRoot + oldView.getUint16(oldVtable + 4 + 2 * i, true);
    for (const index of [1, 2]) assert.equal(deref(field(root, index)!), prefix + oldField(index) + oldView.getUint32(oldField(index), true));
    const oldBuffers = oldField(4) + oldView.getUint32(oldField(4), true);
    const buffers = vector(deref(field(root, 4)!));
    assert.equal(buffers.length, oldView.getUint32(oldBuffers, true) + 1);
  });
});
