/**
 * Which frames an item is sampled at and at what size they are detected: the sampling plan
 * (cfg.fps, at most cfg.maxFramesPerVideo spread evenly), the detection copy's size, and
 * mapping faces found on that copy back to source pixels.
 */
import type { FaceResult, PreprocessConfig } from './types';

/** Faces found on a scaled copy, mapped back to source pixels (multiply by `k`). */
export function scaleFaces(faces: readonly FaceResult[], k: number): FaceResult[] {
  if (k === 1) return [...faces];
  const p = <T extends { x: number; y: number }>(q: T): T => ({ ...q, x: q.x * k, y: q.y * k });
  return faces.map((f) => ({
    box: { x: f.box.x * k, y: f.box.y * k, width: f.box.width * k, height: f.box.height * k },
    score: f.score,
    keypoints: Object.fromEntries(
      Object.entries(f.keypoints).map(([name, q]) => [name, p(q)]),
    ) as FaceResult['keypoints'],
    landmarks: f.landmarks ? f.landmarks.map((q) => ({ ...p(q), z: q.z * k })) : null,
  }));
}

/** Size a frame is scaled to for detection (longest side at most maxSide, never up). */
export function detectSize(
  width: number,
  height: number,
  maxSide: number,
): { width: number; height: number; scale: number } {
  const longest = Math.max(width, height);
  if (longest <= maxSide) return { width, height, scale: 1 };
  const s = maxSide / longest;
  const w = Math.max(1, Math.round(width * s));
  const h = Math.max(1, Math.round(height * s));
  // `scale` maps detection pixels back to source pixels.
  return { width: w, height: h, scale: width / w };
}

/**
 * How a video is sampled: cfg.fps, but when the video is longer than
 * maxFramesPerVideo / fps seconds the rate drops so that maxFramesPerVideo frames spread
 * evenly over the whole video (instead of covering only its start).
 */
export function sampleSchedule(
  durationSec: number | null,
  config: Pick<PreprocessConfig, 'fps' | 'maxFramesPerVideo'>,
): { fps: number; maxFrames: number; expected: number | null } {
  const max = config.maxFramesPerVideo;
  if (durationSec === null || !(durationSec > 0)) {
    return { fps: config.fps, maxFrames: max, expected: null };
  }
  const fps = Math.min(config.fps, max / durationSec);
  // extractFrames yields t = i / fps for t < duration - half a frame.
  const expected = Math.min(max, Math.max(1, Math.ceil(durationSec * fps - 0.5)));
  return { fps, maxFrames: max, expected };
}

/** `max` indices spread evenly over 0..count-1 (all of them when count <= max). */
export function evenlySpread(count: number, max: number): number[] {
  if (count <= max) return Array.from({ length: count }, (_, i) => i);
  if (max === 1) return [0];
  return Array.from({ length: max }, (_, i) => Math.round((i * (count - 1)) / (max - 1)));
}
