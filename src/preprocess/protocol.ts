/**
 * The one message protocol between the UI side (src/preprocess/runner.ts, api.ts, through
 * src/workers/pool.ts) and workers/preprocess.worker.ts. A discriminated union on `type`:
 *
 *   UI -> worker  {type:'run', jobId, request: PreprocessJob}    process one item
 *                 {type:'cancel', jobId}                          stop it between frames
 *   worker -> UI  {type:'status', status: WorkerStatus}           models loaded / failed
 *                 {type:'progress', jobId, progress}              after every frame
 *                 {type:'result', jobId, result: ItemResult}      the item's frames and crops
 *                 {type:'error', jobId, message}                  the item failed
 *
 * Media travel as Blobs (a handle: the bytes are not copied); ImageBitmaps and ArrayBuffers
 * in a request are transferred (`jobTransferables`). Crops come back as Blobs. The worker
 * imports nothing from the UI.
 */
import type { MediaKind } from '../ingest/types';
import type { PoolReply, PoolRequest } from '../workers/pool';
import type { DropReason, FaceResult, FrameRecord, PreprocessConfig, Region } from './types';

export interface NamedBlob {
  name: string;
  blob: Blob;
}

/** What one item's media is. */
export type ItemSource =
  /** A video file; durationSec (when known) spreads maxFramesPerVideo evenly. */
  | { kind: 'video'; file: NamedBlob; durationSec: number | null }
  | { kind: 'image'; file: NamedBlob }
  /** Frames of a sequence (CK+), in order. */
  | { kind: 'image-sequence'; files: NamedBlob[] }
  /** A FER2013-style grey crop (width x height bytes), already an aligned face. */
  | { kind: 'pixels'; width: number; height: number; data: Blob | ArrayBuffer }
  /** Frames decoded elsewhere (transferred). */
  | { kind: 'bitmaps'; frames: { image: ImageBitmap; timestampSec: number }[] };

export type SourceKind = ItemSource['kind'];

/** ItemSource kinds per stored MediaKind (pixels are FER rows). */
export const SOURCE_KIND_OF: Record<MediaKind, SourceKind> = {
  video: 'video',
  image: 'image',
  'image-sequence': 'image-sequence',
  pixels: 'pixels',
};

export interface PreprocessJob {
  itemId: string;
  source: ItemSource;
  config: PreprocessConfig;
  /** Keep every detected face's keypoints and landmarks per sampled frame (preprocess-media). */
  detail: boolean;
}

/** One kept frame: its record and its three encoded crops. */
export interface ProcessedFrame {
  record: FrameRecord;
  crops: Record<Region, Blob>;
}

/** What was found in one sampled frame, kept or not (for mining and the report). */
export interface SampledFrame {
  frameIndex: number;
  timestampSec: number;
  width: number;
  height: number;
  /** Boxes and scores of all faces found, source pixels. */
  faces: { box: FaceResult['box']; score: number }[];
  /** Why the frame was dropped, or null when it was kept. */
  dropped: DropReason | null;
  /** Kept with a face too small for reliable landmarks (smallFaceNote gave the note). */
  smallFace?: boolean;
  /** Only with job.detail: the faces with keypoints and landmarks. */
  detail?: FaceResult[];
  /**
   * An error text for a 'decode-error' or 'no-landmarks' drop; on a kept frame, that its
   * face is too small for reliable landmarks (smallFaceNote).
   */
  note?: string;
}

export interface ItemTimings {
  decodeMs: number;
  detectMs: number;
  cropMs: number;
  encodeMs: number;
  totalMs: number;
}

/** Worker milliseconds per stage of one item, all zero. */
export function zeroTimings(): ItemTimings {
  return { decodeMs: 0, detectMs: 0, cropMs: 0, encodeMs: 0, totalMs: 0 };
}

export interface ItemResult {
  itemId: string;
  /** Kept frames in sampling order; frameIndex counts sampled frames from 0. */
  frames: ProcessedFrame[];
  /** Every sampled frame (kept and dropped), in order. */
  samples: SampledFrame[];
  dropped: Record<DropReason, number>;
  /** Rate the frames were sampled at (lower than config.fps when a long video was spread). */
  sampleFps: number | null;
  sourceWidth: number;
  sourceHeight: number;
  timings: ItemTimings;
}

export interface PreprocessProgress {
  itemId: string;
  framesDone: number;
  /** Sampled frames expected, when known. */
  framesTotal: number | null;
}

export type WorkerStatus =
  { kind: 'models-loaded'; loadMs: number } | { kind: 'models-failed'; message: string };

export type ToPreprocessWorker = PoolRequest<PreprocessJob>;
export type FromPreprocessWorker = PoolReply<ItemResult, PreprocessProgress, WorkerStatus>;

/** The objects a job's request transfers (bitmaps and raw buffers; Blobs are shared). */
export function jobTransferables(job: PreprocessJob): Transferable[] {
  const s = job.source;
  if (s.kind === 'bitmaps') return s.frames.map((f) => f.image);
  if (s.kind === 'pixels' && s.data instanceof ArrayBuffer) return [s.data];
  return [];
}

export function emptyDropCounts(): Record<DropReason, number> {
  return { 'no-face': 0, 'no-landmarks': 0, 'decode-error': 0 };
}
