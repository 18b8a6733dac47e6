/**
 * Unlabelled clip mining (paper Sec. 3, "Unlabelled Set"): a video is accepted when it has
 * at least `minRunFrames` (the paper's f >= 30) consecutive sampled frames showing one person,
 * and for the majority of those frames that face's box covers more than
 * `minFaceAreaFraction` of the frame. The accepted run becomes the clip.
 *
 * "One person" (issue 18.2): faces are tracked across the sampled frames (./tracking.ts);
 * a frame shows one person when it has exactly one face, or when its largest face (the one
 * the pipeline crops) is at least `dominance` times the area of every other face. A run is
 * consecutive such frames whose face belongs to ONE track, so a clip never jumps from one
 * person to another, and a video where two people take turns gives a clip per turn. With
 * `dominance: Infinity` this is the paper's "exactly one face". Pure: it sees only the faces
 * found in each sampled frame, so it is tested on constructed cases.
 */
import { DEFAULT_TRACK_CONFIG, trackFaces, type TrackConfig } from './tracking';

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
  /**
   * A frame with several faces still shows one person when its largest face has at least
   * this many times the area of each other one (ours: 2, about 1.4 times the side; a
   * bystander in the background). Infinity: exactly one face, as the paper.
   */
  dominance: number;
  /** How faces are followed from frame to frame. */
  tracking: TrackConfig;
}

export const DEFAULT_MINING_CONFIG: MiningConfig = {
  minRunFrames: 30,
  minFaceAreaFraction: 0.02,
  majority: 0.5,
  dominance: 2,
  tracking: DEFAULT_TRACK_CONFIG,
};

export function validateMiningConfig(config: Partial<MiningConfig> = {}): MiningConfig {
  const c = {
    ...DEFAULT_MINING_CONFIG,
    ...config,
    tracking: { ...DEFAULT_TRACK_CONFIG, ...config.tracking },
  };
  if (!Number.isInteger(c.minRunFrames) || c.minRunFrames < 1) {
    throw new RangeError(`minRunFrames must be a positive integer, got ${c.minRunFrames}`);
  }
  if (!(c.minFaceAreaFraction >= 0 && c.minFaceAreaFraction < 1)) {
    throw new RangeError(`minFaceAreaFraction must be in [0, 1), got ${c.minFaceAreaFraction}`);
  }
  if (!(c.majority >= 0 && c.majority < 1)) {
    throw new RangeError(`majority must be in [0, 1), got ${c.majority}`);
  }
  if (!(c.dominance >= 1)) {
    throw new RangeError(`dominance must be >= 1, got ${c.dominance}`);
  }
  const t = c.tracking;
  if (!(t.minIou > 0 && t.minIou <= 1) || !(t.maxCentreShift >= 0)) {
    throw new RangeError('tracking: minIou must be in (0, 1] and maxCentreShift >= 0');
  }
  if (!Number.isInteger(t.maxGap) || t.maxGap < 0) {
    throw new RangeError(`tracking.maxGap must be a non-negative integer, got ${t.maxGap}`);
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
  /**
   * The face track the clip follows (ids count from 0 in order of first appearance in the
   * item's sampled frames, trackFaces of the stored faceLog). Absent on clips mined before
   * tracking, which had exactly one face per frame.
   */
  track?: number;
  /**
   * Per frame of the clip, the index of the track's face in that frame's boxes (faceLog);
   * the face the pipeline cropped. Absent on clips mined before tracking.
   */
  faceIndices?: number[];
}

export type MiningResult =
  | {
      accepted: true;
      /** The first clip (training uses every clip of `clips`: src/train/data/clips.ts). */
      clip: MinedClip;
      /** Every clip, in time order (one per passing run; absent on results before tracking). */
      clips?: MinedClip[];
    }
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
 * Per frame, the face showing "one person" and its track, or null: the only face, or the
 * largest with at least `dominance` times every other face's area.
 */
function dominantFaces(
  frames: readonly MiningFrame[],
  c: MiningConfig,
): ({ index: number; track: number } | null)[] {
  const tracks = trackFaces(
    frames.map((f) => f.boxes),
    c.tracking,
  );
  return frames.map((f, t) => {
    const areas = f.boxes.map((b) => Math.max(0, b.width) * Math.max(0, b.height));
    let best = -1;
    areas.forEach((a, j) => {
      if (a > 0 && (best < 0 || a > (areas[best] ?? 0))) best = j;
    });
    if (best < 0) return null;
    const top = areas[best] ?? 0;
    const dominant = areas.every((a, j) => j === best || a * c.dominance <= top);
    const track = tracks[t]?.[best];
    return dominant && track !== undefined ? { index: best, track } : null;
  });
}

/**
 * Decides one video. Frames must be in sampling order; a frame's position in the array is
 * what "consecutive" means (a frame that failed to decode should be passed with no boxes).
 *
 * Every run of at least `minRunFrames` frames showing one person of one track that passes
 * the majority rule is a clip (the whole run, not only f frames: it is all usable); the
 * first is `clip`. Without a passing run the reason is 'face-too-small' when a long enough
 * run exists (its faces are small); otherwise what most sampled frames show: one person
 * ('too-short': the runs are shorter than f), several faces ('multiple-faces') or none
 * ('no-face').
 */
export function mineClip(
  frames: readonly MiningFrame[],
  config?: Partial<MiningConfig>,
): MiningResult {
  const c = validateMiningConfig(config);
  const dominant = dominantFaces(frames, c);
  const runs: { start: number; end: number; track: number }[] = [];
  let start = -1;
  for (let i = 0; i <= dominant.length; i++) {
    const d = dominant[i];
    const track = start >= 0 ? dominant[start]?.track : undefined;
    if (start >= 0 && d?.track !== track) {
      runs.push({ start, end: i - 1, track: track ?? -1 });
      start = -1;
    }
    if (d && start < 0) start = i;
  }

  let longestRun = 0;
  let longEnough = false;
  const clips: MinedClip[] = [];
  for (const run of runs) {
    const n = run.end - run.start + 1;
    longestRun = Math.max(longestRun, n);
    if (n < c.minRunFrames) continue;
    longEnough = true;
    let large = 0;
    const faceIndices: number[] = [];
    for (let i = run.start; i <= run.end; i++) {
      const f = frames[i];
      const index = dominant[i]?.index ?? -1;
      const box = f?.boxes[index];
      faceIndices.push(index);
      if (f && box && isLarge(f, box, c)) large++;
    }
    const first = frames[run.start];
    const end = frames[run.end];
    if (large > c.majority * n && first && end) {
      clips.push({
        startFrame: first.frameIndex,
        endFrame: end.frameIndex,
        startSec: first.timestampSec,
        endSec: end.timestampSec,
        frameCount: n,
        largeFaceFrames: large,
        track: run.track,
        faceIndices,
      });
    }
  }
  const [clip] = clips;
  if (clip) return { accepted: true, clip, clips };
  let reason: MiningRejection;
  if (longEnough) reason = 'face-too-small';
  else {
    // No run is long enough: name what most frames show.
    const one = dominant.filter((d) => d !== null).length;
    const none = frames.filter((f) => f.boxes.length === 0).length;
    const several = frames.length - one - none;
    if (one > 0 && one >= several && one >= none) reason = 'too-short';
    else if (several > 0 && several >= none) reason = 'multiple-faces';
    else reason = 'no-face';
  }
  return { accepted: false, reason, longestRun };
}
