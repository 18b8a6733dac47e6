/**
 * Piecewise-affine warp in plain JS: every triangle of the destination mesh is rasterised
 * (pixel centres inside it, by barycentric coordinates) and each pixel takes the bilinearly
 * interpolated colour of the corresponding point of the source triangle. The map is
 * continuous across shared edges, so pixels on an edge get the same colour from either
 * triangle. Pure arithmetic on typed arrays: identical output in every engine and fast
 * (a 160x160 frame over ~1000 triangles takes a few milliseconds), which is why it was
 * chosen over canvas clip + setTransform + drawImage (whose antialiased clip edges leave
 * seams and depend on the rasteriser).
 */
import type { Points } from './geometry';

/** RGBA, 8 bits per channel, row-major, like ImageData. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray<ArrayBuffer>;
}

export function createImage(width: number, height: number): RgbaImage {
  return { width, height, data: new Uint8ClampedArray(width * height * 4) };
}

export interface WarpShade {
  /** Per triangle, how far (0..1) to blend its pixels towards `colour`. */
  amount: Float32Array;
  colour: readonly [number, number, number];
}

/**
 * Renders `dst` (width x height): the triangles `triangles` (index triples) of `srcPts`
 * moved to `dstPts`, both flat [x, y, ...] in pixels of their images. Pixels outside every
 * triangle stay black. Later triangles win where triangles overlap (folded meshes).
 */
export function warpPiecewiseAffine(
  src: RgbaImage,
  srcPts: Points,
  dstPts: Points,
  triangles: Uint32Array,
  width: number,
  height: number,
  shade?: WarpShade,
): RgbaImage {
  const out = createImage(width, height);
  const od = out.data;
  const sd = src.data;
  const sw = src.width;
  const sh = src.height;
  for (let t = 0; t < triangles.length; t += 3) {
    const a = triangles[t] ?? 0;
    const b = triangles[t + 1] ?? 0;
    const c = triangles[t + 2] ?? 0;
    const x0 = dstPts[2 * a] ?? 0;
    const y0 = dstPts[2 * a + 1] ?? 0;
    const x1 = dstPts[2 * b] ?? 0;
    const y1 = dstPts[2 * b + 1] ?? 0;
    const x2 = dstPts[2 * c] ?? 0;
    const y2 = dstPts[2 * c + 1] ?? 0;
    const det = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
    if (Math.abs(det) < 1e-12) continue;
    const minX = Math.max(0, Math.floor(Math.min(x0, x1, x2)));
    const maxX = Math.min(width - 1, Math.ceil(Math.max(x0, x1, x2)));
    const minY = Math.max(0, Math.floor(Math.min(y0, y1, y2)));
    const maxY = Math.min(height - 1, Math.ceil(Math.max(y0, y1, y2)));
    if (minX > maxX || minY > maxY) continue;
    const sx0 = srcPts[2 * a] ?? 0;
    const sy0 = srcPts[2 * a + 1] ?? 0;
    const sx1 = srcPts[2 * b] ?? 0;
    const sy1 = srcPts[2 * b + 1] ?? 0;
    const sx2 = srcPts[2 * c] ?? 0;
    const sy2 = srcPts[2 * c + 1] ?? 0;
    const k = shade ? (shade.amount[t / 3] ?? 0) : 0;
    const sr = shade?.colour[0] ?? 0;
    const sg = shade?.colour[1] ?? 0;
    const sb = shade?.colour[2] ?? 0;
    // The affine map destination -> source, from the barycentric coordinates
    // l1 = ((x - x0)(y2 - y0) - (x2 - x0)(y - y0)) / det, l2 = ((x1 - x0)(y - y0) - (x - x0)(y1 - y0)) / det.
    const l1x = (y2 - y0) / det;
    const l1y = -(x2 - x0) / det;
    const l2x = -(y1 - y0) / det;
    const l2y = (x1 - x0) / det;
    const ax = (sx1 - sx0) * l1x + (sx2 - sx0) * l2x;
    const ay = (sx1 - sx0) * l1y + (sx2 - sx0) * l2y;
    const bx = (sy1 - sy0) * l1x + (sy2 - sy0) * l2x;
    const by = (sy1 - sy0) * l1y + (sy2 - sy0) * l2y;
    const xs = [x0, x1, x2];
    const ys = [y0, y1, y2];
    for (let y = minY; y <= maxY; y++) {
      const cy = y + 0.5;
      // The span of the row's pixel centres inside the triangle (edges crossing cy).
      let lo = Infinity;
      let hi = -Infinity;
      for (let e = 0; e < 3; e++) {
        const xa = xs[e] ?? 0;
        const ya = ys[e] ?? 0;
        const xb = xs[(e + 1) % 3] ?? 0;
        const yb = ys[(e + 1) % 3] ?? 0;
        if ((cy < ya && cy < yb) || (cy > ya && cy > yb)) continue;
        if (ya === yb) {
          lo = Math.min(lo, xa, xb);
          hi = Math.max(hi, xa, xb);
        } else {
          const xc = xa + ((cy - ya) * (xb - xa)) / (yb - ya);
          lo = Math.min(lo, xc);
          hi = Math.max(hi, xc);
        }
      }
      const from = Math.max(minX, Math.ceil(lo - 0.5 - 1e-9));
      const to = Math.min(maxX, Math.floor(hi - 0.5 + 1e-9));
      for (let x = from; x <= to; x++) {
        const dx = x + 0.5 - x0;
        const dy = cy - y0;
        // Bilinear sample at the source point, pixel centres at +0.5, clamped to the edge.
        const fx = Math.min(sw - 1, Math.max(0, sx0 + ax * dx + ay * dy - 0.5));
        const fy = Math.min(sh - 1, Math.max(0, sy0 + bx * dx + by * dy - 0.5));
        const ix = Math.floor(fx);
        const iy = Math.floor(fy);
        const wx = fx - ix;
        const wy = fy - iy;
        const i00 = (iy * sw + ix) * 4;
        const i10 = ix + 1 < sw ? i00 + 4 : i00;
        const i01 = iy + 1 < sh ? i00 + sw * 4 : i00;
        const i11 = ix + 1 < sw ? i01 + 4 : i01;
        const o = (y * width + x) * 4;
        for (let ch = 0; ch < 3; ch++) {
          const top = (sd[i00 + ch] ?? 0) * (1 - wx) + (sd[i10 + ch] ?? 0) * wx;
          const bottom = (sd[i01 + ch] ?? 0) * (1 - wx) + (sd[i11 + ch] ?? 0) * wx;
          const v = top * (1 - wy) + bottom * wy;
          const target = ch === 0 ? sr : ch === 1 ? sg : sb;
          od[o + ch] = k > 0 ? v + (target - v) * k : v;
        }
        od[o + 3] = 255;
      }
    }
  }
  return out;
}
