import { describe, expect, it } from 'vitest';
import { applyGamma, autoGamma, autoGammaValue, GAMMA_RANGE } from './gamma';
import { meanLightness, toLab } from './lab';
import { makeImage, rng } from '../../automation/preprocess/images';

const r = rng(5);
const dark = makeImage(96, 96, (x, y) => {
  const v = 30 + 40 * r() + (x + y) / 8;
  return [v * 1.1, v, v * 0.7];
});
const bright = makeImage(96, 96, () => {
  const v = 150 + 50 * r();
  return [v, v * 0.95, v];
});

describe('autoGamma', () => {
  for (const [name, img, targets] of [
    ['dark', dark, [0.35, 0.45, 0.55]],
    ['bright', bright, [0.4, 0.5, 0.6]],
  ] as const) {
    for (const target of targets) {
      it(`moves the mean lightness of a ${name} image to ${target} within 0.02`, () => {
        const gamma = autoGammaValue(img, target);
        expect(gamma).toBeGreaterThan(GAMMA_RANGE.min); // not clamped
        expect(gamma).toBeLessThan(GAMMA_RANGE.max);
        expect(Math.abs(meanLightness(img) - target)).toBeGreaterThan(0.05); // there is work to do
        expect(Math.abs(meanLightness(autoGamma(img, target)) - target)).toBeLessThan(0.02);
      });
    }
  }

  it('brightens with gamma < 1 and darkens with gamma > 1', () => {
    expect(autoGammaValue(dark, 0.5)).toBeLessThan(1);
    expect(autoGammaValue(bright, 0.5)).toBeGreaterThan(1);
  });

  it('clamps gamma for a nearly black or white frame', () => {
    const black = makeImage(8, 8, () => [2, 2, 2]); // L* 0.55
    expect(autoGammaValue(black, 0.5)).toBe(GAMMA_RANGE.min);
    expect(meanLightness(autoGamma(black, 0.5))).toBeCloseTo(Math.cbrt(0.0055), 2);
    const white = makeImage(8, 8, () => [250, 250, 250]); // L* 98.1
    expect(autoGammaValue(white, 0.5)).toBe(GAMMA_RANGE.max);
  });

  it("applyGamma follows L' = 100 (L / 100)^gamma", () => {
    const grey = makeImage(2, 2, () => [119, 119, 119]); // L* 50.03
    const L = toLab(applyGamma(grey, 0.5)).L[0] ?? NaN;
    expect(L).toBeCloseTo(100 * Math.sqrt(0.5003), 0);
    expect(() => applyGamma(grey, 0)).toThrow(RangeError);
    expect(() => autoGamma(grey, 1)).toThrow(RangeError);
  });
});
