import { test } from "node:test";
import assert from "node:assert/strict";
import { bestColumns, layersFor, MAX_TILES_PER_PAGE, MIN_TILE_WIDTH, pageOf, planGrid, qualityFor, SMALL_TILE_WIDTH, stageShape } from "../../src/client/ui/layout.js";

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
  assert.equal(qualityFor(200), "low", "the 160-pixel layer, a quarter enlarged");
  assert.equal(qualityFor(300), "medium");
  assert.equal(qualityFor(400), "medium");
  assert.equal(qualityFor(900), "high");
  assert.equal(qualityFor(150, 2), "medium");
});

/** Tiles of these widths, by a made-up id each. */
const tiles = (...widths: number[]) => new Map(widths.map((width, i) => [`p${i}`, width]));
const layers = (widths: Map<string, number>, pixelRatio = 1) => [...layersFor(widths, pixelRatio).values()];

test("a few tiles each get the layer their size needs", () => {
  assert.deepEqual(layers(tiles(560, 560, 560)), ["high", "high", "high"], "a meeting of four in a grid");
  assert.deepEqual(layers(tiles(930, 300, 300)), ["high", "medium", "medium"], "speaker view with a short strip");
  assert.deepEqual(layers(tiles(...Array(5).fill(400))), Array(5).fill("medium"), "six people in a grid");
});

test("a gallery of many small tiles steps down to the quarter layer, all alike", () => {
  assert.deepEqual(layers(tiles(...Array(15).fill(300))), Array(15).fill("low"), "sixteen people in a 1280×720 grid");
});

test("a speaker with a long strip: the strip steps down, the speaker stays sharp", () => {
  assert.deepEqual(layers(tiles(930, ...Array(6).fill(300))), ["high", ...Array(6).fill("low")]);
});

test("tiles wider than the small-tile width keep their layer, however many there are", () => {
  const wide = SMALL_TILE_WIDTH + 80;
  assert.deepEqual(layers(tiles(...Array(8).fill(wide))), Array(8).fill("medium"));
});

test("over the budget, small tiles step down one layer at a time", () => {
  assert.deepEqual(layers(tiles(300, 300), 2), ["high", "high"], "two small tiles on a phone: within the budget");
  assert.deepEqual(layers(tiles(300, 300, 300, 300), 2), Array(4).fill("medium"), "four: one step down is enough");
  assert.deepEqual(layers(tiles(...Array(9).fill(300)), 2), Array(9).fill("low"), "nine: two steps");
});

test("pages split the list in order", () => {
  assert.deepEqual(pageOf(["a", "b", "c", "d", "e"], 1, 2), ["c", "d"]);
  assert.deepEqual(pageOf(["a", "b", "c"], 1, 2), ["c"]);
});

test("in a meeting of two the other person has the stage and one's own picture floats small", () => {
  assert.deepEqual(stageShape({ others: 1, presenting: false, narrow: false, preference: "auto" }), { speakerView: true, spotlight: true, selfPip: true });
});

test("alone, one's own picture is the stage, also on a phone", () => {
  assert.deepEqual(stageShape({ others: 0, presenting: false, narrow: true, preference: "auto" }), { speakerView: false, spotlight: false, selfPip: false });
});

test("three or more on a wide screen: a grid with one's own tile in it, unless speaker view is chosen", () => {
  assert.deepEqual(stageShape({ others: 5, presenting: false, narrow: false, preference: "auto" }), { speakerView: false, spotlight: false, selfPip: false });
  assert.deepEqual(stageShape({ others: 5, presenting: false, narrow: false, preference: "speaker" }), { speakerView: true, spotlight: true, selfPip: false });
});

test("on a phone one's own picture floats whenever someone else is there", () => {
  assert.equal(stageShape({ others: 5, presenting: false, narrow: true, preference: "auto" }).selfPip, true);
  assert.equal(stageShape({ others: 1, presenting: true, narrow: true, preference: "grid" }).selfPip, true);
});

test("grid view chosen in a meeting of two puts both side by side; a shared screen takes the stage from the spotlight", () => {
  assert.deepEqual(stageShape({ others: 1, presenting: false, narrow: false, preference: "grid" }), { speakerView: false, spotlight: false, selfPip: false });
  assert.deepEqual(stageShape({ others: 1, presenting: true, narrow: false, preference: "auto" }), { speakerView: true, spotlight: false, selfPip: false });
});
