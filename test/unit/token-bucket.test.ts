import { test } from "node:test";
import assert from "node:assert/strict";
import { TokenBucket } from "../../src/common/token-bucket.js";

/** A clock the test moves by hand, in milliseconds. */
function manualClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const takeMany = (bucket: TokenBucket, n: number) => Array.from({ length: n }, () => bucket.take());

test("a full bucket allows a burst of `capacity`, then refuses", () => {
  const clock = manualClock();
  const bucket = new TokenBucket(3, 2, clock.now);
  assert.deepEqual(takeMany(bucket, 4), [true, true, true, false]);
});

test("refills at perSecond: 2/s gives one token per 500 ms, counting partial tokens", () => {
  const clock = manualClock();
  const bucket = new TokenBucket(3, 2, clock.now);
  takeMany(bucket, 3);
  clock.advance(250);
  assert.equal(bucket.take(), false); // half a token
  clock.advance(250);
  assert.deepEqual(takeMany(bucket, 2), [true, false]); // the two halves made one
  clock.advance(1_000);
  assert.deepEqual(takeMany(bucket, 3), [true, true, false]);
});

test("a refused take does not cost anything", () => {
  const clock = manualClock();
  const bucket = new TokenBucket(1, 1, clock.now);
  assert.equal(bucket.take(), true);
  assert.deepEqual(takeMany(bucket, 5), [false, false, false, false, false]);
  clock.advance(1_000);
  assert.equal(bucket.take(), true);
});

test("refill stops at capacity however long it was idle", () => {
  const clock = manualClock();
  const bucket = new TokenBucket(3, 2, clock.now);
  takeMany(bucket, 3);
  clock.advance(3_600_000);
  assert.deepEqual(takeMany(bucket, 4), [true, true, true, false]);
});

test("no time passing means no refill", () => {
  const clock = manualClock();
  const bucket = new TokenBucket(2, 1000, clock.now);
  assert.deepEqual(takeMany(bucket, 3), [true, true, false]);
});
