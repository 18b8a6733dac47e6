/**
 * Spatial attention maps for overlays: a stage's map (h x w, row-major, one hop) upsampled to a
 * crop's size with bilinear interpolation (align-corners false, as tf.image.resizeBilinear
 * with halfPixelCenters), rescaled to [0, 1] and coloured.
 */

/** Bilinear upsampling of a row-major h x w map to outH x outW (pixel centres aligned). */
export function upsampleBilinear(
  map: ArrayLike<number>,
  h: number,
  w: number,
  outH: number,
  outW: number,
): Float32Array {
  if (map.length !== h * w) throw new Error(`upsampleBilinear: ${map.length} values for ${h}x${w}`);
  const out = new Float32Array(outH * outW);
  const at = (y: number, x: number): number => map[y * w + x] ?? 0;
  for (let oy = 0; oy < outH; oy++) {
    const sy = Math.min(Math.max(((oy + 0.5) * h) / outH - 0.5, 0), h - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, h - 1);
    const fy = sy - y0;
    for (let ox = 0; ox < outW; ox++) {
      const sx = Math.min(Math.max(((ox + 0.5) * w) / outW - 0.5, 0), w - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, w - 1);
      const fx = sx - x0;
      const top = at(y0, x0) * (1 - fx) + at(y0, x1) * fx;
      const bottom = at(y1, x0) * (1 - fx) + at(y1, x1) * fx;
      out[oy * outW + ox] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** Min-max rescale to [0, 1]; a constant map becomes all 0. */
export function normaliseMap(values: ArrayLike<number>): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = new Float32Array(values.length);
  const span = hi - lo;
  if (!(span > 0)) return out;
  for (let i = 0; i < values.length; i++) out[i] = ((values[i] ?? 0) - lo) / span;
  return out;
}

/** A "jet"-like colour for t in [0, 1]: blue, cyan, yellow, red. */
export function heatColour(t: number): [number, number, number] {
  const x = Math.min(Math.max(t, 0), 1);
  const ramp = (c: number): number =>
    Math.round(255 * Math.min(Math.max(1.5 - Math.abs(4 * x - c), 0), 1));
  return [ramp(3), ramp(2), ramp(1)];
}

/**
 * One hop of one region from M [n, regions, hops, R] of ONE clip (flattened row-major):
 * the R values for (frame, region, hop).
 */
export function sliceMap(
  m: ArrayLike<number>,
  dims: { frames: number; regions: number; hops: number; positions: number },
  frame: number,
  region: number,
  hop: number,
): number[] {
  const { regions, hops, positions } = dims;
  const start = ((frame * regions + region) * hops + hop) * positions;
  const out: number[] = [];
  for (let i = 0; i < positions; i++) out.push(m[start + i] ?? 0);
  return out;
}

/** The element-wise mean of several maps (e.g. the selected hops). */
export function meanMaps(maps: readonly (readonly number[])[]): number[] {
  const first = maps[0];
  if (!first) return [];
  return first.map((_, i) => maps.reduce((s, m) => s + (m[i] ?? 0), 0) / maps.length);
}
