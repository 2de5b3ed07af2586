/**
 * Where tiles go: how many fit on a page, in how many columns, how wide —
 * and from the width, which simulcast layer a tile needs. Pure functions,
 * unit-tested; the meeting screen applies them.
 */
import type { VideoQuality } from "../../protocol/messages.js";

/** Smaller tiles are not worth showing: beyond this, tiles go to further pages. */
export const MIN_TILE_WIDTH = 200;
/** At most this many tiles on a page, however large the screen. */
export const MAX_TILES_PER_PAGE = 25;

export interface GridPlan {
  /** Tiles on one page. */
  pageSize: number;
  cols: number;
  /** Width of a 16:9 tile in pixels. */
  tileWidth: number;
}

/** The widest 16:9 tile for `count` tiles in an area, and its column count. */
export function bestColumns(count: number, width: number, height: number, gap: number): { cols: number; tileWidth: number } {
  let best = { cols: 1, tileWidth: 0 };
  for (let cols = 1; cols <= Math.max(1, count); cols++) {
    const rows = Math.ceil(count / cols);
    const tileWidth = Math.min((width - gap * (cols - 1)) / cols, ((height - gap * (rows - 1)) / rows) * (16 / 9));
    if (tileWidth > best.tileWidth) best = { cols, tileWidth };
  }
  return best;
}

/** As many tiles per page as fit at a useful size (at least one), at most MAX_TILES_PER_PAGE. */
export function planGrid(count: number, width: number, height: number, gap: number): GridPlan {
  let pageSize = Math.max(1, Math.min(count, MAX_TILES_PER_PAGE));
  while (pageSize > 1 && bestColumns(pageSize, width, height, gap).tileWidth < MIN_TILE_WIDTH) pageSize--;
  return { pageSize, ...bestColumns(pageSize, width, height, gap) };
}

/**
 * The layer a tile needs: the publisher sends 640, 320 and 160 pixels wide
 * (rtc/publisher.ts); a tile gets the smallest layer that fills it on a
 * screen with `pixelRatio`, enlarged by at most a quarter.
 */
export function qualityFor(tileWidth: number, pixelRatio = 1): Exclude<VideoQuality, "off"> {
  const pixels = tileWidth * pixelRatio;
  if (pixels <= 200) return "low";
  if (pixels <= 400) return "medium";
  return "high";
}

/**
 * Round figures for what each layer (640×360, 320×180, 160×90) costs, in
 * kbit/s, against which the budget is set. bench:client measured the browsers'
 * layers at about 360, 170 and 100: the quarter layer costs more than its
 * share, so the budget steps small tiles down a little later than real
 * figures would.
 */
const LAYER_KBPS: Readonly<Record<Exclude<VideoQuality, "off">, number>> = { low: 60, medium: 160, high: 350 };
/** The video a receiver takes in at most, at the layers tile sizes ask for: about three full-size cameras. */
export const VIDEO_BUDGET_KBPS = 1_000;
/** Tiles up to this width may step down when the budget is exceeded. */
export const SMALL_TILE_WIDTH = 320;
const LOWER = { high: "medium", medium: "low", low: "low" } as const;

/**
 * The layer for each tile on screen (`widths`: CSS pixels by id). Each gets
 * what its size needs (qualityFor); while that adds up to more than the
 * budget (a gallery of many faces, or a speaker with a long strip), every
 * small tile steps down a layer, all alike. Without this, downstream grows
 * with every person on screen; with it, a meeting of 16 costs about what one
 * of four does (bench:client), and the small tiles lose detail they are too
 * small to show well.
 */
export function layersFor<Id>(widths: ReadonlyMap<Id, number>, pixelRatio = 1): Map<Id, Exclude<VideoQuality, "off">> {
  const layers = new Map([...widths].map(([id, width]) => [id, qualityFor(width, pixelRatio)] as const));
  const kbps = () => [...layers.values()].reduce((sum, layer) => sum + LAYER_KBPS[layer], 0);
  const small = [...widths].filter(([, width]) => width <= SMALL_TILE_WIDTH).map(([id]) => id);
  while (kbps() > VIDEO_BUDGET_KBPS && small.some((id) => layers.get(id) !== "low")) {
    for (const id of small) layers.set(id, LOWER[layers.get(id)!]);
  }
  return layers;
}

/** The ids on `page` (0-based) of a list split into pages of `pageSize`. */
export function pageOf<T>(items: readonly T[], page: number, pageSize: number): T[] {
  return items.slice(page * pageSize, (page + 1) * pageSize);
}

/** How the person wants the stage: chosen by the screen ("auto"), or speaker or grid view by hand. */
export type ViewPreference = "auto" | "speaker" | "grid";

export interface StageShape {
  /** Speaker view is what the person gets now (so the menu offers the grid). */
  speakerView: boolean;
  /** One remote person large in the spotlight. */
  spotlight: boolean;
  /** One's own picture small over the stage (movable), not a tile among the others. */
  selfPip: boolean;
}

/**
 * How the stage is laid out. In a meeting of two the other person gets the
 * stage and one's own picture floats small over it, as in every phone call;
 * on a narrow screen one's own picture always floats, so a phone spends its
 * few pixels on the others. Shared screens take the stage whenever there are
 * any. The person can ask for speaker or grid view; "auto" is speaker view
 * for two, grid for more.
 */
export function stageShape(options: { others: number; presenting: boolean; narrow: boolean; preference: ViewPreference }): StageShape {
  const { others, presenting, narrow, preference } = options;
  const speakerView = preference === "speaker" || (preference === "auto" && others === 1);
  const spotlight = speakerView && others > 0 && !presenting;
  const selfPip = others > 0 && (narrow || (others === 1 && spotlight));
  return { speakerView, spotlight, selfPip };
}
