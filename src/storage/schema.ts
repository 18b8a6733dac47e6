import type { DBSchema } from 'idb';
import type { CanonicalClass } from '../ingest/labels';
import type { FileProblem, LayoutKind, MediaKind, Split } from '../ingest/types';
import type { MiningFrame, MiningResult } from '../preprocess/mining';
import type { DropReason, FrameRecord, Region } from '../preprocess/types';
import type { CheckpointRecord, PhaseModelRecord, RunRecord } from '../train/run/record';
import type { CrossEvaluationRecord } from '../evaluate/crossRecord';

export const DB_NAME = 'fer-workbench';
/** Bump with a new entry in `migrations.ts`. */
export const DB_VERSION = 3;

export type DatasetStatus = 'importing' | 'ready' | 'partial';

export interface DatasetRecord {
  id: string;
  name: string;
  layout: LayoutKind;
  labelled: boolean;
  createdAt: number;
  status: DatasetStatus;
  /** Raw label -> canonical class; editable after import (rename classes). */
  classMap: Record<string, CanonicalClass | null>;
  itemCount: number;
  totalBytes: number;
  /** Sum of known video durations in seconds; null when none is known. */
  totalDurationSec: number | null;
  /** Per-file problems found at import (the files were skipped). */
  problems: FileProblem[];
  /** Set when an import stopped early (e.g. storage full). */
  stopReason?: string;
}

export interface MediaItemRecord {
  id: string;
  datasetId: string;
  key: string;
  kind: MediaKind;
  rawLabel: string | null;
  /** Withheld label (demo unlabelled pool), for analysis only; absent elsewhere. */
  hiddenLabel?: string;
  subject: string | null;
  split: Split | null;
  bytes: number;
  mime: string;
  width: number | null;
  height: number | null;
  durationSec: number | null;
  /** Number of blobs (1, or the frames of an image sequence). */
  blobCount: number;
}

export interface BlobRecord {
  /** `${itemId}/${index}` */
  id: string;
  itemId: string;
  datasetId: string;
  index: number;
  name: string;
  blob: Blob;
}

export interface ThumbnailRecord {
  itemId: string;
  datasetId: string;
  blob: Blob;
}

/** One import in progress: which item keys are stored, so a resumed import skips them. */
export interface ImportJournalRecord {
  datasetId: string;
  startedAt: number;
  totalItems: number;
  doneKeys: string[];
  state: 'running' | 'stopped' | 'done';
}

/** One preprocessed frame (v2): its record and its three crops. Key `${itemId}/${frameIndex}`. */
export interface StoredFrame {
  id: string;
  datasetId: string;
  itemId: string;
  frameIndex: number;
  record: FrameRecord;
  /** Encoded crops (WebP or JPEG), size x size. */
  crops: Record<Region, Blob>;
}

export type PreprocessedStatus = 'done' | 'flagged' | 'failed';

/** Why an item is flagged (status 'flagged'). */
/**
 * 'worker-crashed': the item failed because its worker crashed (or was killed) on every try,
 * not because of its media; the next run redoes it like an item without a record.
 */
export type PreprocessFlag = 'too-few-frames' | 'mining-rejected' | 'worker-crashed';

/** Preprocessing outcome of one item (v2), written with its frames in one transaction. */
export interface PreprocessedRecord {
  itemId: string;
  datasetId: string;
  status: PreprocessedStatus;
  flags: PreprocessFlag[];
  /** configHash() of the PreprocessConfig that made the frames. */
  configHash: string;
  processedAt: number;
  /** Sampled frames, kept frames and dropped frames by reason. */
  sampled: number;
  kept: number;
  dropped: Record<DropReason, number>;
  /** Rate frames were sampled at; null for stills and sequences. */
  sampleFps: number | null;
  sourceWidth: number;
  sourceHeight: number;
  /** Unlabelled datasets: the mining decision (null for labelled ones). */
  mining: MiningResult | null;
  /** Per sampled frame, the face boxes found: enough to re-run mining with other settings. */
  faceLog: MiningFrame[];
  /**
   * Kept frames whose face is too small for reliable landmarks (eyes under
   * SMALL_FACE_EYE_DISTANCE apart, docs/preprocessing.md "Small faces"). Absent on records
   * made before it was counted (then unknown); optional, so no migration.
   */
  smallFaceFrames?: number;
  /** Why the item failed (status 'failed'). */
  error: string | null;
  /** Worker time spent, ms. */
  timings: {
    decodeMs: number;
    detectMs: number;
    cropMs: number;
    encodeMs: number;
    totalMs: number;
  };
}

export interface FerDB extends DBSchema {
  datasets: { key: string; value: DatasetRecord };
  items: {
    key: string;
    value: MediaItemRecord;
    indexes: { byDataset: string; byDatasetKey: [string, string] };
  };
  blobs: { key: string; value: BlobRecord; indexes: { byItem: string; byDataset: string } };
  thumbnails: { key: string; value: ThumbnailRecord; indexes: { byDataset: string } };
  journal: { key: string; value: ImportJournalRecord };
  /** Derived per-frame data (crops, landmarks): filled by preprocessing. */
  frames: {
    key: string;
    value: StoredFrame;
    indexes: { byDataset: string; byItem: string };
  };
  /** v2: per item, the preprocessing outcome. */
  preprocessed: {
    key: string;
    value: PreprocessedRecord;
    indexes: { byDataset: string };
  };
  runs: { key: string; value: RunRecord };
  /** Per run: the latest checkpoint (`${runId}/latest`) and each finished phase's best model. */
  checkpoints: {
    key: string;
    value: CheckpointRecord | PhaseModelRecord;
    indexes: { byRun: string };
  };
  /** v3: cross-corpus evaluations of a model on a stored dataset (src/storage/evaluations.ts). */
  evaluations: {
    key: string;
    value: CrossEvaluationRecord;
    indexes: { byRun: string; byDataset: string };
  };
}

export type StoreName =
  | 'datasets'
  | 'items'
  | 'blobs'
  | 'thumbnails'
  | 'journal'
  | 'frames'
  | 'runs'
  | 'checkpoints'
  | 'preprocessed'
  | 'evaluations';
