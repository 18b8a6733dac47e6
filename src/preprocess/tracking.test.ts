import { describe, expect, it } from 'vitest';
import { mineClip, type MiningFrame } from './mining';
import { trackFaces, type TrackBox } from './tracking';

const W = 640;
const H = 360;

/** A square face of `side` px centred on (cx, cy). */
function at(cx: number, cy: number, side: number): TrackBox {
  return { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
}

function video(perFrame: TrackBox[][], fps = 10): MiningFrame[] {
  return perFrame.map((boxes, i) => ({
    frameIndex: i,
    timestampSec: i / fps,
    width: W,
    height: H,
    boxes,
  }));
}

/**
 * Two people, A on the left and B on the right, for `n` frames; half-way they swap sizes
 * (A 100 px -> 40 px, B 40 px -> 100 px), with a little jitter. The detector lists the
 * faces in an order that changes from frame to frame (as it does: by score).
 */
function swapVideo(n = 64): { frames: TrackBox[][]; aIsFirst: boolean[] } {
  const frames: TrackBox[][] = [];
  const aIsFirst: boolean[] = [];
  for (let t = 0; t < n; t++) {
    const jitter = ((t * 7) % 5) - 2;
    const firstHalf = t < n / 2;
    const a = at(180 + jitter, 180, firstHalf ? 100 : 40);
    const b = at(460 - jitter, 170, firstHalf ? 40 : 100);
    const aFirst = t % 3 !== 1;
    frames.push(aFirst ? [a, b] : [b, a]);
    aIsFirst.push(aFirst);
  }
  return { frames, aIsFirst };
}

describe('trackFaces', () => {
  it('keeps each person on one track through a size swap and a changing detection order', () => {
    const { frames, aIsFirst } = swapVideo();
    const ids = trackFaces(frames);
    ids.forEach((row, t) => {
      const [first, second] = row;
      // A is track 0 (seen first at index 0), B track 1.
      expect(aIsFirst[t] ? [first, second] : [second, first], `frame ${t}`).toEqual([0, 1]);
    });
  });

  it('bridges a missed frame or two, and starts a new track after a longer gap', () => {
    const face = at(300, 180, 80);
    const ids = trackFaces([[face], [], [face], [], [], [], [face]]);
    expect(ids).toEqual([[0], [], [0], [], [], [], [1]]);
  });

  it('matches the nearest box first: two faces walking past each other stay apart', () => {
    const frames = Array.from({ length: 10 }, (_, t) => [
      at(100 + 20 * t, 180, 60),
      at(500 - 20 * t, 180, 60),
    ]);
    expect(trackFaces(frames).every((row) => row[0] === 0 && row[1] === 1)).toBe(true);
  });

  it('gives a face that appears far away a track of its own', () => {
    expect(trackFaces([[at(100, 100, 50)], [at(500, 300, 50)]])).toEqual([[0], [1]]);
  });
});

describe('mineClip with tracks', () => {
  it('two faces that swap sizes half-way give two clips, each following one face', () => {
    const { frames } = swapVideo();
    const r = mineClip(video(frames));
    if (!r.accepted) throw new Error(`rejected: ${r.reason}`);
    expect(r.clips?.map((c) => [c.track, c.startFrame, c.endFrame])).toEqual([
      [0, 0, 31],
      [1, 32, 63],
    ]);
    expect(r.clip).toEqual(r.clips?.[0]);
    // Each clip frame's face (the one cropped, the largest) is its track's person.
    for (const clip of r.clips ?? []) {
      clip.faceIndices?.forEach((j, k) => {
        const box = frames[clip.startFrame + k]?.[j];
        const centreX = (box?.x ?? 0) + (box?.width ?? 0) / 2;
        expect(centreX < W / 2 ? 0 : 1).toBe(clip.track);
        expect(box?.width).toBe(100);
      });
    }
  });

  it('the paper\'s "exactly one face" (dominance Infinity) rejects the same video', () => {
    const { frames } = swapVideo();
    expect(mineClip(video(frames), { dominance: Infinity })).toMatchObject({
      accepted: false,
      reason: 'multiple-faces',
    });
  });

  it('a largest face that jumps between people every few frames gives no clip', () => {
    // Two equal-ish people; the larger one alternates every 5 frames.
    const frames = Array.from({ length: 60 }, (_, t) => {
      const aBig = Math.floor(t / 5) % 2 === 0;
      return [at(180, 180, aBig ? 100 : 40), at(460, 180, aBig ? 40 : 100)];
    });
    expect(mineClip(video(frames))).toEqual({
      accepted: false,
      reason: 'too-short',
      longestRun: 5,
    });
  });

  it('a bystander at half the size does not break a clip; a near-equal one does', () => {
    const lead = at(200, 180, 100);
    const small = at(500, 180, 70); // 0.49 of the area
    const near = at(500, 180, 80); // 0.64 of the area
    expect(mineClip(video(Array.from({ length: 30 }, () => [lead, small])))).toMatchObject({
      accepted: true,
      clip: { track: 0, frameCount: 30 },
    });
    expect(mineClip(video(Array.from({ length: 30 }, () => [lead, near])))).toMatchObject({
      accepted: false,
      reason: 'multiple-faces',
    });
  });
});
