import { describe, expect, it } from 'vitest';
import type { Point } from '../types';
import { affineScale, applyAffine } from './affine';
import { eyeLineAngle, faceCropAffine, levellingAngleDeg } from './alignment';
import { DEFAULT_CROP_CONFIG } from './regionCrops';
import { brightCentroid, discs } from '../../automation/preprocess/images';
import { warpAffine } from './warp';

const cfg = DEFAULT_CROP_CONFIG;
const deg = Math.PI / 180;

/** Eyes `dist` apart about `mid`, the face turned counter-clockwise on screen by `tiltDeg`. */
function tiltedEyes(mid: Point, dist: number, tiltDeg: number): { right: Point; left: Point } {
  const ux = Math.cos(tiltDeg * deg) * (dist / 2);
  const uy = -Math.sin(tiltDeg * deg) * (dist / 2);
  return { right: { x: mid.x - ux, y: mid.y - uy }, left: { x: mid.x + ux, y: mid.y + uy } };
}

describe('eyeLineAngle', () => {
  it('is 0 for level eyes and positive when the left eye (image right) is higher', () => {
    expect(eyeLineAngle({ x: 10, y: 50 }, { x: 60, y: 50 })).toBe(0);
    expect(eyeLineAngle({ x: 10, y: 50 }, { x: 60, y: 0 })).toBeCloseTo(Math.PI / 4, 12);
    expect(eyeLineAngle({ x: 10, y: 50 }, { x: 60, y: 100 })).toBeCloseTo(-Math.PI / 4, 12);
  });

  it('levellingAngleDeg is minus the tilt, in degrees', () => {
    const eyes = tiltedEyes({ x: 0, y: 0 }, 40, 12);
    expect(eyeLineAngle(eyes.right, eyes.left)).toBeCloseTo(12 * deg, 12);
    expect(levellingAngleDeg(eyes)).toBeCloseTo(-12, 10);
  });
});

describe('faceCropAffine', () => {
  const box = { x: 150, y: 100, width: 120, height: 100 };
  const centre = { x: 210, y: 150 };

  it('maps the padded square around the box centre onto the crop (no tilt)', () => {
    const m = faceCropAffine(box, tiltedEyes({ x: 210, y: 130 }, 50, 0), cfg);
    const side = 120 * 1.5; // max(w, h) * (1 + 2 * 0.25)
    const tl = applyAffine(m, { x: centre.x - side / 2, y: centre.y - side / 2 });
    const br = applyAffine(m, { x: centre.x + side / 2, y: centre.y + side / 2 });
    expect(tl.x).toBeCloseTo(0, 9);
    expect(tl.y).toBeCloseTo(0, 9);
    expect(br.x).toBeCloseTo(224, 9);
    expect(br.y).toBeCloseTo(224, 9);
  });

  for (const tilt of [-30, -12, 3, 30]) {
    it(`levels the eye line for a face tilted ${tilt} degrees (geometry and pixels)`, () => {
      const eyes = tiltedEyes({ x: 205, y: 128 }, 48, tilt);
      const m = faceCropAffine(box, eyes, cfg);
      const r = applyAffine(m, eyes.right);
      const l = applyAffine(m, eyes.left);
      expect(Math.abs(r.y - l.y)).toBeLessThan(1e-9);
      expect(l.x - r.x).toBeCloseTo(48 * affineScale(m), 9); // not mirrored
      const c = applyAffine(m, centre);
      expect(c.x).toBeCloseTo(112, 9);
      expect(c.y).toBeCloseTo(112, 9);

      // Two bright discs as eyes in a synthetic frame; find them again in the warped crop.
      const img = discs(420, 300, [eyes.right, eyes.left], 5);
      const crop = warpAffine(img, m, { width: 224, height: 224 });
      const rc = brightCentroid(crop, r, 14);
      const lc = brightCentroid(crop, l, 14);
      expect(Math.abs(rc.y - lc.y)).toBeLessThan(0.5);
      expect(Math.hypot(rc.x - r.x, rc.y - r.y)).toBeLessThan(0.5);
      expect(Math.hypot(lc.x - l.x, lc.y - l.y)).toBeLessThan(0.5);
    });
  }

  it('refuses an empty box', () => {
    expect(() =>
      faceCropAffine({ x: 0, y: 0, width: 0, height: 0 }, tiltedEyes({ x: 0, y: 0 }, 10, 0), cfg),
    ).toThrow(RangeError);
  });
});
