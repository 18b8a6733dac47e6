/**
 * Where the loader gets a clip's frames: 9-channel bytes (face RGB, eyes RGB, mouth RGB) per
 * stored frame. The IndexedDB source decodes the three stored crops (WebP/JPEG) and keeps the
 * results in a byte-bounded LRU cache; the memory source serves tests.
 */
import { getFrame } from '../../storage/frames';
import type { FerDatabase } from '../../storage/db';
import type { Region } from '../../preprocess/types';
import type { ClipRef } from './clips';

export interface FrameSource {
  /** The clip's frame as S*S*9 bytes, HWC with channels face RGB, eyes RGB, mouth RGB, resized to `size`. Do not modify it. */
  load(clip: ClipRef, frameIndex: number, size: number): Promise<Uint8Array>;
}

export class FrameLoadError extends Error {
  constructor(
    message: string,
    readonly itemId: string,
    readonly frameIndex: number,
  ) {
    super(message);
    this.name = 'FrameLoadError';
  }
}

export function frameCacheKey(itemId: string, frameIndex: number, size: number): string {
  return `${itemId}/${frameIndex}/${size}`;
}

/** For tests: frames by `${itemId}/${frameIndex}/${size}`. */
export function memoryFrameSource(frames: Map<string, Uint8Array>): FrameSource {
  return {
    load(clip, frameIndex, size) {
      const bytes = frames.get(frameCacheKey(clip.itemId, frameIndex, size));
      if (!bytes) {
        return Promise.reject(
          new FrameLoadError(
            `Frame ${frameIndex} of '${clip.key}' at ${size} px is not in the memory source.`,
            clip.itemId,
            frameIndex,
          ),
        );
      }
      return Promise.resolve(bytes);
    },
  };
}

/** Decodes one encoded crop to RGBA bytes (size x size x 4). */
export type CropDecoder = (blob: Blob, size: number) => Promise<Uint8ClampedArray>;

const REGION_ORDER: readonly Region[] = ['face', 'eyes', 'mouth'];

/** Decoder for browsers and workers: createImageBitmap (high-quality resize) + OffscreenCanvas. */
export function imageBitmapDecoder(): CropDecoder {
  const canvases = new Map<number, OffscreenCanvasRenderingContext2D>();
  return async (blob, size) => {
    const bitmap = await createImageBitmap(blob, {
      resizeWidth: size,
      resizeHeight: size,
      resizeQuality: 'high',
    });
    try {
      let ctx = canvases.get(size);
      if (!ctx) {
        const c = new OffscreenCanvas(size, size).getContext('2d', { willReadFrequently: true });
        if (!c) throw new Error('no 2d context for OffscreenCanvas');
        ctx = c;
        canvases.set(size, ctx);
      }
      // drawImage and getImageData run back to back (no await between), so decodes that
      // share the canvas cannot interleave.
      ctx.clearRect(0, 0, size, size);
      ctx.drawImage(bitmap, 0, 0);
      return ctx.getImageData(0, 0, size, size).data;
    } finally {
      bitmap.close();
    }
  };
}

/** RGBA crops (face, eyes, mouth) -> one S*S*9 array. */
export function interleaveRegions(rgba: readonly Uint8ClampedArray[], size: number): Uint8Array {
  const pixels = size * size;
  const out = new Uint8Array(pixels * 9);
  rgba.forEach((src, r) => {
    if (src.length !== pixels * 4) {
      throw new Error(
        `A decoded crop has ${src.length} bytes, expected ${pixels * 4} (${size} px RGBA).`,
      );
    }
    for (let p = 0; p < pixels; p++) {
      out[p * 9 + r * 3] = src[p * 4] as number;
      out[p * 9 + r * 3 + 1] = src[p * 4 + 1] as number;
      out[p * 9 + r * 3 + 2] = src[p * 4 + 2] as number;
    }
  });
  return out;
}

export interface IdbFrameSourceOptions {
  /** Most bytes of decoded frames kept (LRU); default 256 MiB. */
  cacheBytes?: number;
  /** Injectable for tests (Node has no image decoder); default imageBitmapDecoder(). */
  decode?: CropDecoder;
}

export interface CachedFrameSource extends FrameSource {
  /** Bytes and frames held now, and hits and misses so far. */
  cacheStats(): { bytes: number; frames: number; hits: number; misses: number };
}

export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;

/**
 * Reads StoredFrames from IndexedDB and decodes their crops. Concurrent loads of one frame
 * share one decode; decoded frames stay in an LRU cache of at most `cacheBytes`.
 */
export function idbFrameSource(
  db: FerDatabase,
  opts: IdbFrameSourceOptions = {},
): CachedFrameSource {
  const limit = opts.cacheBytes ?? DEFAULT_CACHE_BYTES;
  let decode = opts.decode;
  const cache = new Map<string, Uint8Array>();
  const inFlight = new Map<string, Promise<Uint8Array>>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;

  async function read(clip: ClipRef, frameIndex: number, size: number): Promise<Uint8Array> {
    const stored = await getFrame(db, clip.itemId, frameIndex);
    if (!stored) {
      throw new FrameLoadError(
        `Frame ${frameIndex} of '${clip.key}' (item ${clip.itemId}) is not stored; preprocess the dataset again.`,
        clip.itemId,
        frameIndex,
      );
    }
    decode ??= imageBitmapDecoder();
    const dec = decode;
    const rgba = await Promise.all(
      REGION_ORDER.map(async (region) => {
        try {
          return await dec(stored.crops[region], size);
        } catch (e) {
          throw new FrameLoadError(
            `Cannot decode the ${region} crop of frame ${frameIndex} of '${clip.key}' (item ${clip.itemId}): ${e instanceof Error ? e.message : String(e)}`,
            clip.itemId,
            frameIndex,
          );
        }
      }),
    );
    return interleaveRegions(rgba, size);
  }

  function remember(key: string, value: Uint8Array): void {
    if (value.byteLength > limit) return;
    cache.set(key, value);
    bytes += value.byteLength;
    for (const [k, v] of cache) {
      if (bytes <= limit) break;
      cache.delete(k);
      bytes -= v.byteLength;
    }
  }

  return {
    load(clip, frameIndex, size) {
      const key = frameCacheKey(clip.itemId, frameIndex, size);
      const hit = cache.get(key);
      if (hit) {
        hits++;
        cache.delete(key); // re-insert: most recently used last
        cache.set(key, hit);
        return Promise.resolve(hit);
      }
      const pending = inFlight.get(key);
      if (pending) return pending;
      misses++;
      const p = read(clip, frameIndex, size)
        .then((value) => {
          remember(key, value);
          return value;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, p);
      return p;
    },
    cacheStats: () => ({ bytes, frames: cache.size, hits, misses }),
  };
}
