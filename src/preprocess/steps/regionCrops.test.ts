import { describe, expect, it } from 'vitest';
import type { Point } from '../types';
import { applyAffine, affineScale } from './affine';
import {
  DEFAULT_CROP_CONFIG,
  eyesCropAffine,
  mouthCornersFromCentre,
  mouthCropAffine,
  mouthCropAffineFromCentre,
  regionAffines,
} from './regionCrops';
import { brightCentroid, discs } from '../../automation/preprocess/images';
import { warpAffine } from './warp';

const cfg = DEFAULT_CROP_CONFIG;
const SIZE = { width: 224, height: 224 };
const dist = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);

describe('DEFAULT_CROP_CONFIG', () => {
  it("has the paper's size and eye targets, FAN padding and our mouth targets", () => {
    expect(cfg).toEqual({
      size: 224,
      facePadding: 0.25,
      eyesTarget: { right: { x: 0.2, y: 0.6 }, left: { x: 0.8, y: 0.6 } },
      mouthTarget: { right: { x: 0.25, y: 0.35 }, left: { x: 0.75, y: 0.35 } },
    });
  });
});

describe('eyes crop', () => {
  for (const eyes of [
    { right: { x: 140.3, y: 97.8 }, left: { x: 190.6, y: 122.1 } }, // tilted ~26 deg, 56 px apart
    { right: { x: 300, y: 220 }, left: { x: 330, y: 205 } }, // small, other way
  ]) {
    it(`puts the eye centres at (0.2, 0.6) and (0.8, 0.6) within 1 px (${eyes.right.x})`, () => {
      const m = eyesCropAffine(eyes, cfg);
      const r = applyAffine(m, eyes.right);
      const l = applyAffine(m, eyes.left);
      expect(dist(r, { x: 44.8, y: 134.4 })).toBeLessThan(1e-9);
      expect(dist(l, { x: 179.2, y: 134.4 })).toBeLessThan(1e-9);

      const img = discs(480, 320, [eyes.right, eyes.left], 4);
      const crop = warpAffine(img, m, SIZE);
      expect(
        dist(brightCentroid(crop, { x: 44.8, y: 134.4 }, 30), { x: 44.8, y: 134.4 }),
      ).toBeLessThan(1);
      expect(
        dist(brightCentroid(crop, { x: 179.2, y: 134.4 }, 30), { x: 179.2, y: 134.4 }),
      ).toBeLessThan(1);
    });
  }
});

describe('mouth crop', () => {
  const mouth = { right: { x: 201.7, y: 139.2 }, left: { x: 245.3, y: 141.4 } };
  const targets = { right: { x: 56, y: 78.4 }, left: { x: 168, y: 78.4 } };

  it('puts the mouth corners on the mouth targets within 1 px (geometry and pixels)', () => {
    const m = mouthCropAffine(mouth, cfg);
    expect(dist(applyAffine(m, mouth.right), targets.right)).toBeLessThan(1e-9);
    expect(dist(applyAffine(m, mouth.left), targets.left)).toBeLessThan(1e-9);
    const crop = warpAffine(discs(400, 300, [mouth.right, mouth.left], 3), m, SIZE);
    expect(dist(brightCentroid(crop, targets.right, 30), targets.right)).toBeLessThan(1);
    expect(dist(brightCentroid(crop, targets.left, 30), targets.left)).toBeLessThan(1);
  });

  it('falls back to corners along the eye line, 0.9 eye distances wide, around the mouth centre', () => {
    const eyes = { right: { x: 100, y: 110 }, left: { x: 140, y: 80 } }; // 50 px apart
    const centre = { x: 150, y: 160 };
    const c = mouthCornersFromCentre(centre, eyes);
    expect(dist(c.right, c.left)).toBeCloseTo(45, 9);
    expect((c.right.x + c.left.x) / 2).toBeCloseTo(150, 9);
    expect((c.right.y + c.left.y) / 2).toBeCloseTo(160, 9);
    expect((c.left.y - c.right.y) / (c.left.x - c.right.x)).toBeCloseTo(-30 / 40, 9);
    const m = mouthCropAffineFromCentre(centre, eyes, cfg);
    const mid = applyAffine(m, centre);
    expect(mid.x).toBeCloseTo(112, 9);
    expect(mid.y).toBeCloseTo(78.4, 9);
    expect(affineScale(m)).toBeCloseTo(112 / 45, 9);
  });

  it('regionAffines uses the mesh corners when present, else the fallback', () => {
    const box = { x: 173, y: 67, width: 103, height: 103 };
    const k = {
      rightEye: { x: 203.6, y: 101.2 },
      leftEye: { x: 246.5, y: 103.5 },
      noseTip: { x: 224, y: 125 },
      mouthRight: mouth.right,
      mouthLeft: mouth.left,
      mouthCenter: { x: 223.5, y: 140.3 },
    };
    const withMesh = regionAffines(box, k, cfg);
    expect(withMesh.mouth).toEqual(mouthCropAffine(mouth, cfg));
    expect(withMesh.eyes).toEqual(eyesCropAffine({ right: k.rightEye, left: k.leftEye }, cfg));
    const without = regionAffines(box, { ...k, mouthRight: null, mouthLeft: null }, cfg);
    expect(without.mouth).toEqual(
      mouthCropAffineFromCentre(k.mouthCenter, { right: k.rightEye, left: k.leftEye }, cfg),
    );
    expect(without.face).toEqual(withMesh.face);
  });
});
