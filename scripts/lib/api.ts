/**
 * The CLI's view of the app's test API (`window.__fer`, installed by
 * src/automation/app.ts). Types only: the CLI never imports app code at run time, it
 * drives the built app in Chromium. Keep in step with `FerTestApi`.
 */
import type { BackendInfo } from '../../src/compute/backend';
import type { LayoutKind } from '../../src/ingest/types';
import type { DatasetStatus } from '../../src/storage/schema';
import type { FerTestApi } from '../../src/automation/app';
import type {
  MediaFileReport,
  MediaFrameReport,
  PreprocessMediaResult,
  PreprocessSummary,
  RunProgress,
} from '../../src/preprocess/api';
import type { PreprocessConfigInput } from '../../src/preprocess/config';
import type { MiningConfig } from '../../src/preprocess/mining';
import type { PreprocessDebugApi } from '../../src/automation/preprocess';
import type { Region } from '../../src/preprocess/types';

export type { BackendInfo, DatasetStatus, LayoutKind, PreprocessSummary, Region, RunProgress };

/** Every layout the importer knows; `satisfies` fails the typecheck if LayoutKind grows. */
export const LAYOUTS = [
  'afew',
  'ckplus',
  'ferplus-csv',
  'image-folders',
  'unlabelled-video',
  'manifest',
] as const satisfies readonly LayoutKind[];

// 'demo' is made by the generator (generate-demo), never detected from files.
type MissingLayouts = Exclude<LayoutKind, (typeof LAYOUTS)[number] | 'demo'>;
/** A compile-time check that LAYOUTS lists every LayoutKind (the typecheck fails if not). */
export const LAYOUTS_COMPLETE: [MissingLayouts] extends [never] ? true : never = true;

export interface ClassCountJson {
  rawLabel: string;
  canonical: string | null;
  count: number;
}

export interface ProblemJson {
  path: string;
  code: string;
  message: string;
}

/** What `planFromTestInput` returns: the plan, before anything is stored. */
export interface ImportSummary {
  name: string;
  layout: LayoutKind;
  labelled: boolean;
  classes: ClassCountJson[];
  itemCount: number;
  fileCount: number;
  totalBytes: number;
  totalDurationSec: number | null;
  splits: Record<string, number>;
  problems: ProblemJson[];
}

/** What `commitPlan` returns once the plan is stored. */
export interface ImportResult extends ImportSummary {
  datasetId: string;
  /** 'ready' when every planned item was stored; 'partial' when storing stopped early. */
  status: DatasetStatus;
  stopReason?: string;
  storedItems: number;
  seconds: number;
}

export interface DatasetSummary {
  id: string;
  name: string;
  layout: LayoutKind;
  labelled: boolean;
  status: string;
  itemCount: number;
  totalBytes: number;
  totalDurationSec: number | null;
  classes: ClassCountJson[];
  problems: ProblemJson[];
  createdAt: number;
}

export interface StorageEstimate {
  usageBytes: number | null;
  quotaBytes: number | null;
  persisted: boolean | null;
}

export type TestInputKind = 'files' | 'folder';

/** The methods of `window.__fer` the CLI calls. */
export interface CliFerApi {
  ready: () => Promise<void>;
  backend: () => BackendInfo | null;
  planFromTestInput: (
    which: TestInputKind,
    opts?: { layout?: LayoutKind; name?: string },
  ) => Promise<ImportSummary>;
  commitPlan: () => Promise<ImportResult>;
  listDatasets: () => Promise<DatasetSummary[]>;
  deleteDataset: (id: string) => Promise<void>;
  storage: () => Promise<StorageEstimate>;
}

export type CliFerMethod = keyof CliFerApi;

/** `window` as the CLI sees it inside `page.evaluate`. */
export interface CliWindow {
  __fer?: Partial<CliFerApi>;
}

/** The hidden inputs the app always renders for the test API (data-testid values). */
export const TEST_INPUT_IDS: Readonly<Record<TestInputKind, string>> = {
  files: 'testapi.files',
  folder: 'testapi.folder',
};

/** The URL query parameter that makes the app try a backend first. */
export const BACKEND_PARAM = 'backend';
export const BACKENDS = [
  'webgpu',
  'webgl',
  'cpu',
] as const satisfies readonly BackendInfo['name'][];

/**
 * Fails the typecheck when the app's test API (src/automation/app.ts) no longer offers
 * what the CLI calls, with the types it expects.
 */
export const APP_API_MATCHES: FerTestApi extends CliFerApi ? true : never = true;

/** A crop as it travels from the page to Node: its bytes as base64. */
export interface CropData {
  bytes: number;
  type: string;
  base64: string;
}

/** preprocess-media's frame report with the crops replaced by `C` (JSON has no Blobs). */
export type MediaFrameJson<C> = Omit<MediaFrameReport, 'crops'> & {
  crops: Record<Region, C> | null;
};
export type MediaFileJson<C> = Omit<MediaFileReport, 'frames'> & { frames: MediaFrameJson<C>[] };
export type MediaResultJson<C> = Omit<PreprocessMediaResult, 'files'> & {
  files: MediaFileJson<C>[];
};

/**
 * The methods of `window.__ferPreprocess` (src/automation/preprocess.ts) the CLI calls:
 * a run is started, polled for progress and awaited; loose files go through
 * `mediaWithCrops`, which returns the crops as base64.
 */
export interface CliPreprocessApi {
  setWorkers: (n: number | null) => number;
  start: (
    datasetId: string,
    config?: PreprocessConfigInput,
    options?: { redo?: 'changed' | 'failed' | 'all' },
  ) => number;
  progress: (runId: number) => RunProgress;
  wait: (runId: number) => Promise<PreprocessSummary>;
  cancel: (runId: number) => void;
  mediaWithCrops: (
    config?: PreprocessConfigInput,
    mining?: Partial<MiningConfig>,
  ) => Promise<MediaResultJson<CropData>>;
}

export type CliPreprocessMethod = keyof CliPreprocessApi;

/** `window` with the preprocessing hook, as the CLI sees it inside `page.evaluate`. */
export interface CliPreprocessWindow {
  __ferPreprocess?: Partial<CliPreprocessApi>;
}

/** Fails the typecheck when the preprocessing hook no longer offers what the CLI calls. */
export const PREPROCESS_HOOK_MATCHES: PreprocessDebugApi extends CliPreprocessApi ? true : never =
  true;
