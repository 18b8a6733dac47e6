/**
 * makeThumbnail: a small JPEG (default 96 px high) of an image, or of a video's frame at
 * `atSec` (default: the middle of the first two seconds). Works in workers (OffscreenCanvas).
 */
import { extractFrames } from './frames';
import { probeMedia } from './probe';
import type { DecodeOptions } from './types';

export interface ThumbnailOptions extends DecodeOptions {
  /** Height in pixels (width follows the aspect ratio). Default 96. */
  size?: number;
  /** Time of the frame for videos, in seconds. Default min(1, duration / 2). */
  atSec?: number;
  /** JPEG quality 0..1. Default 0.8. */
  quality?: number;
}

export const DEFAULT_THUMBNAIL_SIZE = 96;

export async function makeThumbnail(
  file: Blob,
  name: string,
  opts: ThumbnailOptions = {},
): Promise<Blob> {
  const size = opts.size ?? DEFAULT_THUMBNAIL_SIZE;
  const base: DecodeOptions = {};
  if (opts.timeoutMs !== undefined) base.timeoutMs = opts.timeoutMs;
  if (opts.forceFfmpeg !== undefined) base.forceFfmpeg = opts.forceFfmpeg;
  const at = opts.atSec ?? (await defaultAt(file, name, base));
  // One frame, the first one at or after `at`.
  const gen = extractFrames(file, name, { ...base, fps: 1, maxFrames: 1, startSec: at });
  let bitmap: ImageBitmap | null = null;
  for await (const f of gen) bitmap = f.image;
  if (!bitmap) {
    // Past the end (a short clip): fall back to the first frame.
    for await (const f of extractFrames(file, name, { ...base, fps: 1, maxFrames: 1 })) {
      bitmap = f.image;
    }
  }
  if (!bitmap) throw new Error('no frame to make a thumbnail from');
  const h = size;
  const w = Math.max(1, Math.round((bitmap.width * h) / bitmap.height));
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas for thumbnails');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, w, h);
  bitmap.close();
  return canvas.convertToBlob({ type: 'image/jpeg', quality: opts.quality ?? 0.8 });
}

async function defaultAt(file: Blob, name: string, opts: DecodeOptions): Promise<number> {
  const p = await probeMedia(file, name, opts);
  return p.durationSec === null ? 0 : Math.min(1, p.durationSec / 2);
}
