import { describe, expect, it } from 'vitest';
import type { FaceResult } from '../types';
import { selectLargestFace } from './selectFace';

function face(width: number, height: number, score = 0.9): FaceResult {
  const p = { x: 0, y: 0 };
  return {
    box: { x: 10, y: 10, width, height },
    score,
    keypoints: {
      rightEye: p,
      leftEye: p,
      noseTip: p,
      mouthCenter: p,
      rightEarTragion: p,
      leftEarTragion: p,
    },
    landmarks: null,
  };
}

describe('selectLargestFace', () => {
  it('returns -1 without faces', () => {
    expect(selectLargestFace([])).toBe(-1);
  });

  it('picks the largest box area, not the widest or the best scored', () => {
    // areas 3000, 4900 (largest), 4000
    expect(selectLargestFace([face(100, 30, 0.99), face(70, 70, 0.6), face(40, 100, 0.95)])).toBe(
      1,
    );
  });

  it('breaks ties by score, then order, and skips empty boxes', () => {
    expect(selectLargestFace([face(50, 50, 0.7), face(50, 50, 0.8)])).toBe(1);
    expect(selectLargestFace([face(50, 50, 0.8), face(50, 50, 0.8)])).toBe(0);
    expect(selectLargestFace([face(0, 50), face(Number.NaN, 10)])).toBe(-1);
  });
});
