import { describe, expect, it } from 'vitest';
import { clipLine, parseNodeBenchArgs } from './nodeModel';

describe('parseNodeBenchArgs', () => {
  it('defaults to the full size at 1 x 2 and 16-frame clip inference', () => {
    expect(parseNodeBenchArgs(['--runtime', 'node-webgpu'])).toEqual({
      tiny: false,
      fullClips: 1,
      fullFrames: 2,
      clipFrames: 16,
      reps: 2,
      fullTrain: true,
    });
  });
  it('reads --tiny, sizes and --no-full-train', () => {
    const p = parseNodeBenchArgs([
      '--tiny',
      '--full-clips',
      '2',
      '--full-frames',
      '8',
      '--reps',
      '1',
      '--no-full-train',
    ]);
    expect(p).toMatchObject({ tiny: true, fullClips: 2, fullFrames: 8, reps: 1, fullTrain: false });
  });
  it('names a bad number', () => {
    expect(() => parseNodeBenchArgs(['--full-frames', 'x'])).toThrow(
      '--full-frames must be a positive integer',
    );
    expect(() => parseNodeBenchArgs(['--reps', '0'])).toThrow('--reps');
  });
});

describe('clipLine', () => {
  it('gives the median of the timed runs and frames/s', () => {
    const line = clipLine({
      backend: 'webgpu',
      inputSize: 224,
      frames: 16,
      warmupMs: 900,
      ms: [300, 100, 200],
    });
    expect(line).toBe(
      'clip inference (webgpu, 224 px, 1 x 16 frames): 200 ms median (80.00 frames/s), first run 900 ms',
    );
  });
});
