/**
 * The headless runner's exit codes, errors and parsed-command types (docs/cli.md); the parser
 * that fills them is ./args.ts, which re-exports all of this.
 */
import type { KernelMode } from '../../src/model/kernelModes';
import os from 'node:os';
import path from 'node:path';
import type { PreprocessConfigInput } from '../../src/preprocess/config';
import type { BackendInfo, LayoutKind } from './api';
import type { ExportFramesOptions, Runtime } from './frames/types';

/** Exit codes of every command (docs/cli.md). */
export const EXIT = {
  ok: 0,
  /** The app ran the command and reported a failure (every file rejected, storage full...). */
  appFailure: 1,
  /** The command could not run: bad arguments, a missing path, no usable app or browser. */
  usage: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error with the exit code it should end the process with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** True for mistakes in the arguments: the message then points at `help`. */
    readonly showUsage = false,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A mistake in the command line (exit code 2, with a pointer to `help`). */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT.usage, true);
}

export const COMMANDS = [
  'ingest',
  'datasets',
  'delete',
  'generate-demo',
  'preprocess',
  'preprocess-media',
  'experiment',
  'runs',
  'export',
  'predict',
  'evaluate',
  'export-frames',
  'import-run',
  'help',
] as const;
export type CommandName = (typeof COMMANDS)[number];

/** The profile folder when neither --profile nor FER_PROFILE is given. */
export function defaultProfileDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FER_PROFILE ?? path.join(os.homedir(), '.fer-workbench', 'profile');
}

/** Options every command takes. */
export interface GlobalOptions {
  /** Chromium profile folder (holds the app's IndexedDB). Absolute. */
  profile: string;
  /** Folder with the automation build. Absolute; null means the repository's dist-automation/. */
  dist: string | null;
  /** 'auto': build when dist is missing or older than the sources. */
  build: 'auto' | 'always' | 'never';
  json: boolean;
  verbose: boolean;
  gpu: boolean;
  backend: BackendInfo['name'] | null;
  /**
   * `--kernels` (experiment, evaluate, predict): the kernel mode the model runs with
   * (src/model/kernels.ts); null: the app's setting (a fresh profile: 'auto').
   */
  kernels: KernelMode | null;
  /** Seconds to wait for the app to start (load, open storage, pick a backend). */
  startupTimeoutSec: number;
}

export interface IngestOptions {
  /** As given on the command line (resolved against the working directory later). */
  paths: string[];
  layout: LayoutKind | null;
  name: string | null;
  dryRun: boolean;
}

/** Counts `generate-demo --counts` may set (the rest keep the app's defaults). */
export interface DemoCountsArg {
  trainPerClass?: number;
  valPerClass?: number;
  testPerClass?: number;
  pool?: number;
  frames?: number;
  size?: number;
}

export interface GenerateDemoOptions {
  seed: number | null;
  counts: DemoCountsArg;
  /** A folder of base photos (as given; resolved later), or null for the shipped ones. */
  faces: string | null;
  name: string | null;
}

/** `--counts` keys and the option each sets. */
const COUNT_KEYS: Readonly<Record<string, keyof DemoCountsArg>> = {
  train: 'trainPerClass',
  val: 'valPerClass',
  test: 'testPerClass',
  pool: 'pool',
  frames: 'frames',
  size: 'size',
};

/** Parses `train=6,val=3,pool=168,frames=10,size=160` (any subset, any order). */
export function parseDemoCounts(spec: string): DemoCountsArg {
  const out: DemoCountsArg = {};
  for (const part of spec.split(',')) {
    const [key = '', value = ''] = part.split('=').map((x) => x.trim());
    const field = COUNT_KEYS[key];
    if (field === undefined)
      throw usageError(
        `Unknown count '${key}' in --counts. Expected ${Object.keys(COUNT_KEYS).join(', ')} (e.g. train=6,val=3,pool=168).`,
      );
    const n = Number(value);
    if (value === '' || !Number.isInteger(n) || n < 0)
      throw usageError(`--counts ${key} takes a whole number >= 0, got '${value}'.`);
    out[field] = n;
  }
  return out;
}

export const ILLUMINATION_METHODS = ['clahe', 'gamma', 'none'] as const;
export const REDO_MODES = ['changed', 'failed', 'all'] as const;
export type RedoMode = (typeof REDO_MODES)[number];

/** Settings `preprocess` and `preprocess-media` share. */
export interface PreprocessSettings {
  /** Only the settings given; the app fills the rest with its defaults. */
  config: PreprocessConfigInput;
  /** Worker count; null keeps the app's default (half the cores, 1..4). */
  workers: number | null;
}

export interface PreprocessOptions extends PreprocessSettings {
  /** A dataset id or its exact name. */
  dataset: string;
  redo: RedoMode;
}

export interface PreprocessMediaOptions extends PreprocessSettings {
  /** As given on the command line (resolved later). */
  files: string[];
  /** The output folder, absolute. */
  out: string;
}

export type ParsedCommand =
  | { command: 'help'; topic: CommandName | null }
  | { command: 'ingest'; global: GlobalOptions; ingest: IngestOptions }
  | { command: 'datasets'; global: GlobalOptions }
  | { command: 'runs'; global: GlobalOptions }
  | { command: 'export'; global: GlobalOptions; export: ExportOptions }
  | { command: 'predict'; global: GlobalOptions; predict: PredictOptions }
  | { command: 'evaluate'; global: GlobalOptions; evaluate: EvaluateOptions }
  | { command: 'delete'; global: GlobalOptions; ids: string[] }
  | { command: 'generate-demo'; global: GlobalOptions; demo: GenerateDemoOptions }
  | { command: 'preprocess'; global: GlobalOptions; preprocess: PreprocessOptions }
  | { command: 'preprocess-media'; global: GlobalOptions; media: PreprocessMediaOptions }
  | { command: 'experiment'; global: GlobalOptions; experiment: ExperimentOptions }
  // The Node runtime's export (scripts/lib/frames/args.ts).
  | { command: 'export-frames'; global: GlobalOptions; frames: ExportFramesOptions }
  | { command: 'import-run'; global: GlobalOptions; file: string };

export interface ExportOptions {
  /** A run id or its exact name (see runs). */
  run: string;
  /** The phase index; null: the best on validation. */
  phase: number | null;
  /** The output folder, absolute. */
  out: string;
}

export interface PredictOptions {
  /** A run id or exact name, or a folder of exported weights. */
  model: string;
  phase: number | null;
  /** Frames per clip; null: the run's (8 for imported weights). */
  frames: number | null;
  files: string[];
}

/** The splits evaluate takes (src/evaluate/crossCorpus.ts EVAL_SPLITS). */
export const EVAL_SPLIT_NAMES = ['test', 'validation', 'train', 'all'] as const;

export interface EvaluateOptions {
  /** A run id or exact name, or a folder of exported weights. */
  model: string;
  /** A dataset id or exact name (see datasets). */
  dataset: string;
  phase: number | null;
  /** Frames per clip for imported weights; null: 8 (a run uses its own). */
  frames: number | null;
  /** null: test when the dataset has one, else validation. */
  split: (typeof EVAL_SPLIT_NAMES)[number] | null;
  /** Class names of imported weights, in output order; null: the canonical ones. */
  classes: string[] | null;
}

export interface ExperimentOptions {
  /** The experiment file, absolute. */
  config: string;
  /** Where the run records and the summary go, absolute. */
  out: string;
  /**
   * Overrides of the file's demo dataset (`--seed`, `--counts`, `--faces`, as generate-demo
   * takes them): the same experiment on another demo. Null: as the file says.
   */
  demo: { seed: number | null; counts: DemoCountsArg | null; faces: string | null };
  /** Where the runs train (scripts/lib/frames/args.ts); node-webgpu reads `frames`, absolute. */
  runtime?: Runtime;
  frames?: string | null;
}
