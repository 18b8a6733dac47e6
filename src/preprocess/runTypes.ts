/** The types of a preprocessing run: its options, progress, per-item outcome and summary. */
import type { PreprocessedStatus, PreprocessFlag } from '../storage/schema';
import type { WorkerPool } from '../workers/pool';
import type { PreprocessConfigInput } from './config';
import type { MiningConfig, MiningResult } from './mining';
import type { ItemResult, PreprocessJob, PreprocessProgress, WorkerStatus } from './protocol';
import type { DropReason, PreprocessConfig } from './types';

export type PreprocessPool = WorkerPool<
  PreprocessJob,
  ItemResult,
  PreprocessProgress,
  WorkerStatus
>;

export interface RunOptions {
  config?: PreprocessConfigInput;
  mining?: Partial<MiningConfig>;
  /** Only these items (default: all of the dataset). */
  itemIds?: readonly string[];
  /**
   * Which recorded items to redo. Default 'changed': items without a record or made with
   * another config. 'failed': those and failed ones. 'all': everything.
   */
  redo?: 'changed' | 'failed' | 'all';
  /** Mine clips (default: when the dataset is unlabelled). */
  mine?: boolean;
  onProgress?: (p: RunProgress) => void;
  onItem?: (o: ItemOutcome) => void;
}

export type RunPhase = 'planning' | 'running' | 'paused' | 'done' | 'cancelled' | 'stopped';

export interface RunProgress {
  phase: RunPhase;
  itemsTotal: number;
  itemsDone: number;
  itemsSkipped: number;
  /** Sampled frames finished (kept or dropped) in this run. */
  framesDone: number;
  /** Over the time spent running (pauses excluded). */
  framesPerSec: number;
  /** Seconds left at the current pace; null until an item has finished. */
  etaSec: number | null;
  elapsedSec: number;
  /** Items being processed now. */
  current: PreprocessProgress[];
}

export interface ItemOutcome {
  itemId: string;
  key: string;
  status: PreprocessedStatus;
  flags: PreprocessFlag[];
  sampled: number;
  kept: number;
  dropped: Record<DropReason, number>;
  mining: MiningResult | null;
  error: string | null;
}

export interface PreprocessSummary {
  datasetId: string;
  configHash: string;
  config: PreprocessConfig;
  itemsTotal: number;
  /** Items processed in this run and items skipped (already done with this config). */
  processed: number;
  skipped: number;
  byStatus: Record<PreprocessedStatus, number>;
  keptFrames: number;
  sampledFrames: number;
  dropped: Record<DropReason, number>;
  mining: { accepted: number; rejected: Record<string, number> } | null;
  seconds: number;
  framesPerSec: number;
  phase: 'done' | 'cancelled' | 'stopped';
  /** Workers that crashed (or were killed) during the run; their items were retried. */
  workerCrashes: number;
  /** Why the run stopped early (e.g. storage full). */
  stopReason?: string;
  outcomes: ItemOutcome[];
}

export interface PreprocessHandle {
  pause(): void;
  resume(): void;
  cancel(): void;
  readonly done: Promise<PreprocessSummary>;
  progress(): RunProgress;
}
