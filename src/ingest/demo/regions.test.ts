import { describe, expect, it } from 'vitest';
import astronaut from '../../automation/demo/astronaut-landmarks.json';
import { ANCHOR, faceFrameOf, toFaceCoords } from './geometry';
import { faceAnchors, REGION_NAMES, regionMembers, regionWeights } from './regions';

const points = Float64Array.from(astronaut.flat());
const uv = toFaceCoords(faceFrameOf(points), points);
const weights = regionWeights(uv);

function meanV(indices: number[]): number {
  return indices.reduce((s, i) => s + (uv[2 * i + 1] ?? 0), 0) / indices.length;
}

describe('regions of the 478-point mesh (astronaut.png)', () => {
  it('anchors the face frame on the irises', () => {
    const a = faceAnchors(uv);
    expect(uv[2 * ANCHOR.rightIris]).toBeCloseTo(-0.5, 5);
    expect(uv[2 * ANCHOR.leftIris]).toBeCloseTo(0.5, 5);
    expect(a.rightEyeU).toBeLessThan(-0.35);
    expect(a.leftEyeU).toBeGreaterThan(0.35);
    expect(a.noseV).toBeGreaterThan(0.5);
    expect(a.mouthV).toBeGreaterThan(a.noseV);
    expect(a.chinV).toBeGreaterThan(a.lowerLipBottomV);
  });

  it('puts the known mesh points in the right regions', () => {
    const members = Object.fromEntries(
      REGION_NAMES.map((r) => [r, new Set(regionMembers(weights[r]))]),
    );
    // Mouth corners, inner lips, chin, iris centres, brow points of the mesh.
    expect(members.lipCorner?.has(61)).toBe(true);
    expect(members.lipCorner?.has(291)).toBe(true);
    expect(members.upperLip?.has(13)).toBe(true);
    expect(members.upperLip?.has(14)).toBe(false);
    expect(members.lowerLip?.has(14)).toBe(true);
    expect(members.jaw?.has(152)).toBe(true);
    expect(members.jaw?.has(13)).toBe(false);
    expect(members.brow?.has(105)).toBe(true);
    expect(members.brow?.has(334)).toBe(true);
    expect(members.browInner?.has(107)).toBe(true);
    expect(members.browOuter?.has(70)).toBe(true);
    expect(members.upperLid?.has(159)).toBe(true);
    expect(members.lowerLid?.has(145)).toBe(true);
    for (let i = 468; i < 478; i++) {
      expect(members.upperLid?.has(i)).toBe(false);
      expect(members.lowerLid?.has(i)).toBe(false);
      expect(members.brow?.has(i)).toBe(false);
    }
  });

  it('regions sit where anatomy puts them, symmetric and of sensible size', () => {
    const brow = regionMembers(weights.brow);
    const upperLid = regionMembers(weights.upperLid);
    const lowerLid = regionMembers(weights.lowerLid);
    expect(meanV(brow)).toBeLessThan(meanV(upperLid));
    expect(meanV(upperLid)).toBeLessThan(0);
    expect(meanV(lowerLid)).toBeGreaterThan(0);
    expect(meanV(regionMembers(weights.upperLip))).toBeLessThan(
      meanV(regionMembers(weights.lowerLip)),
    );
    for (const r of REGION_NAMES) {
      const m = regionMembers(weights[r]);
      expect(m.length, r).toBeGreaterThanOrEqual(4);
      expect(m.length, r).toBeLessThan(200);
      // Balanced between the face's halves (the mesh is symmetric).
      const right = m.filter((i) => (uv[2 * i] ?? 0) < -0.05).length;
      const left = m.filter((i) => (uv[2 * i] ?? 0) > 0.05).length;
      expect(Math.abs(right - left), r).toBeLessThanOrEqual(Math.max(2, 0.25 * m.length));
    }
  });
});
