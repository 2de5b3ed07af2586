/** PasswordAttempts: wrong meeting passwords per address, in a sliding window, with an injected clock. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { PasswordAttempts } from "../../src/meeting/attempts.js";

const MINUTE = 60_000;

/** Attempts with the defaults (5 per minute) on a clock the test moves. */
function attempts(): { tries: PasswordAttempts; advance(ms: number): void } {
  let now = 1_000_000;
  return { tries: new PasswordAttempts(undefined, undefined, () => now), advance: (ms) => void (now += ms) };
}

describe("PasswordAttempts", () => {
  test("an address with no failures may try", () => {
    assert.equal(attempts().tries.allowed("192.0.2.1"), true);
  });

  test("after 5 failures within a minute the address is refused", () => {
    const { tries, advance } = attempts();
    for (let i = 1; i <= 4; i++) {
      tries.failed("192.0.2.1");
      advance(1000);
      assert.equal(tries.allowed("192.0.2.1"), true, `after ${i} failures`);
    }
    tries.failed("192.0.2.1");
    assert.equal(tries.allowed("192.0.2.1"), false, "after 5 failures");
    advance(30_000);
    assert.equal(tries.allowed("192.0.2.1"), false, "still within the minute");
  });

  test("failures older than the window no longer count", () => {
    const { tries, advance } = attempts();
    for (let i = 0; i < 5; i++) tries.failed("192.0.2.1");
    assert.equal(tries.allowed("192.0.2.1"), false);
    advance(MINUTE - 1);
    assert.equal(tries.allowed("192.0.2.1"), false, "1 ms before the window ends");
    advance(1);
    assert.equal(tries.allowed("192.0.2.1"), true, "exactly a minute later");
  });

  test("the window slides: only the failures of the last minute count", () => {
    const { tries, advance } = attempts();
    tries.failed("192.0.2.1"); // t = 0
    advance(30_000);
    for (let i = 0; i < 4; i++) tries.failed("192.0.2.1"); // t = 30 s
    assert.equal(tries.allowed("192.0.2.1"), false, "5 within the minute");
    advance(30_000); // t = 60 s: the first failure has expired
    assert.equal(tries.allowed("192.0.2.1"), true, "4 within the minute");
    tries.failed("192.0.2.1");
    assert.equal(tries.allowed("192.0.2.1"), false, "5 again");
    advance(30_000); // t = 90 s: the four from t = 30 s have expired
    assert.equal(tries.allowed("192.0.2.1"), true);
  });

  test("addresses are counted separately", () => {
    const { tries } = attempts();
    for (let i = 0; i < 5; i++) tries.failed("192.0.2.1");
    assert.equal(tries.allowed("192.0.2.1"), false);
    assert.equal(tries.allowed("192.0.2.2"), true);
    assert.equal(tries.allowed("2001:db8::1"), true);
    for (let i = 0; i < 4; i++) tries.failed("192.0.2.2");
    assert.equal(tries.allowed("192.0.2.2"), true);
  });

  test("a limit and window of one's own", () => {
    let now = 0;
    const tries = new PasswordAttempts(2, 1000, () => now);
    tries.failed("a");
    assert.equal(tries.allowed("a"), true);
    tries.failed("a");
    assert.equal(tries.allowed("a"), false);
    now = 1000;
    assert.equal(tries.allowed("a"), true);
  });

  test("expired addresses are forgotten, not kept in memory", () => {
    const { tries, advance } = attempts();
    tries.failed("192.0.2.1");
    tries.failed("192.0.2.2");
    assert.equal(tries.size, 2);
    advance(MINUTE);
    assert.equal(tries.allowed("192.0.2.3"), true);
    assert.equal(tries.size, 0, "asking about any address forgets every expired one");
  });
});
