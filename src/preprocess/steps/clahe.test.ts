import { describe, expect, it } from 'vitest';
import { clahe } from './clahe';
import { meanLightness, toLab } from './lab';
import {
  angleDiffDeg,
  hsvHue,
  makeImage,
  pixel,
  rng,
  stats,
} from '../../automation/preprocess/images';

const r = rng(11);
// 224x224, dark and low-contrast: grey levels 20..50 in a smooth pattern plus noise.
const DARK = makeImage(224, 224, (x, y) => {
  const v = 35 + 10 * Math.sin(x / 9) * Math.cos(y / 13) + 5 * (r() - 0.5);
  return [v, v * 0.9, v * 0.8];
});

describe('clahe on lightness', () => {
  it('brightens a dark low-contrast image and spreads its histogram', () => {
    const out = clahe(DARK, { clipLimit: 2.5, tiles: 8 });
    const before = stats(toLab(DARK).L);
    const after = stats(toLab(out).L);
    expect(meanLightness(DARK)).toBeLessThan(0.2);
    expect(meanLightness(out)).toBeGreaterThan(meanLightness(DARK) + 0.05);
    expect(after.std).toBeGreaterThan(2 * before.std);
    expect(after.max - after.min).toBeGreaterThan(2 * (before.max - before.min));
  });

  it('leaves a flat image flat (and its lightness nearly where it was)', () => {
    const flat = makeImage(224, 224, () => [90, 110, 70]);
    const out = clahe(flat, { clipLimit: 2.5, tiles: 8 });
    const L = stats(toLab(out).L);
    expect(L.max - L.min).toBeLessThan(0.5);
    expect(Math.abs(meanLightness(out) - meanLightness(flat))).toBeLessThan(0.02);
  });

  it('keeps hue: a coloured pixel changes hue by less than 3 degrees', () => {
    const img = makeImage(64, 64, (x, y) => {
      if (x >= 30 && x < 34 && y >= 30 && y < 34) return [120, 60, 40]; // brownish red
      const v = 25 + ((x * 7 + y * 3) % 20);
      return [v, v, v];
    });
    const out = clahe(img, { clipLimit: 2.5, tiles: 8 });
    const [r0, g0, b0] = pixel(img, 31, 31);
    const [r1, g1, b1] = pixel(out, 31, 31);
    expect(angleDiffDeg(hsvHue(r0, g0, b0), hsvHue(r1, g1, b1))).toBeLessThan(3);
    const labIn = toLab(img);
    const labOut = toLab(out);
    const p = 31 * 64 + 31;
    const hue = (a: number, b: number): number => (Math.atan2(b, a) * 180) / Math.PI;
    expect(
      angleDiffDeg(hue(labIn.a[p] ?? 0, labIn.b[p] ?? 0), hue(labOut.a[p] ?? 0, labOut.b[p] ?? 0)),
    ).toBeLessThan(1.5);
    expect(labOut.L[p]).not.toBeCloseTo(labIn.L[p] ?? 0, 0); // its lightness did change
  });

  it('with one tile and no clipping is global histogram equalisation', () => {
    // Two levels, equally many pixels: L* 20 -> CDF 0.5 -> 50; L* 40 -> CDF 1 -> 100.
    const lo = 48; // sRGB 48 is L* 19.8 -> bin round(19.8 * 2.55) = 50
    const hi = 94; // sRGB 94 is L* 39.7 -> bin 101
    const img = makeImage(16, 16, (x) => (x < 8 ? [lo, lo, lo] : [hi, hi, hi]));
    const L = toLab(clahe(img, { clipLimit: 1000, tiles: 1 })).L;
    expect(L[0]).toBeCloseTo((0.5 * 255) / 2.55, 0);
    expect(L[15]).toBeCloseTo(100, 0);
  });

  it('with one tile and clip limit 1 maps a two-level image by the clipped CDF', () => {
    // 256 pixels, clip = max(1, floor(1 * 256 / 256)) = 1: each level keeps 1 and 127 + 127 are spread,
    // 254 / 256 per bin. Bin 50: CDF = 51 * 254/256 + 1 = 51.6 -> 51.6 / 256 * 255 / 2.55 = 20.2.
    const img = makeImage(16, 16, (x) => (x < 8 ? [48, 48, 48] : [94, 94, 94]));
    const L = toLab(clahe(img, { clipLimit: 1, tiles: 1 })).L;
    const expectedLo = (((51 * 254) / 256 + 1) / 256) * 100;
    const expectedHi = (((102 * 254) / 256 + 2) / 256) * 100;
    expect(L[0]).toBeCloseTo(expectedLo, 0);
    expect(L[15]).toBeCloseTo(expectedHi, 0);
  });

  it('blends neighbouring tiles: no seam between tiles of different brightness', () => {
    // Left half dark, right half bright, smooth gradient inside each; rows are identical, so look
    // at one row: after CLAHE the largest step between neighbours stays small away from the edge.
    const img = makeImage(128, 8, (x) => {
      const v = x < 64 ? 20 + x / 4 : 120 + (x - 64) / 4;
      return [v, v, v];
    });
    const L = toLab(clahe(img, { clipLimit: 2.5, tiles: 4 })).L;
    let worst = 0;
    for (let x = 1; x < 128; x++) {
      if (x === 64) continue; // the image's own edge
      worst = Math.max(worst, Math.abs((L[x] ?? 0) - (L[x - 1] ?? 0)));
    }
    expect(worst).toBeLessThan(6);
  });

  it('validates its options', () => {
    expect(() => clahe(DARK, { clipLimit: 0, tiles: 8 })).toThrow(RangeError);
    expect(() => clahe(DARK, { clipLimit: 2, tiles: 0 })).toThrow(RangeError);
  });
});
