/**
 * The onset-apex-offset course of an expression over a clip: neutral, a rise (onset) to the
 * peak, a hold (apex), then a partial decay (offset), as spontaneous expressions unfold.
 * Times are fractions of the clip (0 = first frame, 1 = last).
 */
import { ramp } from './geometry';
import type { Rng } from './rng';

export interface ExpressionCourse {
  /** Onset starts (still neutral before). */
  onsetStart: number;
  /** Apex reached. */
  apexStart: number;
  /** Offset starts. */
  apexEnd: number;
  /** Fraction of the peak left at the last frame. */
  endLevel: number;
  /** Intensity at the apex (0..1). */
  peak: number;
}

/** Draws a course: onset from 0-0.2, rising over 0.2-0.35, apex 0.15-0.35 long, offset to 15-60 %. */
export function drawCourse(rng: Rng): ExpressionCourse {
  const onsetStart = rng.uniform(0, 0.2);
  const apexStart = onsetStart + rng.uniform(0.2, 0.35);
  const apexEnd = Math.min(0.95, apexStart + rng.uniform(0.15, 0.35));
  return {
    onsetStart,
    apexStart,
    apexEnd,
    endLevel: rng.uniform(0.15, 0.6),
    peak: rng.uniform(0.55, 1),
  };
}

/** The intensity at time t (0..1) of the clip. */
export function intensityAt(c: ExpressionCourse, t: number): number {
  const rise = ramp(t, c.onsetStart, c.apexStart);
  const fall = 1 - (1 - c.endLevel) * ramp(t, c.apexEnd, 1);
  return c.peak * (t < c.apexEnd ? rise : fall);
}

/** Intensities of `frames` evenly spaced frames. */
export function intensities(c: ExpressionCourse, frames: number): number[] {
  return Array.from({ length: frames }, (_, k) =>
    intensityAt(c, frames > 1 ? k / (frames - 1) : 1),
  );
}

/** The index of the frame with the highest intensity (the first of equals): the apex frame. */
export function apexFrame(values: readonly number[]): number {
  let best = 0;
  values.forEach((v, i) => {
    if (v > (values[best] ?? -Infinity)) best = i;
  });
  return best;
}
