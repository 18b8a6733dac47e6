/**
 * `window.__ferPreprocess`: the preprocessing API for e2e tests, benchmarks and the CLI
 * (page.evaluate). Everything it returns is JSON: Blobs become their size and type (or a
 * data URL on request). Test-only; keep it thin.
 */
import type { PreprocessedRecord } from '../storage/schema';
import type { PreprocessConfigInput } from '../preprocess/config';
import type { MiningConfig } from '../preprocess/mining';
import {
  deletePreprocessed,
  getPreprocessStatus,
  killPreprocessWorker,
  listFrames,
  listItemOutcomes,
  preprocessedCropBytes,
  preprocessMedia,
  preprocessWorkers,
  preprocessWorkerStatus,
  remineDataset,
  setPreprocessWorkers,
  shutdownPreprocessWorkers,
  startPreprocess,
  type MediaFileReport,
  type MediaFrameReport,
  type PreprocessHandle,
  type PreprocessMediaResult,
  type PreprocessStatus,
  type PreprocessSummary,
  type RunProgress,
} from '../preprocess/api';
import { canvasWarpProbe, type WarpProbeCase } from './preprocess/canvasWarpProbe';
import { failPutsInto } from './storage/quota';
import type { WorkerStatus } from '../preprocess/protocol';
import type { FrameRecord, Region } from '../preprocess/types';

export interface BlobInfo {
  bytes: number;
  type: string;
}

/** A crop with its bytes, for callers outside the page (the CLI writes it to a file). */
export interface BlobData extends BlobInfo {
  base64: string;
}

/** preprocess-media's result with each crop Blob replaced by `C` (JSON has no Blobs). */
export type MediaJson<C> = Omit<PreprocessMediaResult, 'files'> & {
  files: (Omit<MediaFileReport, 'frames'> & {
    frames: (Omit<MediaFrameReport, 'crops'> & { crops: Record<Region, C> | null })[];
  })[];
};

export interface FrameInfo {
  id: string;
  frameIndex: number;
  record: FrameRecord;
  crops: Record<Region, BlobInfo>;
}

export interface RunStartOptions {
  mining?: Partial<MiningConfig>;
  redo?: 'changed' | 'failed' | 'all';
  mine?: boolean;
}

export interface PreprocessDebugApi {
  /**
   * The disk fills up: on this page, frame writes fail with QuotaExceededError once `afterPuts`
   * more have succeeded, until the page reloads. Deterministic, unlike Chromium's quota
   * override, whose coarse accounting sometimes let every item fit.
   */
  fillStorage(afterPuts: number): void;
  /** The canvas warper's crop landmark errors in this browser (src/automation/preprocess/canvasWarpProbe.ts). */
  canvasWarpProbe(): Promise<WarpProbeCase[]>;
  setWorkers(n: number | null): number;
  workerStatus(): WorkerStatus | null;
  /** Terminates the workers (the next run starts fresh ones, loading the models again). */
  shutdown(): void;
  /** Kills a busy worker as a crash would (its item is retried); false when none was busy. */
  killWorker(): boolean;
  /** Starts a run; returns its id for progress/pause/resume/cancel/wait. */
  start(datasetId: string, config?: PreprocessConfigInput, options?: RunStartOptions): number;
  progress(runId: number): RunProgress;
  pause(runId: number): void;
  resume(runId: number): void;
  cancel(runId: number): void;
  wait(runId: number): Promise<PreprocessSummary>;
  run(
    datasetId: string,
    config?: PreprocessConfigInput,
    options?: RunStartOptions,
  ): Promise<PreprocessSummary>;
  status(datasetId: string): Promise<PreprocessStatus>;
  outcomes(datasetId: string): Promise<PreprocessedRecord[]>;
  frames(itemId: string): Promise<FrameInfo[]>;
  cropDataUrl(itemId: string, frameIndex: number, region: Region): Promise<string>;
  cropBytes(datasetId: string): Promise<{ frames: number; bytes: Record<Region, number> }>;
  deletePreprocessed(datasetId: string): Promise<void>;
  /** Re-decides mining from the stored face boxes with other settings. */
  remine(
    datasetId: string,
    mining?: Partial<MiningConfig>,
  ): Promise<{ accepted: number; rejected: Record<string, number> }>;
  /** preprocess-media on the files in the test input `testapi.files` (crops as sizes). */
  mediaFromTestInput(
    config?: PreprocessConfigInput,
    mining?: Partial<MiningConfig>,
  ): Promise<MediaJson<BlobInfo>>;
  /** The same with every crop's bytes as base64 (for the CLI's preprocess-media). */
  mediaWithCrops(
    config?: PreprocessConfigInput,
    mining?: Partial<MiningConfig>,
  ): Promise<MediaJson<BlobData>>;
}

declare global {
  interface Window {
    /** Installed by installPreprocessDebugHook (src/automation/preprocess.ts). */
    __ferPreprocess?: PreprocessDebugApi;
  }
}

function blobInfo(b: Blob): BlobInfo {
  return { bytes: b.size, type: b.type };
}

function cropInfo(crops: Record<Region, Blob>): Record<Region, BlobInfo> {
  return { face: blobInfo(crops.face), eyes: blobInfo(crops.eyes), mouth: blobInfo(crops.mouth) };
}

function dataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      resolve(typeof r.result === 'string' ? r.result : '');
    };
    r.onerror = () => {
      reject(r.error ?? new Error('could not read the blob'));
    };
    r.readAsDataURL(blob);
  });
}

async function blobData(b: Blob): Promise<BlobData> {
  const bytes = new Uint8Array(await b.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return { bytes: b.size, type: b.type, base64: btoa(binary) };
}

async function mediaJson<C>(
  result: PreprocessMediaResult,
  convert: (b: Blob) => Promise<C>,
): Promise<MediaJson<C>> {
  const crops = async (c: Record<Region, Blob>): Promise<Record<Region, C>> => ({
    face: await convert(c.face),
    eyes: await convert(c.eyes),
    mouth: await convert(c.mouth),
  });
  return {
    ...result,
    files: await Promise.all(
      result.files.map(async (file) => ({
        ...file,
        frames: await Promise.all(
          file.frames.map(async (fr) => ({
            ...fr,
            crops: fr.crops ? await crops(fr.crops) : null,
          })),
        ),
      })),
    ),
  };
}

/** The files Playwright put into the test API's hidden input. */
function testInputFiles(): { name: string; blob: Blob }[] {
  const input = document.querySelector<HTMLInputElement>('[data-testid="testapi.files"]');
  return Array.from(input?.files ?? []).map((f) => ({ name: f.name, blob: f }));
}

export function installPreprocessDebugHook(): void {
  const runs = new Map<number, PreprocessHandle>();
  let nextRun = 1;
  const handle = (id: number): PreprocessHandle => {
    const h = runs.get(id);
    if (!h) throw new Error(`no preprocessing run ${id}`);
    return h;
  };
  const api: PreprocessDebugApi = {
    fillStorage: (afterPuts) => {
      failPutsInto('frames', afterPuts);
    },
    canvasWarpProbe,
    setWorkers: (n) => {
      setPreprocessWorkers(n);
      return preprocessWorkers();
    },
    workerStatus: preprocessWorkerStatus,
    shutdown: shutdownPreprocessWorkers,
    killWorker: killPreprocessWorker,
    start: (datasetId, config, options = {}) => {
      const id = nextRun++;
      runs.set(id, startPreprocess(datasetId, config, options));
      return id;
    },
    progress: (id) => handle(id).progress(),
    pause: (id) => {
      handle(id).pause();
    },
    resume: (id) => {
      handle(id).resume();
    },
    cancel: (id) => {
      handle(id).cancel();
    },
    wait: (id) => handle(id).done,
    run: (datasetId, config, options = {}) => startPreprocess(datasetId, config, options).done,
    status: getPreprocessStatus,
    outcomes: listItemOutcomes,
    frames: async (itemId) =>
      (await listFrames(itemId)).map((f) => ({
        id: f.id,
        frameIndex: f.frameIndex,
        record: f.record,
        crops: cropInfo(f.crops),
      })),
    cropDataUrl: async (itemId, frameIndex, region) => {
      const f = (await listFrames(itemId)).find((x) => x.frameIndex === frameIndex);
      if (!f) throw new Error(`no frame ${itemId}/${frameIndex}`);
      return dataUrl(f.crops[region]);
    },
    cropBytes: preprocessedCropBytes,
    deletePreprocessed,
    remine: remineDataset,
    mediaFromTestInput: async (config, mining) =>
      mediaJson(await preprocessMedia(testInputFiles(), config, mining), (b) =>
        Promise.resolve(blobInfo(b)),
      ),
    mediaWithCrops: async (config, mining) =>
      mediaJson(await preprocessMedia(testInputFiles(), config, mining), blobData),
  };
  window.__ferPreprocess = api;
}
