/**
 * Which decoded frames a resampling to `fps` keeps, with the same meaning as ffmpeg's `fps`
 * filter (default rounding "near", eof_action "round"), which the ffmpeg.wasm path uses:
 *   - output frame i stands for time i / fps (seconds from the first frame);
 *   - it shows the last source frame whose time, in output frames, rounds to i or less, i.e.
 *     the last frame with time * fps < i + 0.5 (a frame exactly half-way goes to the later
 *     output frame, as ffmpeg rounds half away from zero);
 *   - there are round(end * fps) output frames, `end` being when the last source frame ends;
 *     a source frame is repeated when the output rate is higher than the source's.
 * Checked against Debian's ffmpeg 5.1 (framemd5 of all frames vs of `-vf fps=...`) for 24,
 * 25 and 30 fps sources at 10, 7, 5.12 and 3.7 fps (frameSelect.test.ts holds those cases).
 */

/**
 * For each output frame, the index (into `times`, presentation order, ascending) of the
 * source frame it shows. `times` are seconds from the first frame (times[0] = 0).
 */
export function selectFrames(
  times: readonly number[],
  endSec: number,
  fps: number,
  maxFrames = Number.POSITIVE_INFINITY,
): number[] {
  if (!(fps > 0)) throw new RangeError(`fps must be > 0, got ${fps}`);
  if (times.length === 0) return [];
  const count = Math.min(maxFrames, Math.round(endSec * fps));
  const picks: number[] = [];
  let k = 0;
  for (let i = 0; i < count; i++) {
    // Tolerance so a frame exactly half-way (e.g. 20 fps -> 10 fps) counts as half-way.
    while (k + 1 < times.length && (times[k + 1] ?? 0) * fps < i + 0.5 - 1e-9) k++;
    picks.push(k);
  }
  return picks;
}
