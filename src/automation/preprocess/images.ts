/** Synthetic images and measurements for the step tests. */
import { mulberry32 } from '../../compute/random';
import type { Point, RgbaImage } from '../../preprocess/types';

export type Rgb = readonly [number, number, number];

/** An image whose pixel (x, y) (integer indices) has colour `colour(x, y)`, alpha 255. */
export function makeImage(
  width: number,
  height: number,
  colour: (x: number, y: number) => Rgb,
): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colour(x, y);
      const i = (y * width + x) * 4;
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

export function pixel(img: RgbaImage, x: number, y: number): [number, number, number, number] {
  const i = (y * img.width + x) * 4;
  const d = img.data;
  return [d[i] ?? NaN, d[i + 1] ?? NaN, d[i + 2] ?? NaN, d[i + 3] ?? NaN];
}

/**
 * Grey image (value `background`) with white discs of `radius` px centred at `centres`
 * (continuous coordinates), anti-aliased by 4x4 supersampling so their centroids are exact.
 */
export function discs(
  width: number,
  height: number,
  centres: Point[],
  radius: number,
  background = 40,
): RgbaImage {
  return makeImage(width, height, (x, y) => {
    const near = centres.some((c) => Math.hypot(x + 0.5 - c.x, y + 0.5 - c.y) <= radius + 1);
    if (!near) return [background, background, background];
    let cover = 0;
    for (let q = 0; q < 4; q++) {
      for (let p = 0; p < 4; p++) {
        const sx = x + (p + 0.5) / 4;
        const sy = y + (q + 0.5) / 4;
        if (centres.some((c) => Math.hypot(sx - c.x, sy - c.y) <= radius)) cover++;
      }
    }
    const v = background + ((255 - background) * cover) / 16;
    return [v, v, v];
  });
}

/**
 * Centroid (pixel centres at +0.5) of the red channel above `background`, within the window
 * of `radius` px around `near`.
 */
export function brightCentroid(
  img: RgbaImage,
  near: Point,
  radius: number,
  background = 40,
): Point {
  let sw = 0;
  let sx = 0;
  let sy = 0;
  const x0 = Math.max(0, Math.floor(near.x - radius));
  const x1 = Math.min(img.width - 1, Math.ceil(near.x + radius));
  const y0 = Math.max(0, Math.floor(near.y - radius));
  const y1 = Math.min(img.height - 1, Math.ceil(near.y + radius));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const w = Math.max(0, pixel(img, x, y)[0] - background);
      sw += w;
      sx += w * (x + 0.5);
      sy += w * (y + 0.5);
    }
  }
  return { x: sx / sw, y: sy / sw };
}

/** Mean and standard deviation of a list of numbers. */
export function stats(values: ArrayLike<number>): {
  mean: number;
  std: number;
  min: number;
  max: number;
} {
  let s = 0;
  let s2 = 0;
  let min = Infinity;
  let max = -Infinity;
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const v = values[i] ?? 0;
    s += v;
    s2 += v * v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = s / n;
  return { mean, std: Math.sqrt(Math.max(0, s2 / n - mean * mean)), min, max };
}

/** HSV hue of an 8-bit RGB colour, degrees 0..360. */
export function hsvHue(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const c = max - min;
  if (c === 0) return 0;
  let h: number;
  if (max === r) h = ((g - b) / c) % 6;
  else if (max === g) h = (b - r) / c + 2;
  else h = (r - g) / c + 4;
  return (h * 60 + 360) % 360;
}

/** Smallest absolute difference between two angles in degrees. */
export function angleDiffDeg(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return Math.min(d, 360 - d);
}

/** Seeded noise for synthetic images (the project's one generator). */
export const rng = mulberry32;
