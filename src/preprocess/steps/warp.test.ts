import { describe, expect, it } from 'vitest';
import type { Affine } from '../types';
import { composeAffine, IDENTITY_AFFINE, rotationAbout, scaling, translation } from './affine';
import { makeImage, pixel, rng, stats } from '../../automation/preprocess/images';
import { boxReduce, warpAffine, warpPlan } from './warp';

const noise = rng(7);
const SRC = makeImage(31, 23, () => [
  Math.floor(noise() * 256),
  Math.floor(noise() * 256),
  Math.floor(noise() * 256),
]);

describe('warpAffine', () => {
  it('reproduces the image under the identity', () => {
    const out = warpAffine(SRC, IDENTITY_AFFINE, { width: 31, height: 23 });
    expect(Array.from(out.data)).toEqual(Array.from(SRC.data));
  });

  it('moves pixels by an integer translation and fills the border', () => {
    const out = warpAffine(
      SRC,
      translation(3, -2),
      { width: 31, height: 23 },
      { fill: [10, 20, 30] },
    );
    expect(pixel(out, 3 + 5, 4)).toEqual(pixel(SRC, 5, 6));
    expect(pixel(out, 0, 0)).toEqual([10, 20, 30, 255]);
    expect(pixel(out, 30, 22)).toEqual([10, 20, 30, 255]); // source row 24 does not exist
  });

  it('rotating 90 degrees counter-clockwise about the centre moves a pixel where expected', () => {
    // 10x10, one red pixel at column 7, row 2 (centre (7.5, 2.5)); rotation about (5, 5).
    const img = makeImage(10, 10, (x, y) => (x === 7 && y === 2 ? [255, 0, 0] : [0, 0, 255]));
    const out = warpAffine(img, rotationAbout({ x: 5, y: 5 }, Math.PI / 2), {
      width: 10,
      height: 10,
    });
    // (7.5, 2.5) is 2.5 right and 2.5 above the centre -> 2.5 above and 2.5 left: (2.5, 2.5).
    expect(pixel(out, 2, 2)).toEqual([255, 0, 0, 255]);
    expect(pixel(out, 7, 2)).toEqual([0, 0, 255, 255]);
    // Rotating back gives the original exactly (90 degrees is an exact pixel permutation).
    const back = warpAffine(out, rotationAbout({ x: 5, y: 5 }, -Math.PI / 2), {
      width: 10,
      height: 10,
    });
    expect(Array.from(back.data)).toEqual(Array.from(img.data));
  });

  it('interpolates bilinearly between pixel centres', () => {
    const img = makeImage(2, 1, (x) => (x === 0 ? [0, 100, 200] : [100, 200, 0]));
    // Shift right by a quarter pixel: out(1) centre 1.5 maps to source 1.25 -> 0.75 of pixel 1, 0.25 of pixel 0.
    const out = warpAffine(img, translation(0.25, 0), { width: 2, height: 1 });
    expect(pixel(out, 1, 0)).toEqual([75, 175, 50, 255]);
  });

  it('averages several samples when shrinking (no aliasing of a fine checkerboard)', () => {
    const board = makeImage(64, 64, (x, y) => ((x + y) % 2 === 0 ? [255, 255, 255] : [0, 0, 0]));
    const m: Affine = scaling(0.3);
    expect(warpPlan(m)).toEqual({ prefilter: 3, samples: { x: 2, y: 2 } }); // step 3.33 = 3 x 1.11
    const size = { width: 19, height: 19 };
    const smooth = stats(Array.from(warpAffine(board, m, size).data).filter((_, i) => i % 4 === 0));
    const aliased = stats(
      Array.from(warpAffine(board, m, size, { antialias: false }).data).filter(
        (_, i) => i % 4 === 0,
      ),
    );
    expect(smooth.mean).toBeGreaterThan(117);
    expect(smooth.mean).toBeLessThan(138);
    expect(smooth.std).toBeLessThan(15);
    expect(aliased.std).toBeGreaterThan(2 * smooth.std);
  });

  it('box-reduces k x k blocks, averaging partial blocks over the pixels they have', () => {
    const img = makeImage(5, 3, (x, y) => [x * 10, y * 10, 100]);
    const r = boxReduce(img, 2, 0, 0, 5, 3);
    expect([r.width, r.height]).toEqual([3, 2]);
    const at = (u: number, v: number): number[] =>
      Array.from(r.data.subarray((v * 3 + u) * 4, (v * 3 + u) * 4 + 4));
    expect(at(0, 0)).toEqual([5, 5, 100, 255]); // mean of x 0,1 and y 0,1
    expect(at(2, 0)).toEqual([40, 5, 100, 255]); // column 4 alone
    expect(at(1, 1)).toEqual([25, 20, 100, 255]); // row 2 alone
  });

  it('prefiltering does not move the image: a shrunk, turned ramp matches point sampling', () => {
    // On a linear ramp any symmetric average equals the centre value, so antialiased and point
    // sampling must agree away from the border; a half-pixel slip would show as an offset.
    const ramp = makeImage(400, 300, (x, y) => [x * 0.5 + 20, y * 0.6 + 30, 128]);
    const m = composeAffine(scaling(0.23), rotationAbout({ x: 200, y: 150 }, 0.3));
    expect(warpPlan(m).prefilter).toBe(4);
    const size = { width: 60, height: 50 };
    const smooth = warpAffine(ramp, m, size);
    const point = warpAffine(ramp, m, size, { antialias: false });
    let worst = 0;
    const bias = [0, 0];
    let n = 0;
    for (let y = 15; y < 40; y++) {
      for (let x = 20; x < 45; x++) {
        n++;
        for (let ch = 0; ch < 2; ch++) {
          const diff = (pixel(smooth, x, y)[ch] ?? 0) - (pixel(point, x, y)[ch] ?? 0);
          worst = Math.max(worst, Math.abs(diff));
          bias[ch] = (bias[ch] ?? 0) + diff;
        }
      }
    }
    expect(pixel(point, 30, 25)[2]).toBe(128); // inside the ramp, not the black fill
    expect(worst).toBeLessThanOrEqual(1);
    // A one-source-pixel slip would bias red by 0.5 and green by 0.6 levels.
    for (const sum of bias) expect(Math.abs(sum / n)).toBeLessThan(0.1);
  });

  it('refuses a bad size or a singular map', () => {
    expect(() => warpAffine(SRC, IDENTITY_AFFINE, { width: 0, height: 3 })).toThrow(RangeError);
    expect(() => warpAffine(SRC, [0, 0, 0, 0, 0, 0], { width: 3, height: 3 })).toThrow(RangeError);
  });
});
