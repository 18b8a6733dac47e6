import { describe, expect, it } from 'vitest';
import { createImage, warpPiecewiseAffine, type RgbaImage } from './warp';

/** A 32x32 image with a smooth gradient (R along x, G along y) and a dark square. */
function gradient(): RgbaImage {
  const img = createImage(32, 32);
  for (let y = 0; y < 32; y++)
    for (let x = 0; x < 32; x++) {
      const o = (y * 32 + x) * 4;
      img.data[o] = x * 8;
      img.data[o + 1] = y * 8;
      img.data[o + 2] = x >= 10 && x < 14 && y >= 10 && y < 14 ? 0 : 200;
      img.data[o + 3] = 255;
    }
  return img;
}

// Two triangles covering [0, 32]^2 plus a centre point (4 triangles).
const square = Float64Array.from([0, 0, 32, 0, 32, 32, 0, 32, 16, 16]);
const tris = Uint32Array.from([0, 1, 4, 1, 2, 4, 2, 3, 4, 3, 0, 4]);

describe('warpPiecewiseAffine', () => {
  it('reproduces the image exactly when nothing moves', () => {
    const src = gradient();
    const out = warpPiecewiseAffine(src, square, square, tris, 32, 32);
    expect(Array.from(out.data)).toEqual(Array.from(src.data));
  });

  it('translates content when every point moves by the same offset', () => {
    const src = gradient();
    const moved = square.map((v, i) => v + (i % 2 === 0 ? 3 : 2));
    // Destination points larger than the frame: the frame is still covered.
    const out = warpPiecewiseAffine(src, square, moved, tris, 32, 32);
    // The dark square (10..13) is now at x 13..16, y 12..15.
    const blue = (x: number, y: number): number => out.data[(y * 32 + x) * 4 + 2] ?? -1;
    expect(blue(13, 12)).toBe(0);
    expect(blue(16, 15)).toBe(0);
    expect(blue(12, 12)).toBe(200);
    expect(blue(17, 15)).toBe(200);
    expect(out.data[(20 * 32 + 20) * 4]).toBe(17 * 8);
  });

  it('moves one vertex: pixels follow its triangle affinely and the rest stay', () => {
    const src = gradient();
    const dst = Float64Array.from(square);
    dst[8] = 20; // centre point (16,16) -> (20,16)
    const out = warpPiecewiseAffine(src, square, dst, tris, 32, 32);
    // A corner pixel is untouched.
    expect(out.data[0]).toBe(src.data[0]);
    // Pixel (19, 15), centre (19.5, 15.5), is in the top triangle, with barycentric weight
    // 15.5 / 16 on the moved vertex and (19.5 - 20 * 15.5 / 16) / 32 on (32, 0): it samples
    // source x = 32 * 0.00390625 + 16 * 0.96875 = 15.625, so R = (15.625 - 0.5) * 8 = 121.
    expect(out.data[(15 * 32 + 19) * 4]).toBe(121);
    // Left of the centre the image is stretched: x = 10 samples x = 10.5 * 16 / 20 - 0.5.
    const expected = (10.5 * 16) / 20 - 0.5;
    expect(out.data[(16 * 32 + 10) * 4]).toBe(Math.round(expected * 8));
  });

  it('shades the triangles asked for towards the colour', () => {
    const src = gradient();
    const amount = Float32Array.from([0, 0, 1, 0]); // the bottom triangle
    const out = warpPiecewiseAffine(src, square, square, tris, 32, 32, {
      amount,
      colour: [10, 20, 30],
    });
    const o = (28 * 32 + 16) * 4;
    expect([out.data[o], out.data[o + 1], out.data[o + 2]]).toEqual([10, 20, 30]);
    expect(out.data[(3 * 32 + 16) * 4 + 2]).toBe(200);
  });
});
