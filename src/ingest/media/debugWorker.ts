/**
 * A module worker for the media debug hook: proves the media functions run without a DOM
 * (everything goes through ffmpeg.wasm there, whose own worker is nested in this one).
 */
import { extractFrames } from './frames';
import { probeMedia } from './probe';
import { isMediaDecodeError, type MediaProbe } from './types';

export interface DebugWorkerRequest {
  file: Blob;
  name: string;
  fps?: number;
}
export type DebugWorkerReply =
  | { ok: true; probe: MediaProbe; frameTimes: number[]; elapsedMs: number }
  | { ok: false; code: string; message: string; elapsedMs: number };

self.onmessage = async (e: MessageEvent<DebugWorkerRequest>) => {
  const t0 = performance.now();
  let reply: DebugWorkerReply;
  try {
    const probe = await probeMedia(e.data.file, e.data.name);
    const frameTimes: number[] = [];
    if (e.data.fps) {
      for await (const f of extractFrames(e.data.file, e.data.name, { fps: e.data.fps })) {
        frameTimes.push(f.timestampSec);
        f.image.close();
      }
    }
    reply = { ok: true, probe, frameTimes, elapsedMs: performance.now() - t0 };
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
