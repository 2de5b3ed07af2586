/**
 * Background effects on the camera's own pixel format. Cameras deliver
 * YUV (I420 or NV12) and the encoder wants I420; working on those planes
 * directly, in plain loops over typed arrays, skips two colour conversions
 * and the canvas that made a frame cost tens of milliseconds on a machine
 * without a GPU (BENCHMARKS.md, bench:effects). Pure functions, no DOM:
 * the effects worker calls them, the unit tests run them in Node.
 */

/** One picture as I420: full-size luma, then the two chroma planes at half width and height (rounded up). */
export interface I420 {
  width: number;
  height: number;
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
  /** All three planes, back to back, as VideoFrame wants them. */
  data: Uint8Array;
}

export function chromaSize(width: number, height: number): { cw: number; ch: number } {
  return { cw: Math.ceil(width / 2), ch: Math.ceil(height / 2) };
}

export function allocateI420(width: number, height: number): I420 {
  const { cw, ch } = chromaSize(width, height);
  const data = new Uint8Array(width * height + 2 * cw * ch);
  return {
    width,
    height,
    data,
    y: data.subarray(0, width * height),
    u: data.subarray(width * height, width * height + cw * ch),
    v: data.subarray(width * height + cw * ch),
  };
}

/** NV12 (luma, then U and V interleaved) into I420. */
export function nv12ToI420(nv12: Uint8Array, out: I420): void {
  const luma = out.width * out.height;
  out.y.set(nv12.subarray(0, luma));
  for (let i = 0, j = luma; i < out.u.length; i++, j += 2) {
    out.u[i] = nv12[j]!;
    out.v[i] = nv12[j + 1]!;
  }
}

const clamp = (value: number) => (value < 0 ? 0 : value > 255 ? 255 : value);

/** RGBA pixels (a canvas's ImageData, a background picture) into I420, BT.601 limited range like cameras. */
export function rgbaToI420(rgba: Uint8ClampedArray | Uint8Array, out: I420): void {
  const { width, height } = out;
  const { cw } = chromaSize(width, height);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const i = (row * width + col) * 4;
      const r = rgba[i]!;
      const g = rgba[i + 1]!;
      const b = rgba[i + 2]!;
      out.y[row * width + col] = clamp(16 + 0.257 * r + 0.504 * g + 0.098 * b);
      if ((row & 1) === 0 && (col & 1) === 0) {
        const c = (row >> 1) * cw + (col >> 1);
        out.u[c] = clamp(128 - 0.148 * r - 0.291 * g + 0.439 * b);
        out.v[c] = clamp(128 + 0.439 * r - 0.368 * g - 0.071 * b);
      }
    }
  }
}

/** A small RGBA copy of the picture (nearest pixel), for the segmentation model's input. */
export function i420ToSmallRgba(picture: I420, out: Uint8ClampedArray, outWidth: number, outHeight: number): void {
  const { width, height } = picture;
  const { cw } = chromaSize(width, height);
  for (let row = 0; row < outHeight; row++) {
    const sy = Math.min(height - 1, Math.floor(((row + 0.5) * height) / outHeight));
    for (let col = 0; col < outWidth; col++) {
      const sx = Math.min(width - 1, Math.floor(((col + 0.5) * width) / outWidth));
      const yy = 1.164 * (picture.y[sy * width + sx]! - 16);
      const c = (sy >> 1) * cw + (sx >> 1);
      const u = picture.u[c]! - 128;
      const v = picture.v[c]! - 128;
      const o = (row * outWidth + col) * 4;
      out[o] = clamp(yy + 1.596 * v);
      out[o + 1] = clamp(yy - 0.813 * v - 0.391 * u);
      out[o + 2] = clamp(yy + 2.018 * u);
      out[o + 3] = 255;
    }
  }
}

/**
 * A plane shrunk by `scale` (box average) and blurred there by a box of
 * `radius` pixels, twice (close to a Gaussian); `out` is the small plane.
 */
export function shrinkAndBlur(plane: Uint8Array, width: number, height: number, scale: number, radius: number, out: Float32Array, scratch: Float32Array): { width: number; height: number } {
  const w = Math.max(1, Math.floor(width / scale));
  const h = Math.max(1, Math.floor(height / scale));
  out.fill(0, 0, w * h);
  for (let row = 0; row < h; row++) {
    for (let sub = 0; sub < scale; sub++) {
      const source = (row * scale + sub) * width;
      for (let col = 0, at = row * w; col < w; col++, at++) {
        let sum = 0;
        for (let k = 0, i = source + col * scale; k < scale; k++, i++) sum += plane[i]!;
        out[at] = out[at]! + sum;
      }
    }
  }
  const area = scale * scale;
  for (let i = 0; i < w * h; i++) out[i] = out[i]! / area;
  for (let pass = 0; pass < 2; pass++) {
    boxBlur(out, scratch, w, h, radius, 1, w); // along rows
    boxBlur(scratch, out, h, w, radius, w, 1); // along columns
  }
  return { width: w, height: h };
}

/** One box-blur pass along `lines` lines of `length` samples (`step` apart; lines `stride` apart); edges repeat. */
function boxBlur(from: Float32Array, to: Float32Array, length: number, lines: number, radius: number, step: number, stride: number): void {
  const size = 2 * radius + 1;
  for (let line = 0; line < lines; line++) {
    const base = line * stride;
    const at = (i: number) => from[base + Math.min(length - 1, Math.max(0, i)) * step]!;
    let sum = 0;
    for (let i = -radius; i <= radius; i++) sum += at(i);
    for (let i = 0; i < length; i++) {
      to[base + i * step] = sum / size;
      sum += at(i + radius + 1) - at(i - radius);
    }
  }
}

/**
 * Where each sample of a plane of `size` falls in a grid of `small`
 * samples stretched over it: the lower neighbour and the weight of the
 * upper one (bilinear interpolation, computed once per picture size).
 */
export interface Stretch {
  index: Int32Array;
  weight: Float32Array;
}

export function stretch(size: number, small: number): Stretch {
  const index = new Int32Array(size);
  const weight = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const position = Math.max(0, Math.min(small - 1, ((i + 0.5) * small) / size - 0.5));
    index[i] = Math.min(small - 2 < 0 ? 0 : small - 2, Math.floor(position));
    weight[i] = small < 2 ? 0 : position - index[i]!;
  }
  return { index, weight };
}

/**
 * A small plane stretched to full width, row by row (the first half of a
 * bilinear stretch; blendRows does the second half on the fly). `out` holds
 * smallHeight rows of `width` samples.
 */
export function stretchRows(small: Float32Array, smallWidth: number, smallHeight: number, cols: Stretch, width: number, out: Float32Array): void {
  const step = smallWidth > 1 ? 1 : 0;
  for (let row = 0; row < smallHeight; row++) {
    const from = row * smallWidth;
    const to = row * width;
    for (let col = 0; col < width; col++) {
      const i = from + cols.index[col]!;
      out[to + col] = small[i]! + (small[i + step]! - small[i]!) * cols.weight[col]!;
    }
  }
}

/** Rows stretched to full width (stretchRows) and where each full-height row falls between them. */
export interface StretchedRows {
  rows: Float32Array;
  /** Number of small rows. */
  count: number;
  stretch: Stretch;
}

/**
 * out = person where the mask says so (1), background where not (0),
 * blended between; mask and (if blurred) background are small planes
 * stretched to full size here, row by row, without a full-size copy.
 */
export function blendRows(person: Uint8Array, width: number, height: number, mask: StretchedRows, background: Uint8Array | StretchedRows, out: Uint8Array): void {
  const m = mask.rows;
  for (let row = 0; row < height; row++) {
    const ma = mask.stretch.index[row]! * width;
    const mb = mask.count > 1 ? ma + width : ma;
    const mw = mask.stretch.weight[row]!;
    const start = row * width;
    if (background instanceof Uint8Array) {
      for (let col = 0; col < width; col++) {
        const a = m[ma + col]!;
        const weight = a + (m[mb + col]! - a) * mw;
        const bg = background[start + col]!;
        out[start + col] = bg + (person[start + col]! - bg) * weight;
      }
    } else {
      const b = background.rows;
      const ba = background.stretch.index[row]! * width;
      const bb = background.count > 1 ? ba + width : ba;
      const bw = background.stretch.weight[row]!;
      for (let col = 0; col < width; col++) {
        const a = m[ma + col]!;
        const weight = a + (m[mb + col]! - a) * mw;
        const c = b[ba + col]!;
        const bg = c + (b[bb + col]! - c) * bw;
        out[start + col] = bg + (person[start + col]! - bg) * weight;
      }
    }
  }
}

/**
 * A plane scaled to another size (nearest sample: a quarter of the cost of
 * bilinear, and the step is small, e.g. 1280×720 to 960×540). The camera's
 * frames can come larger than the track's size (Chromium hands the
 * breakable stream the camera's own format); the effect works on, and
 * sends, the track's size, so the simulcast layers stay as planned.
 */
export function scalePlane(from: Uint8Array, fromWidth: number, cols: Stretch, rows: Stretch, to: Uint8Array, width: number, height: number): void {
  const nearest = new Int32Array(width);
  for (let col = 0; col < width; col++) nearest[col] = cols.index[col]! + (cols.weight[col]! >= 0.5 ? 1 : 0);
  for (let row = 0; row < height; row++) {
    const source = (rows.index[row]! + (rows.weight[row]! >= 0.5 ? 1 : 0)) * fromWidth;
    for (let col = 0, o = row * width; col < width; col++, o++) to[o] = from[source + nearest[col]!]!;
  }
}
