import { describe, expect, it } from 'vitest';
import { mineClip, validateMiningConfig, type MiningFrame } from './mining';

const W = 640;
const H = 360;
/** 20% of the frame's height: 72x72 = 2.25% of the area (above the 2% default). */
const BIG = { x: 280, y: 100, width: 72, height: 72 };
/** 36x36 = 0.56% of the area. */
const SMALL = { x: 300, y: 150, width: 36, height: 36 };

type Box = MiningFrame['boxes'][number];

function video(perFrame: Box[][], fps = 10): MiningFrame[] {
  return perFrame.map((boxes, i) => ({
    frameIndex: i,
    timestampSec: i / fps,
    width: W,
    height: H,
    boxes,
  }));
}

function repeat(n: number, boxes: Box[]): Box[][] {
  return Array.from({ length: n }, () => boxes);
}

describe('mineClip', () => {
  it('accepts one large face over 30 frames and returns the whole run as the clip', () => {
    const r = mineClip(video([...repeat(3, []), ...repeat(40, [BIG]), ...repeat(2, [])]));
    const clip = {
      startFrame: 3,
      endFrame: 42,
      startSec: 0.3,
      endSec: 4.2,
      frameCount: 40,
      largeFaceFrames: 40,
      track: 0,
      faceIndices: Array.from({ length: 40 }, () => 0),
    };
    expect(r).toEqual({ accepted: true, clip, clips: [clip] });
  });

  it('needs f consecutive frames: 29 is too short, 30 is enough', () => {
    expect(mineClip(video(repeat(29, [BIG])))).toEqual({
      accepted: false,
      reason: 'too-short',
      longestRun: 29,
    });
    expect(mineClip(video(repeat(30, [BIG]))).accepted).toBe(true);
    // A gap breaks the run even when the total is enough.
    const gapped = video([...repeat(20, [BIG]), [], ...repeat(20, [BIG])]);
    expect(mineClip(gapped)).toMatchObject({
      accepted: false,
      reason: 'too-short',
      longestRun: 20,
    });
    expect(mineClip(gapped, { minRunFrames: 20 })).toMatchObject({
      accepted: true,
      clip: { startFrame: 0, endFrame: 19 },
    });
  });

  it('rejects two faces side by side as multiple-faces', () => {
    const two = [BIG, { ...BIG, x: 40 }];
    expect(mineClip(video(repeat(60, two)))).toEqual({
      accepted: false,
      reason: 'multiple-faces',
      longestRun: 0,
    });
    // A detector that loses the second face now and then still leaves runs too short.
    const flaky = video(repeat(60, two).map((b, i) => (i % 7 === 0 ? [BIG] : b)));
    expect(mineClip(flaky)).toMatchObject({ accepted: false, reason: 'multiple-faces' });
  });

  it('rejects a video without faces as no-face', () => {
    expect(mineClip(video(repeat(50, [])))).toEqual({
      accepted: false,
      reason: 'no-face',
      longestRun: 0,
    });
    expect(mineClip([])).toMatchObject({ accepted: false, reason: 'no-face' });
  });

  it('rejects a small face as face-too-small, and uses the majority rule', () => {
    expect(mineClip(video(repeat(40, [SMALL])))).toEqual({
      accepted: false,
      reason: 'face-too-small',
      longestRun: 40,
    });
    // Exactly half large is not a majority; one more is.
    const half = video([...repeat(20, [BIG]), ...repeat(20, [SMALL])]);
    expect(mineClip(half)).toMatchObject({ accepted: false, reason: 'face-too-small' });
    const more = video([...repeat(21, [BIG]), ...repeat(19, [SMALL])]);
    expect(mineClip(more)).toMatchObject({ accepted: true, clip: { largeFaceFrames: 21 } });
    // The threshold is a setting.
    expect(mineClip(video(repeat(40, [SMALL])), { minFaceAreaFraction: 0.005 }).accepted).toBe(
      true,
    );
  });

  it('takes the first run that passes, skipping an earlier small-face run', () => {
    const r = mineClip(video([...repeat(35, [SMALL]), [], ...repeat(31, [BIG])]));
    expect(r).toMatchObject({ accepted: true, clip: { startFrame: 36, endFrame: 66 } });
  });

  it('validates its settings', () => {
    expect(() => validateMiningConfig({ minRunFrames: 0 })).toThrow(RangeError);
    expect(() => validateMiningConfig({ minFaceAreaFraction: 1 })).toThrow(RangeError);
    expect(() => validateMiningConfig({ majority: -0.1 })).toThrow(RangeError);
    expect(validateMiningConfig()).toEqual({
      minRunFrames: 30,
      minFaceAreaFraction: 0.02,
      majority: 0.5,
      dominance: 2,
      tracking: { minIou: 0.3, maxCentreShift: 0.5, maxGap: 2 },
    });
    expect(() => validateMiningConfig({ dominance: 0.5 })).toThrow(RangeError);
    expect(() =>
      validateMiningConfig({ tracking: { minIou: 0, maxCentreShift: 1, maxGap: 1 } }),
    ).toThrow(RangeError);
  });
});
