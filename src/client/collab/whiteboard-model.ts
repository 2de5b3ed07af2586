/**
 * The whiteboard as data: a yjs array of shapes (pen strokes, lines,
 * arrows, rectangles, ellipses, text) in board coordinates (1600 wide,
 * 900 high for the board, as high as the page for a slide: the same for
 * everyone whatever their screen), each on a layer: the board
 * itself, or one page of a presentation (annotations). Each person's undo
 * and redo cover only their own changes (a Y.UndoManager that tracks this
 * page's origin). What others send is read through `readShape`, which
 * skips anything malformed, so a bad shape is never drawn and breaks
 * nothing. Pure: no DOM.
 */
import * as Y from "yjs";

export const BOARD_WIDTH = 1600;
export const BOARD_HEIGHT = 900;
export const SHAPE_KINDS = ["pen", "line", "arrow", "rect", "ellipse", "text"] as const;
export type ShapeKind = (typeof SHAPE_KINDS)[number];
/** The layer of the board itself; a presentation's pages are `page:<n>`. */
export const BOARD_LAYER = "board";
const MAX_POINTS = 30_000;
const MAX_TEXT = 500;

export interface Shape {
  kind: ShapeKind;
  color: string;
  /** Line width in board units. */
  size: number;
  layer: string;
  /** pen: x, y, x, y, …; others: x1, y1, x2, y2 (text: its baseline start twice). */
  points: number[];
  text: string;
}

/** The origin of this person's own changes: only these are in their undo history. */
export const LOCAL = Symbol("local");

export class WhiteboardModel {
  readonly shapes: Y.Array<Y.Map<unknown>>;
  readonly undoManager: Y.UndoManager;

  constructor(readonly doc: Y.Doc) {
    this.shapes = doc.getArray("shapes");
    // Every shape is one undo step however long it took to draw: steps are cut by hand.
    this.undoManager = new Y.UndoManager(this.shapes, { trackedOrigins: new Set([LOCAL]), captureTimeout: 3_600_000 });
  }

  /** Starts a shape; the returned map is extended while the pointer moves. */
  add(shape: Shape): Y.Map<unknown> {
    this.undoManager.stopCapturing();
    const map = new Y.Map<unknown>();
    this.doc.transact(() => {
      map.set("kind", shape.kind);
      map.set("color", shape.color);
      map.set("size", shape.size);
      map.set("layer", shape.layer);
      if (shape.text) map.set("text", shape.text.slice(0, MAX_TEXT));
      const points = new Y.Array<number>();
      points.push(shape.points.map(clampPoint));
      map.set("points", points);
      this.shapes.push([map]);
    }, LOCAL);
    return map;
  }

  /** More of a pen stroke. */
  extend(map: Y.Map<unknown>, points: number[]): void {
    const list = map.get("points");
    if (!(list instanceof Y.Array) || list.length + points.length > MAX_POINTS) return;
    this.doc.transact(() => list.push(points.map(clampPoint)), LOCAL);
  }

  /** Moves a line's, arrow's, rectangle's or ellipse's second corner. */
  reshape(map: Y.Map<unknown>, x: number, y: number): void {
    const list = map.get("points");
    if (!(list instanceof Y.Array) || list.length !== 4) return;
    this.doc.transact(() => {
      list.delete(2, 2);
      list.push([clampPoint(x), clampPoint(y)]);
    }, LOCAL);
  }

  /** The shape is finished: the next change is a new undo step. */
  done(): void {
    this.undoManager.stopCapturing();
  }

  /** Removes the shapes on `layer` that (x, y) touches; how many. */
  erase(layer: string, x: number, y: number, radius: number): number {
    const hits: number[] = [];
    this.shapes.forEach((map, index) => {
      const shape = readShape(map);
      if (shape && shape.layer === layer && touches(shape, x, y, radius)) hits.push(index);
    });
    if (!hits.length) return 0;
    this.doc.transact(() => {
      for (const index of hits.reverse()) this.shapes.delete(index, 1);
    }, LOCAL);
    return hits.length;
  }

  /** Removes everything on `layer` (a moderator's "clear"). */
  clear(layer: string): void {
    this.undoManager.stopCapturing();
    this.doc.transact(() => {
      for (let index = this.shapes.length - 1; index >= 0; index--) {
        if (readShape(this.shapes.get(index))?.layer === layer) this.shapes.delete(index, 1);
      }
    }, LOCAL);
    this.undoManager.stopCapturing();
  }

  undo(): void {
    this.undoManager.undo();
  }

  redo(): void {
    this.undoManager.redo();
  }

  /** The well-formed shapes on `layer`, oldest first. */
  list(layer: string): Shape[] {
    const shapes: Shape[] = [];
    for (const map of this.shapes) {
      const shape = readShape(map);
      if (shape && shape.layer === layer) shapes.push(shape);
    }
    return shapes;
  }
}

/** A shape as others sent it, or undefined when anything about it is off. */
export function readShape(map: unknown): Shape | undefined {
  if (!(map instanceof Y.Map)) return undefined;
  const kind = map.get("kind");
  const color = map.get("color");
  const size = map.get("size");
  const layer = map.get("layer");
  const text = map.get("text") ?? "";
  const list = map.get("points");
  if (!SHAPE_KINDS.includes(kind as ShapeKind)) return undefined;
  if (typeof color !== "string" || !/^#[0-9a-f]{6}$/i.test(color)) return undefined;
  if (typeof size !== "number" || !(size >= 1 && size <= 64)) return undefined;
  if (typeof layer !== "string" || layer.length > 80) return undefined;
  if (typeof text !== "string" || text.length > MAX_TEXT) return undefined;
  if (!(list instanceof Y.Array) || list.length > MAX_POINTS || list.length < 2 || list.length % 2) return undefined;
  const points = list.toArray() as unknown[];
  if (!points.every((n) => typeof n === "number" && Number.isFinite(n))) return undefined;
  if (kind !== "pen" && points.length !== 4) return undefined;
  return { kind: kind as ShapeKind, color, size, layer, points: points as number[], text };
}

/** Points stay near the board (a portrait page is up to twice as high as it is wide). */
function clampPoint(n: number): number {
  return Math.round(Math.max(-100, Math.min(BOARD_WIDTH * 2 + 100, n)) * 10) / 10;
}

/** Does a circle at (x, y) touch the shape's lines (or, for text, its box)? */
export function touches(shape: Shape, x: number, y: number, radius: number): boolean {
  const reach = radius + shape.size / 2;
  const p = shape.points;
  if (shape.kind === "pen") {
    if (p.length === 2) return Math.hypot(p[0]! - x, p[1]! - y) <= reach;
    for (let i = 2; i < p.length; i += 2) if (segmentDistance(x, y, p[i - 2]!, p[i - 1]!, p[i]!, p[i + 1]!) <= reach) return true;
    return false;
  }
  const [x1, y1, x2, y2] = p as [number, number, number, number];
  switch (shape.kind) {
    case "line":
    case "arrow":
      return segmentDistance(x, y, x1, y1, x2, y2) <= reach;
    case "rect":
      return [
        [x1, y1, x2, y1],
        [x2, y1, x2, y2],
        [x2, y2, x1, y2],
        [x1, y2, x1, y1],
      ].some(([a, b, c, d]) => segmentDistance(x, y, a!, b!, c!, d!) <= reach);
    case "ellipse": {
      const cx = (x1 + x2) / 2;
      const cy = (y1 + y2) / 2;
      const rx = Math.max(1, Math.abs(x2 - x1) / 2);
      const ry = Math.max(1, Math.abs(y2 - y1) / 2);
      // Distance from the outline, roughly: how far the normalised radius is from 1.
      const r = Math.hypot((x - cx) / rx, (y - cy) / ry);
      return Math.abs(r - 1) * Math.min(rx, ry) <= reach;
    }
    case "text": {
      const width = shape.text.length * shape.size * 0.6;
      return x >= x1 - radius && x <= x1 + width + radius && y >= y1 - shape.size - radius && y <= y1 + radius;
    }
  }
}

function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const length = dx * dx + dy * dy;
  const t = length ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / length)) : 0;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}
