import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { allocateI420, blendRows, chromaSize, i420ToSmallRgba, nv12ToI420, rgbaToI420, shrinkAndBlur, stretch, stretchRows } from "../../src/client/effects/i420.js";

/** A mask of one value, stretched to `width` × `height` as the worker keeps it. */
function flatMask(value: number, width: number, height: number) {
  const small = new Float32Array(4 * 3).fill(value);
  const rows = new Float32Array(3 * width);
  stretchRows(small, 4, 3, stretch(width, 4), width, rows);
  return { rows, count: 3, stretch: stretch(height, 3) };
}

describe("background effects on I420 planes (src/client/effects/i420.ts)", () => {
  test("colours survive RGBA → I420 → RGBA closely (BT.601, as cameras send)", () => {
    const picture = allocateI420(4, 4);
    const rgba = new Uint8Array(4 * 4 * 4);
    for (let i = 0; i < 16; i++) rgba.set([200, 40, 90, 255], i * 4);
    rgbaToI420(rgba, picture);
    const back = new Uint8ClampedArray(2 * 2 * 4);
    i420ToSmallRgba(picture, back, 2, 2);
    for (const [channel, want] of [[0, 200], [1, 40], [2, 90]] as const) assert.ok(Math.abs(back[channel]! - want) <= 3, `channel ${channel}: ${back[channel]} vs ${want}`);
  });

  test("NV12 splits into the same I420 planes", () => {
    const nv12 = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 50, 60, 51, 61]); // 4×2 luma, 2×1 chroma pairs
    const out = allocateI420(4, 2);
    nv12ToI420(nv12, out);
    assert.deepEqual([...out.y], [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual([...out.u], [50, 51]);
    assert.deepEqual([...out.v], [60, 61]);
  });

  test("mask 1 keeps the person's pixels, mask 0 shows the background, 0.5 blends", () => {
    const [width, height] = [16, 8];
    const person = new Uint8Array(width * height).fill(200);
    const picture = new Uint8Array(width * height).fill(100);
    const out = new Uint8Array(width * height);
    for (const [mask, want] of [[1, 200], [0, 100], [0.5, 150]] as const) {
      blendRows(person, width, height, flatMask(mask, width, height), picture, out);
      assert.ok(out.every((v) => Math.abs(v - want) <= 1), `mask ${mask}: ${out[0]}`);
    }
  });

  test("blurring keeps a flat picture flat and smooths a sharp edge", () => {
    const [width, height] = [64, 32];
    const small = new Float32Array(width * height);
    const scratch = new Float32Array(width * height);
    const flat = new Uint8Array(width * height).fill(77);
    const size = shrinkAndBlur(flat, width, height, 4, 2, small, scratch);
    assert.deepEqual(size, { width: 16, height: 8 });
    assert.ok([...small.subarray(0, 16 * 8)].every((v) => Math.abs(v - 77) < 1e-3));

    const edge = new Uint8Array(width * height).map((_, i) => (i % width < width / 2 ? 0 : 255));
    shrinkAndBlur(edge, width, height, 4, 2, small, scratch);
    const cols = stretch(width, 16);
    const rows = new Float32Array(8 * width);
    stretchRows(small, 16, 8, cols, width, rows);
    const out = new Uint8Array(width * height);
    blendRows(edge, width, height, flatMask(0, width, height), { rows, count: 8, stretch: stretch(height, 8) }, out);
    const row = [...out.subarray(0, width)];
    const steps = row.slice(1).map((v, i) => Math.abs(v - row[i]!));
    assert.ok(Math.max(...steps) < 60, `the 0→255 step is spread out: largest step ${Math.max(...steps)}`);
  });

  test("chroma planes are half size, rounded up", () => {
    assert.deepEqual(chromaSize(960, 540), { cw: 480, ch: 270 });
    assert.deepEqual(chromaSize(5, 3), { cw: 3, ch: 2 });
    assert.equal(allocateI420(5, 3).data.length, 15 + 2 * 6);
  });
});
