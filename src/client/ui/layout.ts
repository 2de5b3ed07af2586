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
 * The layer a tile needs: the publisher sends full size (960 pixels wide,
 * see media.ts), half (480) and quarter (240); a tile gets the smallest
 * layer that fills it on a screen with `pixelRatio`, enlarged by at most a
 * quarter. So a gallery of many small tiles costs little more than a few
 * large ones (bench:client).
 */
export function qualityFor(tileWidth: number, pixelRatio = 1): Exclude<VideoQuality, "off"> {
  const pixels = tileWidth * pixelRatio;
  if (pixels <= 300) return "low";
  if (pixels <= 600) return "medium";
  return "high";
}

/** The ids on `page` (0-based) of a list split into pages of `pageSize`. */
export function pageOf<T>(items: readonly T[], page: number, pageSize: number): T[] {
  return items.slice(page * pageSize, (page + 1) * pageSize);
}
