import { test } from "node:test";
import assert from "node:assert/strict";
import { rate } from "../../src/client/rtc/quality.js";

test("a clean, fast line with pictures is good", () => {
  assert.equal(rate({ loss: 0, rtt: 0.02, bitrate: 600_000 }), "good");
});

test("some loss, some delay or a thin stream is fair", () => {
  assert.equal(rate({ loss: 0.05, rtt: 0.02, bitrate: 600_000 }), "fair");
  assert.equal(rate({ loss: 0, rtt: 0.3, bitrate: 600_000 }), "fair");
  assert.equal(rate({ loss: 0, rtt: 0.02, bitrate: 50_000 }), "fair");
});

test("heavy loss, long delay or almost no bits is poor", () => {
  assert.equal(rate({ loss: 0.2, rtt: 0.02, bitrate: 600_000 }), "poor");
  assert.equal(rate({ loss: 0, rtt: 0.8, bitrate: 600_000 }), "poor");
  assert.equal(rate({ loss: 0, rtt: 0.02, bitrate: 10_000 }), "poor");
});

test("the boundaries belong to the better rating", () => {
  assert.equal(rate({ loss: 0.03, rtt: 0.25, bitrate: 80_000 }), "good");
  assert.equal(rate({ loss: 0.1, rtt: 0.5, bitrate: 20_000 }), "fair");
});
