/**
 * Breakout rooms as pure rules (src/meeting/breakouts.ts): the random
 * assignment (property tests), assigning by hand, choosing, the phases and
 * the moves each change causes, and the timers' deadlines.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { assignRandomly, Breakouts, breakoutId, DEFAULT_RETURN_COUNTDOWN_MS } from "../../src/meeting/breakouts.js";
import { RefusedError } from "../../src/meeting/errors.js";

const ids = (n: number) => Array.from({ length: n }, (_, i) => `p${i + 1}`);
const refusedWith = (code: string) => (error: unknown) => error instanceof RefusedError && error.code === code;

describe("assignRandomly", () => {
  test("everyone gets exactly one room, and room sizes differ by at most one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 50 }), fc.infiniteStream(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })), (people, rooms, randoms) => {
        const roomIds = Array.from({ length: rooms }, (_, i) => breakoutId(i + 1));
        const it = randoms[Symbol.iterator]();
        const assigned = assignRandomly(ids(people), roomIds, () => it.next().value as number);
        assert.deepEqual([...assigned.keys()].sort(), ids(people).sort());
        const sizes = roomIds.map((room) => [...assigned.values()].filter((r) => r === room).length);
        assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes.join(",")}`);
        for (const room of assigned.values()) assert.ok(roomIds.includes(room));
      }),
    );
  });

  test("depends on the random source: two sources give two assignments", () => {
    const a = assignRandomly(ids(12), ["b1", "b2", "b3"], () => 0);
    const b = assignRandomly(ids(12), ["b1", "b2", "b3"], () => 0.999);
    assert.notDeepEqual([...a], [...b]);
  });

  test("a random source that returns 1 (out of contract) still assigns within bounds", () => {
    assert.equal(assignRandomly(ids(5), ["b1", "b2"], () => 1).size, 5);
  });

  test("no rooms: nobody is assigned", () => {
    assert.equal(assignRandomly(ids(3), [], Math.random).size, 0);
  });
});

describe("Breakouts", () => {
  test("rooms get opaque ids b1…bN; fewer rooms drop the assignments to those that went", () => {
    const b = new Breakouts();
    b.setCount(3);
    assert.deepEqual(b.roomIds, ["b1", "b2", "b3"]);
    b.assign(new Map([["p1", "b3"], ["p2", "b1"]]));
    b.setCount(2);
    assert.deepEqual(b.snapshot(["p1", "p2"]).assignments, { p2: "b1" });
    assert.throws(() => b.setCount(51), refusedWith("bad-message"));
  });

  test("assigning to a room that does not exist is refused and changes nothing", () => {
    const b = new Breakouts();
    b.setCount(2);
    assert.throws(() => b.assign(new Map([["p1", "b1"], ["p2", "b9"]])), refusedWith("bad-message"));
    assert.deepEqual(b.snapshot(["p1", "p2"]).assignments, {});
  });

  test("while planning, everyone is in the main room; opening moves everyone assigned", () => {
    const b = new Breakouts();
    b.setCount(2);
    assert.deepEqual(b.assign(new Map([["p1", "b1"], ["p2", "b2"]])), []);
    assert.equal(b.locationOf("p1"), null);
    const moves = b.open(["p1", "p2", "p3"], 1_000);
    assert.deepEqual(moves, [
      { id: "p1", from: null, to: "b1" },
      { id: "p2", from: null, to: "b2" },
    ]);
    assert.equal(b.locationOf("p3"), null);
    assert.equal(b.nextDeadline, undefined, "no timer set");
  });

  test("while open, assigning by hand moves at once", () => {
    const b = new Breakouts();
    b.setCount(2);
    b.open([], 0);
    assert.deepEqual(b.assign(new Map([["p1", "b2"]])), [{ id: "p1", from: null, to: "b2" }]);
    assert.deepEqual(b.assign(new Map([["p1", "b1"]])), [{ id: "p1", from: "b2", to: "b1" }]);
    assert.deepEqual(b.assign(new Map([["p1", "b1"]])), [], "no move when nothing changes");
  });

  test("choosing needs open rooms and the moderator's permission", () => {
    const b = new Breakouts();
    b.setCount(2);
    assert.throws(() => b.choose("p1", "b1"), refusedWith("out-of-order"));
    b.open([], 0);
    assert.throws(() => b.choose("p1", "b1"), refusedWith("forbidden"));
    b.setSettings(true, null);
    assert.deepEqual(b.choose("p1", "b1"), [{ id: "p1", from: null, to: "b1" }]);
    assert.deepEqual(b.choose("p1", null), [{ id: "p1", from: "b1", to: null }], "back to the main room");
  });

  test("the timer: open with a duration sets the deadline; closing starts the countdown; finishing brings everyone back", () => {
    const b = new Breakouts();
    b.setCount(1);
    b.setSettings(false, 10);
    b.assign(new Map([["p1", "b1"]]));
    b.open(["p1"], 5_000);
    assert.deepEqual(b.nextDeadline, { at: 5_000 + 600_000, what: "timer" });
    assert.equal(b.snapshot(["p1"]).endsAt, 605_000);
    b.close(605_000);
    assert.equal(b.currentPhase, "closing");
    assert.deepEqual(b.nextDeadline, { at: 605_000 + DEFAULT_RETURN_COUNTDOWN_MS, what: "return" });
    assert.equal(b.locationOf("p1"), "b1", "people stay in their room during the countdown");
    assert.deepEqual(b.finish(["p1"]), [{ id: "p1", from: "b1", to: null }]);
    assert.equal(b.currentPhase, "planning");
    assert.deepEqual(b.snapshot(["p1"]).assignments, { p1: "b1" }, "assignments stay for another round");
    assert.deepEqual(b.finish(["p1"]), [], "finishing twice is harmless");
  });

  test("what may happen in which phase", () => {
    const b = new Breakouts();
    assert.throws(() => b.open([], 0), refusedWith("out-of-order"), "no rooms yet");
    assert.throws(() => b.assignRandom(["p1"], Math.random), refusedWith("out-of-order"));
    b.setCount(2);
    assert.throws(() => b.close(0), refusedWith("out-of-order"), "not open");
    b.open([], 0);
    assert.throws(() => b.setCount(3), refusedWith("out-of-order"));
    assert.throws(() => b.assignRandom(["p1"], Math.random), refusedWith("out-of-order"));
    assert.throws(() => b.open([], 0), refusedWith("out-of-order"));
    b.close(0, 3_000);
    assert.throws(() => b.close(0), refusedWith("out-of-order"));
  });

  test("the snapshot lists only those present", () => {
    const b = new Breakouts();
    b.setCount(2);
    b.assignRandom(["p1", "p2", "p3", "p4"], () => 0.5);
    assert.deepEqual(Object.keys(b.snapshot(["p2", "p4"]).assignments).sort(), ["p2", "p4"]);
  });
});
