/**
 * Identity beyond geometry and colour: a beard (jaw and chin, the lips left clear, shaded a
 * little towards a dark hair colour per mesh triangle, so it follows the face as it moves and
 * the jaw opens, and the skin texture shows through)
 * and glasses (two rings and a bridge drawn over the eyes after the warp). Both are drawn
 * per identity (identity.ts), so an identity keeps them in every clip.
 */
import type { RegionWeights } from './regions';
import type { RgbaImage } from './warp';

/**
 * Triangles (by number) whose three landmarks are all in the beard area: jaw or chin, and not
 * on a lip (the mouth keeps its expression).
 */
export function beardTriangles(
  triangles: Uint32Array,
  landmarkCount: number,
  weights: Pick<RegionWeights, 'jaw' | 'chin' | 'upperLip' | 'lowerLip'>,
  threshold = 0.5,
): Uint32Array {
  const inBeard = (i: number): boolean =>
    i < landmarkCount &&
    Math.max(weights.jaw[i] ?? 0, weights.chin[i] ?? 0) >= threshold &&
    Math.max(weights.upperLip[i] ?? 0, weights.lowerLip[i] ?? 0) < threshold;
  const out: number[] = [];
  for (let k = 0; k < triangles.length; k += 3)
    if (
      inBeard(triangles[k] ?? 0) &&
      inBeard(triangles[k + 1] ?? 0) &&
      inBeard(triangles[k + 2] ?? 0)
    )
      out.push(k / 3);
  return Uint32Array.from(out);
}

export interface Glasses {
  /** Ring centres (output pixels): the two iris centres. */
  centres: readonly [number, number, number, number];
  /** Ring radius and line width, pixels. */
  radius: number;
  width: number;
  colour: readonly [number, number, number];
}

/**
 * Draws the two rims (anti-aliased rings) and the bridge between them into `img`, in place.
 * Coverage per pixel is the distance to the ring's centre line against half the line width.
 */
export function drawGlasses(img: RgbaImage, g: Glasses): void {
  const [ax, ay, bx, by] = g.centres;
  const half = g.width / 2;
  const d = Math.hypot(bx - ax, by - ay) || 1;
  // The bridge: the segment between the rims' inner edges.
  const ux = (bx - ax) / d;
  const uy = (by - ay) / d;
  const p0 = [ax + ux * g.radius, ay + uy * g.radius];
  const p1 = [bx - ux * g.radius, by - uy * g.radius];
  const reach = g.radius + g.width + 1;
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - reach));
  const x1 = Math.min(img.width - 1, Math.ceil(Math.max(ax, bx) + reach));
  const y0 = Math.max(0, Math.floor(Math.min(ay, by) - reach));
  const y1 = Math.min(img.height - 1, Math.ceil(Math.max(ay, by) + reach));
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      const ring = Math.min(
        Math.abs(Math.hypot(x - ax, y - ay) - g.radius),
        Math.abs(Math.hypot(x - bx, y - by) - g.radius),
      );
      const t = Math.max(
        0,
        Math.min(
          1,
          ((x - (p0[0] ?? 0)) * ux + (y - (p0[1] ?? 0)) * uy) / Math.max(1e-9, d - 2 * g.radius),
        ),
      );
      const bridge = Math.hypot(
        x - ((p0[0] ?? 0) + t * ((p1[0] ?? 0) - (p0[0] ?? 0))),
        y - ((p0[1] ?? 0) + t * ((p1[1] ?? 0) - (p0[1] ?? 0))),
      );
      const dist = Math.min(ring, bridge);
      const cover = Math.max(0, Math.min(1, half + 0.5 - dist));
      if (cover <= 0) continue;
      const o = 4 * (y * img.width + x);
      for (let c = 0; c < 3; c++) {
        const v = img.data[o + c] ?? 0;
        img.data[o + c] = Math.round(v + cover * ((g.colour[c] ?? 0) - v));
      }
    }
}
