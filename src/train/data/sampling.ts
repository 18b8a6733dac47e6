/**
 * Which stored frames of a clip go into one training or evaluation example: TSN-style segment
 * sampling (Wang et al. 2016, as Emotion-FAN samples AFEW): the clip's kept frames are cut into
 * `count` equal segments; training takes a random frame from each, evaluation the centre one.
 * See docs/data-loading.md.
 */
import type { Rng } from '../../compute/random';

export interface FrameSample {
  /** Stored frame indices to load, exactly `count` of them, in clip order. */
  frames: number[];
  /** 1 for a real frame, 0 for padding (a short clip); same length as `frames`. */
  mask: number[];
}

/**
 * Picks `count` frames from `available` (stored frame indices, ascending).
 *
 * A clip with fewer frames than `count` keeps all of them once (mask 1) and is padded to
 * `count` by cycling through its frames again (mask 0). Padding repeats real frames rather
 * than black ones because batch norm's batch statistics see padding frames too; the mask takes
 * them out of the frame-attention average. TSN instead repeats frames without a mask.
 */
export function sampleFrames(
  available: readonly number[],
  count: number,
  mode: 'train' | 'eval',
  rng: Rng,
): FrameSample {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`frames per clip must be a positive integer, got ${count}`);
  }
  const n = available.length;
  if (n === 0) throw new Error('Cannot sample frames from a clip with no stored frames.');
  const at = (i: number): number => available[i] as number;
  const frames: number[] = [];
  const mask: number[] = [];
  if (n < count) {
    for (let i = 0; i < count; i++) {
      frames.push(at(i % n));
      mask.push(i < n ? 1 : 0);
    }
    return { frames, mask };
  }
  for (let s = 0; s < count; s++) {
    // Segment s covers positions [start, end); with n >= count none is empty.
    const start = Math.floor((s * n) / count);
    const end = Math.floor(((s + 1) * n) / count);
    const len = end - start;
    const pos = mode === 'train' ? start + rng.int(len) : start + Math.floor(len / 2);
    frames.push(at(pos));
    mask.push(1);
  }
  return { frames, mask };
}
