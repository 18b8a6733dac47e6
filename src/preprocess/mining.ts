/**
 * Unlabelled clip mining (paper Sec. 3, "Unlabelled Set"): a video is accepted when it has
 * at least `minRunFrames` (the paper's f >= 30) consecutive sampled frames in which exactly
 * one face is detected, and for the majority of those frames the face box covers more than
 * `minFaceAreaFraction` of the frame. The accepted run becomes the clip. Pure: it sees only
 * the faces found in each sampled frame, so it is tested on constructed cases.
 */

export interface MiningConfig {
  /** f: the fewest consecutive sampled frames with exactly one face (paper: 30). */
  minRunFrames: number;
  /**
   * A face box counts as a close shot when width x height exceeds this fraction of the
   * frame's area (paper: "an occupied area threshold", value not given; ours: 0.02, see
   * docs/preprocess-engine.md).
   */
  minFaceAreaFraction: number;
  /**
   * Fraction of a run's frames whose face must be large enough ("the majority": more than
   * 0.5). A run passes when strictly more than this fraction of its frames do.
   */
  majority: number;
}

export const DEFAULT_MINING_CONFIG: MiningConfig = {
  minRunFrames: 30,
  minFaceAreaFraction: 0.02,
  majority: 0.5,
};

export function validateMiningConfig(config: Partial<MiningConfig> = {}): MiningConfig {
  const c = { ...DEFAULT_MINING_CONFIG, ...config };
  if (!Number.isInteger(c.minRunFrames) || c.minRunFrames < 1) {
    throw new RangeError(`minRunFrames must be a positive integer, got ${c.minRunFrames}`);
  }
  if (!(c.minFaceAreaFraction >= 0 && c.minFaceAreaFraction < 1)) {
    throw new RangeError(`minFaceAreaFraction must be in [0, 1), got ${c.minFaceAreaFraction}`);
  }
  if (!(c.majority >= 0 && c.majority < 1)) {
    throw new RangeError(`majority must be in [0, 1), got ${c.majority}`);
  }
  return c;
}

/** The faces found in one sampled frame (boxes in the frame's pixels). */
export interface MiningFrame {
  frameIndex: number;
  timestampSec: number;
  width: number;
  height: number;
  boxes: { x: number; y: number; width: number; height: number }[];
}

export type MiningRejection = 'too-short' | 'multiple-faces' | 'no-face' | 'face-too-small';

/** The accepted clip: sampled frames [startFrame, endFrame] (inclusive) and their times. */
export interface MinedClip {
  startFrame: number;
  endFrame: number;
  startSec: number;
  endSec: number;
  frameCount: number;
  /** Frames of the clip whose face is large enough. */
  largeFaceFrames: number;
}

export type MiningResult =
  | { accepted: true; clip: MinedClip }
  | {
      accepted: false;
      reason: MiningRejection;
      /** The longest one-face run seen (frames), for the UI's explanation. */
      longestRun: number;
    };

function isLarge(f: MiningFrame, box: MiningFrame['boxes'][number], c: MiningConfig): boolean {
  const area = Math.max(0, box.width) * Math.max(0, box.height);
  return area > c.minFaceAreaFraction * f.width * f.height;
}

/**
 * Decides one video. Frames must be in sampling order; a frame's position in the array is
 * what "consecutive" means (a frame that failed to decode should be passed with no boxes).
 *
 * Among the runs of at least `minRunFrames` one-face frames, the first that passes the
 * majority rule is the clip (the whole run, not only f frames: it is all usable). Without
 * a passing run the reason is 'face-too-small' when a long enough run exists (its faces are
 * small); otherwise what most sampled frames show: one face ('too-short': the runs are
 * shorter than f), several faces ('multiple-faces') or none ('no-face').
 */
export function mineClip(
  frames: readonly MiningFrame[],
  config?: Partial<MiningConfig>,
): MiningResult {
  const c = validateMiningConfig(config);
  const runs: { start: number; end: number }[] = [];
  let start = -1;
  frames.forEach((f, i) => {
    if (f.boxes.length === 1) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      runs.push({ start, end: i - 1 });
      start = -1;
    }
  });
  if (start >= 0) runs.push({ start, end: frames.length - 1 });

  let longestRun = 0;
  let longEnough = false;
  for (const run of runs) {
    const n = run.end - run.start + 1;
    longestRun = Math.max(longestRun, n);
    if (n < c.minRunFrames) continue;
    longEnough = true;
    let large = 0;
    for (let i = run.start; i <= run.end; i++) {
      const f = frames[i];
      const box = f?.boxes[0];
      if (f && box && isLarge(f, box, c)) large++;
    }
    if (large > c.majority * n) {
      const first = frames[run.start];
      const last = frames[run.end];
      if (!first || !last) continue;
      return {
        accepted: true,
        clip: {
          startFrame: first.frameIndex,
          endFrame: last.frameIndex,
          startSec: first.timestampSec,
          endSec: last.timestampSec,
          frameCount: n,
          largeFaceFrames: large,
        },
      };
    }
  }
  let reason: MiningRejection;
  if (longEnough) reason = 'face-too-small';
  else {
    // No run is long enough: name what most frames show.
    const one = frames.filter((f) => f.boxes.length === 1).length;
    const several = frames.filter((f) => f.boxes.length > 1).length;
    const none = frames.length - one - several;
    if (one > 0 && one >= several && one >= none) reason = 'too-short';
    else if (several > 0 && several >= none) reason = 'multiple-faces';
    else reason = 'no-face';
  }
  return { accepted: false, reason, longestRun };
}
