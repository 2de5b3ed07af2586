import { test } from "node:test";
import assert from "node:assert/strict";
import { bestColumns, MAX_TILES_PER_PAGE, MIN_TILE_WIDTH, pageOf, planGrid, qualityFor } from "../../src/client/ui/layout.js";

test("two tiles on a wide screen sit side by side", () => {
  assert.equal(bestColumns(2, 1600, 600, 10).cols, 2);
});

test("three tiles on a tall phone stack in one column", () => {
  assert.equal(bestColumns(3, 370, 700, 10).cols, 1);
});

test("a page never holds more than 25 tiles, however big the screen", () => {
  assert.equal(planGrid(40, 8000, 5000, 10).pageSize, MAX_TILES_PER_PAGE);
});

test("on a small screen fewer tiles fit on a page, each still useful", () => {
  const plan = planGrid(16, 390, 600, 10);
  assert.ok(plan.pageSize < 16 && plan.pageSize >= 1);
  assert.ok(plan.tileWidth >= MIN_TILE_WIDTH);
});

test("a page holds at least one tile, even when nothing fits well", () => {
  assert.equal(planGrid(5, 100, 80, 10).pageSize, 1);
});

test("the layer follows the tile width and the screen's pixel ratio", () => {
  assert.equal(qualityFor(150), "low");
  assert.equal(qualityFor(300), "low", "a tile of a 16-person grid: the 240-pixel layer, a quarter enlarged");
  assert.equal(qualityFor(301), "medium");
  assert.equal(qualityFor(600), "medium");
  assert.equal(qualityFor(900), "high");
  assert.equal(qualityFor(200, 2), "medium");
});

test("pages split the list in order", () => {
  assert.deepEqual(pageOf(["a", "b", "c", "d", "e"], 1, 2), ["c", "d"]);
  assert.deepEqual(pageOf(["a", "b", "c"], 1, 2), ["c"]);
});
