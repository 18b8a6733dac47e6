/**
 * What the UI, the test API and the CLI call to preprocess. All heavy work runs in
 * workers/preprocess.worker.ts through one shared pool (size: a setting, default from
 * navigator.hardwareConcurrency). See docs/preprocess-engine.md.
 */
import { getDb } from '../storage/db';
import {
  cropBytes,
  deletePreprocessed as deleteStored,
  getFrame,
  listFrames as listStoredFrames,
  listPreprocessed as listStoredOutcomes,
  preprocessStatus as storedStatus,
  putMiningResults,
  type PreprocessStatus,
} from '../storage/frames';
import type { PreprocessedRecord, PreprocessFlag, StoredFrame } from '../storage/schema';
import { defaultPoolSize, WorkerPool, workerPort } from '../workers/pool';
import { configHash, validatePreprocessConfig, type PreprocessConfigInput } from './config';
import { mineClip, validateMiningConfig, type MiningConfig, type MiningResult } from './mining';
import { summariseItem } from './pipeline';
import {
  jobTransferables,
  type FromPreprocessWorker,
  type ItemResult,
  type PreprocessJob,
  type PreprocessProgress,
  type ToPreprocessWorker,
  type WorkerStatus,
} from './protocol';
import {
  runPreprocess,
  type PreprocessHandle,
  type PreprocessPool,
  type RunOptions,
} from './runner';
import type {
  Affine,
  DropReason,
  FaceResult,
  FrameRecord,
  PreprocessConfig,
  Region,
} from './types';

export type { PreprocessHandle, PreprocessSummary, RunProgress, ItemOutcome } from './runner';
export type { PreprocessStatus };

/** A whole item may take this long in a worker before it counts as hung (crash + retry). */
const JOB_TIMEOUT_MS = 10 * 60 * 1000;

let pool: PreprocessPool | null = null;
let workerSetting: number | null = null;
let lastStatus: WorkerStatus | null = null;

/** Number of preprocessing workers; null = default (half the cores, 1..4). */
export function setPreprocessWorkers(n: number | null): void {
  if (n !== null && !(Number.isInteger(n) && n >= 1 && n <= 16)) {
    throw new RangeError(`workers must be an integer in [1, 16], got ${n}`);
  }
  workerSetting = n;
  pool?.resize(preprocessWorkers());
}

export function preprocessWorkers(): number {
  return workerSetting ?? defaultPoolSize();
}

/** The last worker-level news (models loaded or failed). */
export function preprocessWorkerStatus(): WorkerStatus | null {
  return lastStatus;
}

function getPool(): PreprocessPool {
  pool ??= new WorkerPool<PreprocessJob, ItemResult, PreprocessProgress, WorkerStatus>({
    size: preprocessWorkers(),
    jobTimeoutMs: JOB_TIMEOUT_MS,
    create: () =>
      workerPort<ToPreprocessWorker, FromPreprocessWorker>(
        new Worker(new URL('../../workers/preprocess.worker.ts', import.meta.url), {
          type: 'module',
          name: 'preprocess',
        }),
      ),
    onStatus: (s) => {
      lastStatus = s;
    },
  });
  return pool;
}

/**
 * Terminates a busy preprocessing worker as a crash would (tests): its item is retried in a
 * fresh worker, or recorded as failed after the pool's retries. False when none was busy.
 */
export function killPreprocessWorker(): boolean {
  return pool?.killBusyWorker('The preprocessing worker was terminated (killed).') ?? false;
}

/** Terminates the workers (they are recreated on the next call). */
export function shutdownPreprocessWorkers(): void {
  pool?.destroy();
  pool = null;
}

export interface PreprocessCallbacks {
  onProgress?: RunOptions['onProgress'];
  onItem?: RunOptions['onItem'];
}

/**
 * Preprocesses a stored dataset (items not yet done with this config). Returns at once;
 * `done` resolves with the summary (also after cancel()).
 */
let activeRuns = 0;

/** Whether a run started by startPreprocess is still going (one at a time: they share the pool). */
export function preprocessRunning(): boolean {
  return activeRuns > 0;
}

export function startPreprocess(
  datasetId: string,
  config?: PreprocessConfigInput,
  callbacks: PreprocessCallbacks & Omit<RunOptions, 'config' | 'onProgress' | 'onItem'> = {},
): PreprocessHandle {
  if (activeRuns > 0) {
    throw new Error('A preprocessing run is already going: wait for it or cancel it first.');
  }
  const p = getPool();
  activeRuns++;
  let inner: PreprocessHandle | null = null;
  const pending: ('pause' | 'resume' | 'cancel')[] = [];
  const ready = getDb().then((db) => {
    inner = runPreprocess(db, p, datasetId, { ...callbacks, ...(config ? { config } : {}) });
    for (const action of pending) inner[action]();
    return inner;
  });
  const act = (action: 'pause' | 'resume' | 'cancel') => () => {
    if (inner) inner[action]();
    else pending.push(action);
  };
  return {
    pause: act('pause'),
    resume: act('resume'),
    cancel: act('cancel'),
    done: ready
      .then((h) => h.done)
      .finally(() => {
        activeRuns--;
      }),
    progress: () =>
      inner?.progress() ?? {
        phase: 'planning',
        itemsTotal: 0,
        itemsDone: 0,
        itemsSkipped: 0,
        framesDone: 0,
        framesPerSec: 0,
        etaSec: null,
        elapsedSec: 0,
        current: [],
      },
  };
}

export async function getPreprocessStatus(datasetId: string): Promise<PreprocessStatus> {
  return storedStatus(await getDb(), datasetId);
}

export async function listFrames(itemId: string): Promise<StoredFrame[]> {
  return listStoredFrames(await getDb(), itemId);
}

/** One stored frame (its record and crops), or undefined. */
export async function storedFrame(
  itemId: string,
  frameIndex: number,
): Promise<StoredFrame | undefined> {
  return getFrame(await getDb(), itemId, frameIndex);
}

export async function listItemOutcomes(datasetId: string): Promise<PreprocessedRecord[]> {
  return listStoredOutcomes(await getDb(), datasetId);
}

export async function deletePreprocessed(datasetId: string): Promise<void> {
  await deleteStored(await getDb(), datasetId);
}

export async function preprocessedCropBytes(
  datasetId: string,
): Promise<{ frames: number; bytes: Record<Region, number> }> {
  return cropBytes(await getDb(), datasetId);
}

/**
 * Re-decides clip mining for a dataset's processed items with other settings, from the face
 * boxes stored per sampled frame (no decoding or detection again). Returns how many items
 * were accepted and rejected by reason.
 */
export async function remineDataset(
  datasetId: string,
  mining?: Partial<MiningConfig>,
): Promise<{ accepted: number; rejected: Record<string, number> }> {
  const m = validateMiningConfig(mining);
  const db = await getDb();
  const records = (await listStoredOutcomes(db, datasetId)).filter((r) => r.status !== 'failed');
  const counts = { accepted: 0, rejected: {} as Record<string, number> };
  const updates = records.map((r) => {
    const result = mineClip(r.faceLog, m);
    if (result.accepted) counts.accepted++;
    else counts.rejected[result.reason] = (counts.rejected[result.reason] ?? 0) + 1;
    const flags: PreprocessFlag[] = r.flags.filter((f) => f !== 'mining-rejected');
    if (!result.accepted) flags.push('mining-rejected');
    return {
      itemId: r.itemId,
      mining: result,
      flags,
      status: flags.length > 0 ? ('flagged' as const) : ('done' as const),
    };
  });
  await putMiningResults(db, updates);
  return counts;
}

// ---------------------------------------------------------------------------------------
// preprocess-media: loose files, every detail (the CLI's `preprocess-media`)

/** One detected face as preprocess-media reports it (no 478-point mesh: it is large). */
export interface MediaFace {
  box: FaceResult['box'];
  score: number;
  keypoints: FaceResult['keypoints'];
  hasLandmarks: boolean;
}

export interface MediaFrameReport {
  frameIndex: number;
  timestampSec: number;
  width: number;
  height: number;
  faces: MediaFace[];
  /** Index into faces of the face used, or null when the frame was dropped. */
  chosen: number | null;
  keypoints: FrameRecord['keypoints'] | null;
  angleDeg: number | null;
  /** Source pixels -> crop pixels, per region. */
  affines: Record<Region, Affine> | null;
  dropped: DropReason | null;
  note: string | null;
  lightnessBefore: number | null;
  lightnessAfter: number | null;
  crops: Record<Region, Blob> | null;
}

export interface MediaFileReport {
  name: string;
  kind: 'video' | 'image';
  error: string | null;
  sourceWidth: number;
  sourceHeight: number;
  sampleFps: number | null;
  sampled: number;
  kept: number;
  dropped: Record<DropReason, number>;
  tooFewFrames: boolean;
  /** The clip-mining decision with the given (or default) mining settings. */
  mining: MiningResult | null;
  frames: MediaFrameReport[];
}

export interface PreprocessMediaResult {
  config: PreprocessConfig;
  configHash: string;
  mining: MiningConfig;
  files: MediaFileReport[];
}

const IMAGE_EXT = /\.(png|jpe?g|webp|bmp|gif|tiff?)$/i;

function mediaReport(
  name: string,
  kind: 'video' | 'image',
  r: ItemResult,
  config: PreprocessConfig,
  mining: MiningConfig,
): MediaFileReport {
  const kept = new Map(r.frames.map((f) => [f.record.frameIndex, f]));
  const summary = summariseItem(r, config, kind === 'video');
  return {
    name,
    kind,
    error: null,
    sourceWidth: r.sourceWidth,
    sourceHeight: r.sourceHeight,
    sampleFps: r.sampleFps,
    sampled: summary.sampled,
    kept: summary.kept,
    dropped: summary.dropped,
    tooFewFrames: summary.tooFewFrames,
    mining: mineClip(
      r.samples.map((s) => ({ ...s, boxes: s.faces.map((f) => f.box) })),
      mining,
    ),
    frames: r.samples.map((s) => {
      const f = kept.get(s.frameIndex);
      const rec = f?.record;
      return {
        frameIndex: s.frameIndex,
        timestampSec: s.timestampSec,
        width: s.width,
        height: s.height,
        faces: (s.detail ?? []).map((d) => ({
          box: d.box,
          score: d.score,
          keypoints: d.keypoints,
          hasLandmarks: d.landmarks !== null,
        })),
        chosen: rec ? rec.chosen : null,
        keypoints: rec ? rec.keypoints : null,
        angleDeg: rec ? rec.angleDeg : null,
        affines: rec ? rec.affines : null,
        dropped: s.dropped,
        note: s.note ?? null,
        lightnessBefore: rec ? rec.lightnessBefore : null,
        lightnessAfter: rec ? rec.lightnessAfter : null,
        crops: f ? f.crops : null,
      };
    }),
  };
}

/**
 * Preprocesses loose files (not stored): per file and sampled frame every face found, the
 * chosen one, its keypoints, the angle, the three affines, why a frame was dropped, and the
 * crops as Blobs. JSON schema: docs/preprocess-engine.md, "preprocess-media".
 */
export async function preprocessMedia(
  files: readonly { name: string; blob: Blob }[],
  config?: PreprocessConfigInput,
  miningConfig?: Partial<MiningConfig>,
): Promise<PreprocessMediaResult> {
  const c = validatePreprocessConfig(config);
  const mining = validateMiningConfig(miningConfig);
  const p = getPool();
  const reports = await Promise.all(
    files.map(async (file, i): Promise<MediaFileReport> => {
      const kind =
        IMAGE_EXT.test(file.name) || file.blob.type.startsWith('image/') ? 'image' : 'video';
      const job: PreprocessJob = {
        itemId: `media:${i}:${file.name}`,
        source:
          kind === 'image' ? { kind: 'image', file } : { kind: 'video', file, durationSec: null },
        config: c,
        detail: true,
      };
      try {
        const r = await p.run(job, { transfer: jobTransferables });
        return mediaReport(file.name, kind, r, c, mining);
      } catch (e) {
        return {
          name: file.name,
          kind,
          error: e instanceof Error ? e.message : String(e),
          sourceWidth: 0,
          sourceHeight: 0,
          sampleFps: null,
          sampled: 0,
          kept: 0,
          dropped: { 'no-face': 0, 'no-landmarks': 0, 'decode-error': 0 },
          tooFewFrames: true,
          mining: null,
          frames: [],
        };
      }
    }),
  );
  return { config: c, configHash: configHash(c), mining, files: reports };
}
