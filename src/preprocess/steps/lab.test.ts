import { describe, expect, it } from 'vitest';
import {
  cieF,
  cieFExact,
  encodeSrgb,
  encodeSrgbExact,
  fromLab,
  lightnessOf,
  meanLightness,
  toLab,
} from './lab';
import { makeImage, rng, type Rgb } from '../../automation/preprocess/images';

describe('sRGB <-> CIE L*a*b*', () => {
  it('gives the textbook values', () => {
    const colours: Rgb[] = [
      [255, 255, 255],
      [0, 0, 0],
      [119, 119, 119],
      [255, 0, 0],
    ];
    const lab = toLab(makeImage(4, 1, (x) => colours[x] ?? [0, 0, 0]));
    expect(lab.L[0]).toBeCloseTo(100, 3);
    expect(lab.L[1]).toBeCloseTo(0, 6);
    expect(lab.L[2]).toBeCloseTo(50.03, 1); // sRGB 119 is L* 50
    expect(Math.abs(lab.a[2] ?? NaN)).toBeLessThan(1e-3);
    expect(lab.L[3]).toBeCloseTo(53.24, 1); // pure red: L* 53.24, a* 80.09, b* 67.20
    expect(lab.a[3]).toBeCloseTo(80.09, 1);
    expect(lab.b[3]).toBeCloseTo(67.2, 1);
    expect(lightnessOf(255, 0, 0)).toBeCloseTo(53.24, 1);
  });

  it('round-trips 8-bit colours exactly', () => {
    const r = rng(3);
    const img = makeImage(64, 64, () => [
      Math.floor(r() * 256),
      Math.floor(r() * 256),
      Math.floor(r() * 256),
    ]);
    const back = fromLab(toLab(img));
    let worst = 0;
    img.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (back.data[i] ?? NaN)))));
    expect(worst).toBe(0);
  });

  it('encodes linear light by table within 0.01 of a code', () => {
    let worst = 0;
    for (let i = 0; i <= 100_000; i++)
      worst = Math.max(worst, Math.abs(encodeSrgb(i / 100_000) - encodeSrgbExact(i / 100_000)));
    expect(worst).toBeLessThan(0.01);
  });

  it('computes CIE f by table within 1e-5 on 0..1, exactly outside', () => {
    let worst = 0;
    for (let i = 0; i <= 200_000; i++) {
      const t = (i / 200_000) ** 3; // dense near 0, where f bends most
      worst = Math.max(worst, Math.abs(cieF(t) - cieFExact(t)));
    }
    expect(worst).toBeLessThan(1e-5);
    expect(cieF(1.02)).toBe(cieFExact(1.02));
  });

  it('meanLightness is the mean L* / 100', () => {
    // Half white (L* 100), half sRGB 119 (L* 50.03): mean 0.750.
    const img = makeImage(10, 4, (_x, y) => (y < 2 ? [255, 255, 255] : [119, 119, 119]));
    expect(meanLightness(img)).toBeCloseTo(0.7502, 3);
  });
});
