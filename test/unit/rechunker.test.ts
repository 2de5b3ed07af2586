import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Rechunker } from "../../src/client/audio/rechunker.js";

describe("Rechunker: 128-sample blocks in and out, 480-sample frames processed", () => {
  test("every sample comes out once, in order, exactly one frame later, processed", () => {
    const frames: number[] = [];
    const chunks = new Rechunker(480, (frame) => {
      frames.push(frame.length);
      for (let i = 0; i < frame.length; i++) frame[i] = -frame[i]!;
    });
    const out: number[] = [];
    const block = new Float32Array(128);
    const result = new Float32Array(128);
    for (let b = 0; b < 60; b++) {
      for (let i = 0; i < 128; i++) block[i] = b * 128 + i + 1;
      chunks.push(block, result);
      out.push(...result);
    }
    assert.ok(frames.every((n) => n === 480));
    assert.equal(frames.length, Math.floor((60 * 128) / 480));
    // The first 480 samples are the delay's silence; after that, sample n of the input (negated).
    assert.deepEqual(out.slice(0, 480), new Array(480).fill(0));
    for (let n = 480; n < out.length; n++) assert.equal(out[n], -(n - 480 + 1), `sample ${n}`);
  });

  test("never runs dry: a whole frame of delay covers every phase of 128 against 480", () => {
    const chunks = new Rechunker(480, () => {});
    const ones = new Float32Array(128).fill(1);
    const result = new Float32Array(128);
    for (let b = 0; b < 200; b++) {
      chunks.push(ones, result);
      if (b >= 4) assert.ok(result.every((x) => x === 1), `block ${b} had a gap`);
    }
  });
});
