import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { SerialQueue } from "../../src/meeting/serial-queue.js";

test("operations run one at a time, in the order queued, even when earlier ones reject", async () => {
  const queue = new SerialQueue();
  const log: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const operation = (name: string, ms: number, fail = false) => async () => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    log.push(`start ${name}`);
    await sleep(ms);
    log.push(`end ${name}`);
    running--;
    if (fail) throw new Error(`${name} failed`);
    return name;
  };

  // Later operations are shorter, so any overlap would reorder the log.
  const results = await Promise.allSettled([
    queue.run(operation("a", 30)),
    queue.run(operation("b", 20, true)),
    queue.run(operation("c", 10)),
    queue.run(operation("d", 0, true)),
    queue.run(operation("e", 0)),
  ]);

  assert.deepEqual(log, ["start a", "end a", "start b", "end b", "start c", "end c", "start d", "end d", "start e", "end e"]);
  assert.equal(maxRunning, 1);
  assert.deepEqual(
    results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message)),
    ["a", "b failed", "c", "d failed", "e"],
  );
});

test("an operation that throws synchronously rejects its own promise and does not stop the queue", async () => {
  const queue = new SerialQueue();
  const failing = queue.run(() => {
    throw new Error("sync");
  });
  const next = queue.run(async () => "next");
  await assert.rejects(failing, { message: "sync" });
  assert.equal(await next, "next");
});

test("an operation queued while another runs waits for it", async () => {
  const queue = new SerialQueue();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let secondStarted = false;
  const first = queue.run(() => gate);
  const second = queue.run(async () => {
    secondStarted = true;
  });
  await new Promise((resolve) => setImmediate(resolve)); // every pending callback and promise has run
  assert.equal(secondStarted, false);
  release();
  await Promise.all([first, second]);
  assert.equal(secondStarted, true);
});
