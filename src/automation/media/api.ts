/**
 * Types of `window.__ferMedia`, the media debug hook the e2e tests drive (installed by
 * installMediaDebugHook() in src/automation/media.ts). Type-only so Node-side tests can import it.
 */
import type { MediaProbe } from '../../ingest/media/types';

export type MediaDebugResult<T> =
  | { ok: true; value: T; elapsedMs: number }
  | { ok: false; code: string; message: string; elapsedMs: number };

/** What inWorker gives back. */
export interface WorkerFrames {
  probe: MediaProbe;
  frameTimes: number[];
  /** Per frame: width x height and a 16x16 grey thumbnail (0..255), to compare decoders. */
  frameSizes: [number, number][];
  frameThumbs: number[][];
  /** Which decoder gave the frames, and why WebCodecs was not used (null if it was). */
  decodedBy: 'webcodecs' | 'ffmpeg' | 'none';
  webcodecsFallback: string | null;
}
export interface MediaDebugOptions {
  timeoutMs?: number;
  forceFfmpeg?: boolean;
}

export interface MediaDebugFrame {
  index: number;
  timestampSec: number;
  width: number;
  height: number;
  /** Mean of R+G+B over the frame / 3: proves pixels were decoded (not blank). */
  meanLuma: number;
}

export interface FerMediaDebugApi {
  version: 1;
  /** Stores bytes (base64) under a file name for the calls below. */
  put: (name: string, base64: string) => number;
  probe: (name: string, opts?: MediaDebugOptions) => Promise<MediaDebugResult<MediaProbe>>;
  frames: (
    name: string,
    opts: MediaDebugOptions & { fps: number; maxFrames?: number; maxSide?: number },
  ) => Promise<MediaDebugResult<MediaDebugFrame[]>>;
  thumbnail: (
    name: string,
    opts?: MediaDebugOptions & { size?: number; atSec?: number },
  ) => Promise<MediaDebugResult<{ type: string; bytes: number; width: number; height: number }>>;
  /** playableUrl, then loads the URL in a <video> to prove it plays. */
  playable: (
    name: string,
    opts?: MediaDebugOptions,
  ) => Promise<
    MediaDebugResult<{ transcoded: boolean; width: number; height: number; durationSec: number }>
  >;
  /** probeMedia (and extractFrames when fps is given) inside a module Web Worker. */
  inWorker: (
    name: string,
    fps?: number,
    opts?: { forceFfmpeg?: boolean; repeat?: number },
  ) => Promise<MediaDebugResult<WorkerFrames>>;
  ffmpegStats: () => { loads: number; jobs: number; timeouts: number; lastLoadMs: number };
  setDecodeTimeout: (ms: number) => void;
}

declare global {
  interface Window {
    __ferMedia?: FerMediaDebugApi;
  }
}
