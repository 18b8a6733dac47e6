/**
 * A module worker for the media debug hook: proves the media functions run without a DOM
 * (everything goes through ffmpeg.wasm there, whose own worker is nested in this one).
 */
import { extractFrames, lastWebCodecsFallback } from '../../ingest/media/frames';
import { probeMedia } from '../../ingest/media/probe';
import type { WorkerFrames } from './api';
import { isMediaDecodeError } from '../../ingest/media/types';

export interface DebugWorkerRequest {
  file: Blob;
  name: string;
  fps?: number;
  forceFfmpeg?: boolean;
  /** Decode this many times in this worker (to time a warm decoder); frames of the last. */
  repeat?: number;
}
export type DebugWorkerReply =
  | ({ ok: true; elapsedMs: number } & WorkerFrames)
  | { ok: false; code: string; message: string; elapsedMs: number };

function thumb(image: ImageBitmap): number[] {
  const c = new OffscreenCanvas(16, 16);
  const ctx = c.getContext('2d');
  if (!ctx) return [];
  ctx.drawImage(image, 0, 0, 16, 16);
  const d = ctx.getImageData(0, 0, 16, 16).data;
  const out: number[] = [];
  for (let i = 0; i < d.length; i += 4) {
    out.push(Math.round(0.299 * (d[i] ?? 0) + 0.587 * (d[i + 1] ?? 0) + 0.114 * (d[i + 2] ?? 0)));
  }
  return out;
}

self.onmessage = async (e: MessageEvent<DebugWorkerRequest>) => {
  const t0 = performance.now();
  let reply: DebugWorkerReply;
  try {
    const probe = await probeMedia(e.data.file, e.data.name);
    const frameTimes: number[] = [];
    const frameSizes: [number, number][] = [];
    const frameThumbs: number[][] = [];
    const { webcodecsStats } = await import('../../ingest/media/webcodecs');
    const keptBefore = webcodecsStats.keptFrames;
    for (let r = 0; e.data.fps && r < (e.data.repeat ?? 1); r++) {
      frameTimes.length = 0;
      frameSizes.length = 0;
      frameThumbs.length = 0;
      const opts = { fps: e.data.fps, forceFfmpeg: e.data.forceFfmpeg };
      for await (const f of extractFrames(e.data.file, e.data.name, opts)) {
        frameTimes.push(f.timestampSec);
        frameSizes.push([f.image.width, f.image.height]);
        frameThumbs.push(thumb(f.image));
        f.image.close();
      }
    }
    const byWebCodecs = webcodecsStats.keptFrames - keptBefore;
    reply = {
      ok: true,
      probe,
      frameTimes,
      frameSizes,
      frameThumbs,
      decodedBy: frameTimes.length === 0 ? 'none' : byWebCodecs > 0 ? 'webcodecs' : 'ffmpeg',
      webcodecsFallback: byWebCodecs > 0 ? null : lastWebCodecsFallback,
      elapsedMs: performance.now() - t0,
    };
  } catch (err) {
    reply = {
      ok: false,
      code: isMediaDecodeError(err) ? err.code : 'error',
      message: err instanceof Error ? err.message : String(err),
      elapsedMs: performance.now() - t0,
    };
  }
  self.postMessage(reply);
};
