import { describe, expect, it } from 'vitest';
import { clipFramesNote, outcomeMessage, outcomeNotes } from './outcomeNotes';

const base = {
  status: 'done' as const,
  flags: [],
  sampled: 30,
  kept: 30,
  dropped: { 'no-face': 0, 'no-landmarks': 0, 'decode-error': 0 },
  mining: null,
  error: null,
};

describe('outcome notes', () => {
  it('says nothing about an item that came out fine', () => {
    expect(outcomeMessage(base)).toBeNull();
  });

  it('names a video with no face in any frame', () => {
    expect(
      outcomeMessage({
        ...base,
        status: 'flagged',
        flags: ['too-few-frames', 'mining-rejected'],
        kept: 0,
        dropped: { 'no-face': 30, 'no-landmarks': 0, 'decode-error': 0 },
        mining: { accepted: false, reason: 'no-face', longestRun: 0 },
      }),
    ).toBe('no face found in any frame (30 sampled)');
  });

  it('explains mixed drops, too few frames, a rejected clip and a failure', () => {
    expect(
      outcomeMessage({
        ...base,
        status: 'flagged',
        flags: ['too-few-frames'],
        kept: 0,
        dropped: { 'no-face': 20, 'no-landmarks': 8, 'decode-error': 2 },
      }),
    ).toBe(
      'no usable face in any frame (30 sampled: no face in 20, no usable landmarks in 8, 2 not decodable)',
    );
    expect(
      outcomeMessage({
        ...base,
        status: 'flagged',
        flags: ['too-few-frames'],
        kept: 3,
        dropped: { 'no-face': 27, 'no-landmarks': 0, 'decode-error': 0 },
      }),
    ).toBe('only 3 of 30 sampled frames had a usable face: too few to use');
    expect(
      outcomeMessage({
        ...base,
        status: 'flagged',
        flags: ['mining-rejected'],
        mining: { accepted: false, reason: 'multiple-faces', longestRun: 0 },
      }),
    ).toBe('not used as an unlabelled clip: more than one face in most frames');
    expect(
      outcomeMessage({ ...base, status: 'failed', kept: 0, sampled: 0, error: 'corrupt file' }),
    ).toBe('could not be processed: corrupt file');
    expect(
      outcomeMessage({
        ...base,
        status: 'flagged',
        flags: ['too-few-frames'],
        kept: 0,
        dropped: { 'no-face': 0, 'no-landmarks': 0, 'decode-error': 30 },
      }),
    ).toBe('no frame could be decoded (30 frames tried)');
  });

  it('lists only flagged and failed items, by key', () => {
    const notes = outcomeNotes('ds', [
      { ...base, itemId: 'ds:a.mp4' },
      { ...base, itemId: 'ds:<b>"x"</b>.mp4', status: 'failed', error: 'boom' },
    ]);
    expect(notes).toEqual([
      {
        itemId: 'ds:<b>"x"</b>.mp4',
        key: '<b>"x"</b>.mp4',
        status: 'failed',
        message: 'could not be processed: boom',
      },
    ]);
  });

  it('adds the kept frames with small faces to a flagged item', () => {
    expect(
      outcomeMessage({
        ...base,
        status: 'flagged',
        flags: ['too-few-frames'],
        kept: 3,
        smallFaceFrames: 2,
      }),
    ).toBe(
      'only 3 of 30 sampled frames had a usable face: too few to use; ' +
        '2 kept frames with a face under about 40 px (landmarks unreliable)',
    );
  });
});

describe('the inference clip note', () => {
  it('says 4 of 25 frames were used by the frame budget, not that 21 faces were missed', () => {
    const note = clipFramesNote({ name: 'a.mp4', sampled: 25, withFace: 25, used: 4, perClip: 4 });
    expect(note).toBe(
      'a.mp4: 25 frames sampled, all with a face, 4 fed to the model (it takes 4 frames per clip, spread over the clip)',
    );
    expect(note).not.toMatch(/4 of 25/);
  });

  it('counts missed faces only when there were some', () => {
    expect(clipFramesNote({ name: 'b.mp4', sampled: 30, withFace: 21, used: 8, perClip: 8 })).toBe(
      'b.mp4: 30 frames sampled, 21 with a face, 8 fed to the model (it takes 8 frames per clip, spread over the clip)',
    );
  });

  it('says when the clip has fewer faces than the model takes', () => {
    expect(clipFramesNote({ name: 'c.mp4', sampled: 5, withFace: 3, used: 3, perClip: 8 })).toBe(
      'c.mp4: 5 frames sampled, 3 with a face, all 3 fed to the model (it takes 8 frames per clip; the missing ones are masked out)',
    );
    expect(clipFramesNote({ name: 'p.png', sampled: 1, withFace: 1, used: 1, perClip: 8 })).toBe(
      'p.png: 1 frame sampled, with a face, 1 fed to the model (it takes 8 frames per clip; the missing ones are masked out)',
    );
  });
});
