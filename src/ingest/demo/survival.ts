/**
 * Every generated clip must survive the app's own preprocessing: after rendering, the worker
 * runs the face model the preprocessing uses on each frame, and a clip with fewer than
 * `minFramesWithFace` detected frames is rendered again with a new draw of its nuisance
 * parameters (motion, lighting, blur, noise, AU jitter; class and identity stay), up to
 * `maxAttempts` times. What happened is counted per base photo, so a photo the detector cannot
 * see is named instead of silently shrinking the dataset.
 */
import type { ClipSpec } from './planner';
import { deriveSeed } from './rng';

export interface SurvivalConfig {
  /** Frames with a detected face a clip needs (the preprocessing default: 5). */
  minFramesWithFace: number;
  /** Renders per clip before it is kept as failing (1: no retry). */
  maxAttempts: number;
}

export const DEFAULT_SURVIVAL: SurvivalConfig = { minFramesWithFace: 5, maxAttempts: 4 };

/** Per base photo: clips rendered, clips that needed another render, clips that never passed. */
export interface PhotoSurvival {
  photo: string;
  clips: number;
  retried: number;
  failed: number;
  /** Renders in all (clips + retries), and of those the frames checked / with a face. */
  renders: number;
  framesChecked: number;
  framesWithFace: number;
}

/** The clip as rendered at attempt `attempt` (0: the planned clip itself). */
export function attemptSpec(clip: ClipSpec, attempt: number): ClipSpec {
  return attempt === 0 ? clip : { ...clip, seed: deriveSeed(clip.seed, 'retry', attempt) };
}

/** Frames needed for a clip of `frames` frames (never more than it has). */
export function framesNeeded(config: SurvivalConfig, frames: number): number {
  return Math.min(config.minFramesWithFace, frames);
}

export function emptySurvival(photo: string): PhotoSurvival {
  return {
    photo,
    clips: 0,
    retried: 0,
    failed: 0,
    renders: 0,
    framesChecked: 0,
    framesWithFace: 0,
  };
}

/** A photo fails when more than `tolerance` of its clips never passed the check. */
export function survivalWarnings(rows: readonly PhotoSurvival[], tolerance = 0.1): string[] {
  return rows
    .filter((r) => r.clips > 0 && r.failed / r.clips > tolerance)
    .map(
      (r) =>
        `${r.photo}: ${r.failed} of ${r.clips} clips had too few frames with a detectable face ` +
        `(${r.framesWithFace} of ${r.framesChecked} frames checked): use a sharper, frontal, ` +
        `evenly lit photo of one face.`,
    );
}

/** Sums the per-photo rows of several workers' shards (same photos, same order). */
export function mergeSurvival(shards: readonly (readonly PhotoSurvival[])[]): PhotoSurvival[] {
  const out: PhotoSurvival[] = [];
  for (const rows of shards) {
    rows.forEach((r, i) => {
      const sum = (out[i] ??= emptySurvival(r.photo));
      if (sum.photo !== r.photo) throw new Error(`shards disagree on photo ${i}: ${r.photo}`);
      sum.clips += r.clips;
      sum.retried += r.retried;
      sum.failed += r.failed;
      sum.renders += r.renders;
      sum.framesChecked += r.framesChecked;
      sum.framesWithFace += r.framesWithFace;
    });
  }
  return out;
}
