import { describe, expect, it } from 'vitest';
import { clahe } from './clahe';
import { correctIllumination, DEFAULT_ILLUMINATION_CONFIG, meanLightness } from './illumination';
import { makeImage } from '../../automation/preprocess/images';

const img = makeImage(48, 48, (x, y) => [20 + x, 15 + y, 30]);

describe('correctIllumination', () => {
  it("defaults to CLAHE with Emotion-FAN's clip 2.5 and 8x8 tiles", () => {
    expect(DEFAULT_ILLUMINATION_CONFIG).toEqual({
      method: 'clahe',
      claheClipLimit: 2.5,
      claheTiles: 8,
      gammaTargetMean: 0.5,
    });
  });

  it("returns the input itself for 'none'", () => {
    expect(correctIllumination(img, { ...DEFAULT_ILLUMINATION_CONFIG, method: 'none' })).toBe(img);
  });

  it("runs CLAHE with the configured clip and tiles for 'clahe'", () => {
    const out = correctIllumination(img, {
      ...DEFAULT_ILLUMINATION_CONFIG,
      claheClipLimit: 4,
      claheTiles: 2,
    });
    expect(Array.from(out.data)).toEqual(Array.from(clahe(img, { clipLimit: 4, tiles: 2 }).data));
  });

  it("moves the mean lightness to the target for 'gamma'", () => {
    const out = correctIllumination(img, {
      ...DEFAULT_ILLUMINATION_CONFIG,
      method: 'gamma',
      gammaTargetMean: 0.45,
    });
    expect(meanLightness(img)).toBeLessThan(0.2);
    expect(Math.abs(meanLightness(out) - 0.45)).toBeLessThan(0.02);
  });
});
