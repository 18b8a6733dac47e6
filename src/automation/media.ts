/**
 * window.__ferMedia: the media functions reachable from page.evaluate in e2e tests (a built
 * app cannot be import()ed from a test). Thin wrappers; results are plain JSON.
 */
import type { FerMediaDebugApi, MediaDebugFrame, MediaDebugResult } from './media/api';
import type { DebugWorkerReply } from './media/worker';
import { ffmpegStats } from '../ingest/media/ffmpeg';
import { extractFrames } from '../ingest/media/frames';
import { playableUrl } from '../ingest/media/playable';
import { probeMedia } from '../ingest/media/probe';
import { makeThumbnail } from '../ingest/media/thumbnail';
import { configureMedia, isMediaDecodeError } from '../ingest/media/types';
import { base64ToBytes } from './base64';

async function timed<T>(fn: () => Promise<T>): Promise<MediaDebugResult<T>> {
  const t0 = performance.now();
  try {
    const value = await fn();
    return { ok: true, value, elapsedMs: performance.now() - t0 };
  } catch (e) {
    return {
      ok: false,
      code: isMediaDecodeError(e) ? e.code : 'error',
      message: e instanceof Error ? e.message : String(e),
      elapsedMs: performance.now() - t0,
    };
  }
}

function meanLuma(image: ImageBitmap): number {
  const c = new OffscreenCanvas(image.width, image.height);
  const ctx = c.getContext('2d');
  if (!ctx) return -1;
  ctx.drawImage(image, 0, 0);
  const d = ctx.getImageData(0, 0, image.width, image.height).data;
  let sum = 0;
  for (let i = 0; i < d.length; i += 4) sum += (d[i] ?? 0) + (d[i + 1] ?? 0) + (d[i + 2] ?? 0);
  return sum / 3 / (d.length / 4);
}

function playInVideo(url: string, timeoutMs: number) {
  return new Promise<{ width: number; height: number; durationSec: number }>((resolve, reject) => {
    const v = document.createElement('video');
    v.muted = true;
    const timer = setTimeout(() => {
      reject(new Error('the playable URL did not load'));
    }, timeoutMs);
    v.onloadeddata = () => {
      clearTimeout(timer);
      resolve({ width: v.videoWidth, height: v.videoHeight, durationSec: v.duration });
    };
    v.onerror = () => {
      clearTimeout(timer);
      reject(new Error(`the playable URL does not play: ${v.error?.message ?? 'media error'}`));
    };
    v.src = url;
  });
}

export function installMediaDebugHook(): void {
  const files = new Map<string, Blob>();
  const get = (name: string): Blob => {
    const b = files.get(name);
    if (!b) throw new Error(`no file "${name}": call put() first`);
    return b;
  };
  const api: FerMediaDebugApi = {
    version: 1,
    put: (name, b64) => {
      const blob = new Blob([base64ToBytes(b64)]);
      files.set(name, blob);
      return blob.size;
    },
    probe: (name, opts) => timed(() => probeMedia(get(name), name, opts)),
    frames: (name, opts) =>
      timed(async () => {
        const out: MediaDebugFrame[] = [];
        for await (const f of extractFrames(get(name), name, opts)) {
          out.push({
            index: f.index,
            timestampSec: f.timestampSec,
            width: f.image.width,
            height: f.image.height,
            meanLuma: meanLuma(f.image),
          });
          f.image.close();
        }
        return out;
      }),
    thumbnail: (name, opts) =>
      timed(async () => {
        const blob = await makeThumbnail(get(name), name, opts);
        const bmp = await createImageBitmap(blob);
        const r = { type: blob.type, bytes: blob.size, width: bmp.width, height: bmp.height };
        bmp.close();
        return r;
      }),
    playable: (name, opts) =>
      timed(async () => {
        const p = await playableUrl(get(name), name, opts);
        try {
          return { transcoded: p.transcoded, ...(await playInVideo(p.url, 20_000)) };
        } finally {
          URL.revokeObjectURL(p.url);
        }
      }),
    inWorker: (name, fps, opts) =>
      new Promise((resolve) => {
        const w = new Worker(new URL('./media/worker.ts', import.meta.url), { type: 'module' });
        w.onmessage = (e: MessageEvent<DebugWorkerReply>) => {
          w.terminate();
          const r = e.data;
          if (r.ok) {
            const { ok, elapsedMs, ...value } = r;
            resolve({ ok, value, elapsedMs });
          } else resolve(r);
        };
        w.onerror = (e) => {
          w.terminate();
          resolve({ ok: false, code: 'error', message: e.message, elapsedMs: 0 });
        };
        w.postMessage({
          file: get(name),
          name,
          fps,
          forceFfmpeg: opts?.forceFfmpeg,
          repeat: opts?.repeat,
        });
      }),
    ffmpegStats: () => ({ ...ffmpegStats }),
    setDecodeTimeout: (ms) => {
      configureMedia({ decodeTimeoutMs: ms });
    },
  };
  window.__ferMedia = api;
}
