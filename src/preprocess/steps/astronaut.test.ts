/**
 * The crops on a real face: tests/fixtures/faces/astronaut.png (512x512, NASA, public domain),
 * with the landmarks the face models measured on it (docs/face-models.md, "Checks"): box
 * (173,67) 103x103, iris centres (203.6,101.2) / (246.5,103.5), mouth corners (202,139) /
 * (245,141), all 478 landmarks within (179,69)-(271,178).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Point, RgbaImage } from '../types';
import { applyAffine, affineScale } from './affine';
import { levellingAngleDeg } from './alignment';
import { clahe } from './clahe';
import { lightnessOf, meanLightness, toLab } from './lab';
import { DEFAULT_CROP_CONFIG, regionAffines } from './regionCrops';
import { loadAstronaut } from '../../automation/preprocess/png';
import { pixel, stats } from '../../automation/preprocess/images';
import { warpAffine } from './warp';

const cfg = DEFAULT_CROP_CONFIG;
const SIZE = { width: 224, height: 224 };
const box = { x: 173, y: 67, width: 103, height: 103 };
const keypoints = {
  rightEye: { x: 203.6, y: 101.2 },
  leftEye: { x: 246.5, y: 103.5 },
  noseTip: { x: 225, y: 125 },
  mouthRight: { x: 202, y: 139 },
  mouthLeft: { x: 245, y: 141 },
  mouthCenter: { x: 223.5, y: 140 },
};
const chin = { x: 225, y: 178 }; // lowest landmark
const dist = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);

/** Centre of the darkest 5x5 window (mean L*) whose centre lies within `radius` of `near`. */
function darkest(img: RgbaImage, near: Point, radius: number): Point {
  let best = { x: NaN, y: NaN };
  let bestL = Infinity;
  for (let cy = Math.round(near.y - radius); cy <= near.y + radius; cy++) {
    for (let cx = Math.round(near.x - radius); cx <= near.x + radius; cx++) {
      let s = 0;
      for (let y = cy - 2; y <= cy + 2; y++) {
        for (let x = cx - 2; x <= cx + 2; x++) {
          const [r, g, b] = pixel(img, x, y);
          s += lightnessOf(r, g, b);
        }
      }
      if (s < bestL) {
        bestL = s;
        best = { x: cx + 0.5, y: cy + 0.5 };
      }
    }
  }
  return best;
}

let img: RgbaImage;
beforeAll(async () => {
  img = await loadAstronaut();
});

describe('astronaut.png', () => {
  it('decodes (8-bit RGB, all PNG row filters) to the same pixels as an independent decoder', () => {
    expect([img.width, img.height]).toEqual([512, 512]);
    // Reference values from Python's zlib with a separate unfilter.
    expect(pixel(img, 0, 0)).toEqual([154, 147, 151, 255]);
    expect(pixel(img, 246, 103)).toEqual([28, 12, 5, 255]);
    expect(pixel(img, 225, 145)).toEqual([247, 232, 218, 255]);
    expect(pixel(img, 100, 300)).toEqual([232, 129, 84, 255]);
    expect(pixel(img, 511, 511)).toEqual([0, 0, 0, 255]);
  });

  it('face crop: eyes level, face centred, 224 / (1.5 * 103) px per source px', () => {
    const { face } = regionAffines(box, keypoints, cfg);
    expect(levellingAngleDeg({ right: keypoints.rightEye, left: keypoints.leftEye })).toBeCloseTo(
      3.07,
      2,
    );
    const r = applyAffine(face, keypoints.rightEye);
    const l = applyAffine(face, keypoints.leftEye);
    expect(Math.abs(r.y - l.y)).toBeLessThan(0.5);
    expect(affineScale(face)).toBeCloseTo(224 / 154.5, 9);
    // Eyes in the upper half, mouth and chin inside the crop.
    expect(r.y).toBeGreaterThan(60);
    expect(r.y).toBeLessThan(100);
    expect(applyAffine(face, chin).y).toBeLessThan(215);
    const crop = warpAffine(img, face, SIZE);
    expect(dist(darkest(crop, l, 8), l)).toBeLessThan(6); // the left iris is where it should be
    expect(meanLightness(crop)).toBeGreaterThan(0.5);
    expect(meanLightness(crop)).toBeLessThan(0.6);
  });

  it('eyes crop: irises at (0.2, 0.6) and (0.8, 0.6), mouth outside', () => {
    const { eyes } = regionAffines(box, keypoints, cfg);
    expect(dist(applyAffine(eyes, keypoints.rightEye), { x: 44.8, y: 134.4 })).toBeLessThan(1);
    expect(dist(applyAffine(eyes, keypoints.leftEye), { x: 179.2, y: 134.4 })).toBeLessThan(1);
    expect(applyAffine(eyes, keypoints.mouthRight).y).toBeGreaterThan(224);
    const crop = warpAffine(img, eyes, SIZE);
    for (const target of [
      { x: 44.8, y: 134.4 },
      { x: 179.2, y: 134.4 },
    ]) {
      expect(dist(darkest(crop, target, 16), target)).toBeLessThan(10);
    }
  });

  it('mouth crop: corners on the targets, eyes outside, nose tip and chin inside', () => {
    const { mouth } = regionAffines(box, keypoints, cfg);
    expect(dist(applyAffine(mouth, keypoints.mouthRight), { x: 56, y: 78.4 })).toBeLessThan(1);
    expect(dist(applyAffine(mouth, keypoints.mouthLeft), { x: 168, y: 78.4 })).toBeLessThan(1);
    expect(applyAffine(mouth, keypoints.rightEye).y).toBeLessThan(0);
    expect(applyAffine(mouth, keypoints.leftEye).y).toBeLessThan(0);
    const nose = applyAffine(mouth, keypoints.noseTip);
    expect(nose.y).toBeGreaterThan(0);
    const c = applyAffine(mouth, chin);
    expect(c.y).toBeGreaterThan(150);
    expect(c.y).toBeLessThan(224);
    // Pixels: the smile's teeth (a band just below the corners' line) are brighter than the
    // upper lip just above them.
    const crop = warpAffine(img, mouth, SIZE);
    const bandL = (y0: number, y1: number): number => {
      const v: number[] = [];
      for (let y = y0; y <= y1; y++) {
        for (let x = 96; x <= 128; x++) {
          const [r, g, b] = pixel(crop, x, y);
          v.push(lightnessOf(r, g, b));
        }
      }
      return stats(v).mean;
    };
    expect(bandL(92, 98)).toBeGreaterThan(bandL(82, 87) + 10);
  });

  it('mouth crop from the mouth centre only (no mesh): eyes outside, chin inside', () => {
    const { mouth } = regionAffines(box, { ...keypoints, mouthRight: null, mouthLeft: null }, cfg);
    expect(applyAffine(mouth, keypoints.rightEye).y).toBeLessThan(0);
    const c = applyAffine(mouth, chin);
    expect(c.y).toBeGreaterThan(150);
    expect(c.y).toBeLessThan(224);
  });

  it('CLAHE on the face crop raises local contrast', () => {
    const crop = warpAffine(img, regionAffines(box, keypoints, cfg).face, SIZE);
    const before = stats(toLab(crop).L);
    const after = stats(toLab(clahe(crop, { clipLimit: 2.5, tiles: 8 })).L);
    expect(after.std).toBeGreaterThan(before.std);
  });
});
