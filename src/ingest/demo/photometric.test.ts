import { describe, expect, it } from 'vitest';
import { DEMO_CLASSES } from './classes';
import {
  applyPhotometric,
  DARK_SCENE_PROBABILITY,
  drawLighting,
  gaussianBlur,
  gaussianKernel,
  type PhotometricParams,
} from './photometric';
import { createRng } from './rng';
import { createImage } from './warp';

function flat(value: number, size = 16) {
  const img = createImage(size, size);
  img.data.fill(value);
  return img;
}

const plain: PhotometricParams = {
  channelGain: [1, 1, 1],
  saturation: 1,
  lighting: { gain: 1, gradient: 0, angle: 0, gamma: 1 },
  blurSigma: 0,
  noiseSigma: 0,
};

function mean(data: Uint8ClampedArray, channel: number): number {
  let s = 0;
  for (let i = channel; i < data.length; i += 4) s += data[i] ?? 0;
  return s / (data.length / 4);
}

describe('photometric', () => {
  it('leaves the image alone with neutral parameters', () => {
    const img = flat(100);
    applyPhotometric(img, plain, createRng(1));
    expect(mean(img.data, 0)).toBe(100);
  });

  it('applies gain and gamma', () => {
    const img = flat(200);
    applyPhotometric(img, { ...plain, lighting: { ...plain.lighting, gain: 0.5 } }, createRng(1));
    expect(mean(img.data, 1)).toBe(100);
    const g = flat(64);
    applyPhotometric(g, { ...plain, lighting: { ...plain.lighting, gamma: 2 } }, createRng(1));
    expect(mean(g.data, 2)).toBe(Math.round(255 * (64 / 255) ** 2));
  });

  it('a gradient along x brightens the right side and darkens the left', () => {
    const img = flat(100);
    applyPhotometric(
      img,
      { ...plain, lighting: { ...plain.lighting, gradient: 0.5, angle: 0 } },
      createRng(1),
    );
    const left = img.data[(8 * 16 + 0) * 4] ?? 0;
    const right = img.data[(8 * 16 + 15) * 4] ?? 0;
    expect(left).toBeLessThan(90);
    expect(right).toBeGreaterThan(110);
  });

  it('noise has the asked-for spread and is reproducible', () => {
    const a = flat(128, 64);
    const b = flat(128, 64);
    applyPhotometric(a, { ...plain, noiseSigma: 6 }, createRng(9));
    applyPhotometric(b, { ...plain, noiseSigma: 6 }, createRng(9));
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    let s2 = 0;
    for (let i = 0; i < a.data.length; i += 4) s2 += ((a.data[i] ?? 0) - 128) ** 2;
    const sd = Math.sqrt(s2 / (a.data.length / 4));
    expect(sd).toBeGreaterThan(5.5); // sqrt(6^2 + 1.8^2) = 6.26
    expect(sd).toBeLessThan(7);
  });

  it('blur keeps the mean and spreads an edge', () => {
    expect(gaussianKernel(1).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    const img = createImage(16, 1);
    for (let x = 0; x < 16; x++) img.data.set(x < 8 ? [0, 0, 0, 255] : [200, 200, 200, 255], x * 4);
    gaussianBlur(img, 1);
    expect(img.data[7 * 4]).toBeGreaterThan(40);
    expect(img.data[8 * 4]).toBeLessThan(160);
    expect(mean(img.data, 0)).toBeCloseTo(100, 0);
  });

  it('draws dark scenes with the configured per-class probabilities', () => {
    for (const cls of DEMO_CLASSES) {
      const rng = createRng(3);
      let dark = 0;
      for (let i = 0; i < 2000; i++) if (drawLighting(rng, cls).dark) dark++;
      expect(dark / 2000, cls).toBeCloseTo(DARK_SCENE_PROBABILITY[cls], 1);
    }
    expect(DARK_SCENE_PROBABILITY.fear).toBeGreaterThan(DARK_SCENE_PROBABILITY.happy);
  });
});
