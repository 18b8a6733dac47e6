import { describe, expect, it } from 'vitest';
import type { Affine } from '../types';
import {
  affineRotation,
  affineScale,
  applyAffine,
  composeAffine,
  IDENTITY_AFFINE,
  invertAffine,
  rotationAbout,
  similarityFromPairs,
} from './affine';

const M: Affine = [1.5, -0.3, 12, 0.4, 0.8, -7];
const N: Affine = [0.2, 1.1, -3, -0.9, 0.5, 4];

describe('affine helpers', () => {
  it("applies [a, b, c, d, e, f] as x' = ax + by + c, y' = dx + ey + f", () => {
    expect(applyAffine(M, { x: 2, y: 10 })).toEqual({ x: 1.5 * 2 - 3 + 12, y: 0.8 + 8 - 7 });
  });

  it('inverts: m(inv(m)(p)) = p and the product is the identity', () => {
    const inv = invertAffine(M);
    const p = { x: 37.25, y: -11.5 };
    const back = applyAffine(M, applyAffine(inv, p));
    expect(back.x).toBeCloseTo(p.x, 10);
    expect(back.y).toBeCloseTo(p.y, 10);
    composeAffine(M, inv).forEach((v, i) => expect(v).toBeCloseTo(IDENTITY_AFFINE[i] ?? NaN, 12));
  });

  it('throws on a singular matrix', () => {
    expect(() => invertAffine([1, 2, 0, 2, 4, 0])).toThrow(RangeError);
  });

  it('composes outer after inner', () => {
    const p = { x: 3, y: -4 };
    const direct = applyAffine(composeAffine(M, N), p);
    const stepwise = applyAffine(M, applyAffine(N, p));
    expect(direct.x).toBeCloseTo(stepwise.x, 12);
    expect(direct.y).toBeCloseTo(stepwise.y, 12);
  });

  it('rotates counter-clockwise on screen (y down) about the centre', () => {
    const c = { x: 10, y: 20 };
    const r = rotationAbout(c, Math.PI / 2);
    const fixed = applyAffine(r, c);
    expect(fixed.x).toBeCloseTo(10, 12);
    expect(fixed.y).toBeCloseTo(20, 12);
    // A point to the right of the centre goes above it (smaller y).
    const right = applyAffine(r, { x: 15, y: 20 });
    expect(right.x).toBeCloseTo(10, 12);
    expect(right.y).toBeCloseTo(15, 12);
    expect(affineRotation(r)).toBeCloseTo(Math.PI / 2, 12);
  });

  it('similarityFromPairs maps both pairs exactly with rotation + uniform scale only', () => {
    const srcA = { x: 100, y: 50 };
    const srcB = { x: 130, y: 90 }; // 50 px apart
    const dstA = { x: 44.8, y: 134.4 };
    const dstB = { x: 179.2, y: 134.4 }; // 134.4 px apart
    const m = similarityFromPairs(srcA, srcB, dstA, dstB);
    const a = applyAffine(m, srcA);
    const b = applyAffine(m, srcB);
    expect(a.x).toBeCloseTo(dstA.x, 9);
    expect(a.y).toBeCloseTo(dstA.y, 9);
    expect(b.x).toBeCloseTo(dstB.x, 9);
    expect(b.y).toBeCloseTo(dstB.y, 9);
    expect(m[0]).toBeCloseTo(m[4], 12);
    expect(m[1]).toBeCloseTo(-m[3], 12);
    expect(affineScale(m)).toBeCloseTo(134.4 / 50, 12);
    // The source line points down-right at atan2(40, 30); levelling it is a CCW turn.
    expect(affineRotation(m)).toBeCloseTo(Math.atan2(40, 30), 12);
  });

  it('similarityFromPairs refuses coincident source points', () => {
    const p = { x: 1, y: 1 };
    expect(() => similarityFromPairs(p, p, { x: 0, y: 0 }, { x: 1, y: 0 })).toThrow(RangeError);
  });
});
