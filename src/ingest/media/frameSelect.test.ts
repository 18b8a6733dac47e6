import { describe, expect, it } from 'vitest';
import { selectFrames } from './frameSelect';

const times = (n: number, rate: number) => Array.from({ length: n }, (_, k) => k / rate);

describe('selectFrames (same frames as ffmpeg -vf fps=...)', () => {
  it('25 fps, 4 s, at 10 fps: the frames ffmpeg 5.1 keeps', () => {
    // framemd5 of `ffmpeg -i t25.mp4 -vf fps=10` matched against every decoded frame.
    expect(selectFrames(times(100, 25), 4, 10)).toEqual([
      1, 3, 6, 8, 11, 13, 16, 18, 21, 23, 26, 28, 31, 33, 36, 38, 41, 43, 46, 48, 51, 53, 56, 58,
      61, 63, 66, 68, 71, 73, 76, 78, 81, 83, 86, 88, 91, 93, 96, 98,
    ]);
  });

  it('output frame counts as ffmpeg gives them', () => {
    // (source rate, frames, fps) -> ffmpeg's output count
    const cases: [number, number, number, number][] = [
      [30, 99, 10, 33],
      [30, 99, 7, 23],
      [30, 99, 5.12, 17],
      [30, 99, 3.7, 12],
      [25, 51, 10, 20],
      [25, 51, 7, 14],
      [25, 51, 5.12, 10],
      [25, 51, 3.7, 8],
      [24, 120, 10, 50],
      [24, 120, 7, 35],
      [24, 120, 5.12, 26],
      [24, 120, 3.7, 19],
    ];
    for (const [rate, n, fps, out] of cases) {
      expect(selectFrames(times(n, rate), n / rate, fps), `${rate} ${n} ${fps}`).toHaveLength(out);
    }
  });

  it('a frame exactly half-way belongs to the later output frame', () => {
    // 20 fps -> 10 fps: frame 1 (0.05 s) is half-way between outputs 0 and 1.
    expect(selectFrames(times(8, 20), 0.4, 10)).toEqual([0, 2, 4, 6]);
  });

  it('repeats frames when the output rate is higher, and honours maxFrames', () => {
    expect(selectFrames(times(3, 5), 0.6, 10)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(selectFrames(times(100, 25), 4, 10, 3)).toEqual([1, 3, 6]);
    expect(selectFrames([], 1, 10)).toEqual([]);
  });
});
