import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { PreprocessConfigInput } from '../../src/preprocess/config';
import { TILED_DETECTION_MODES } from '../../src/preprocess/steps/tiles';
import { BACKENDS, LAYOUTS, type BackendInfo, type LayoutKind } from './api';

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
  | { command: 'delete'; global: GlobalOptions; ids: string[] }
  | { command: 'generate-demo'; global: GlobalOptions; demo: GenerateDemoOptions }
  | { command: 'preprocess'; global: GlobalOptions; preprocess: PreprocessOptions }
  | { command: 'preprocess-media'; global: GlobalOptions; media: PreprocessMediaOptions }
  | { command: 'experiment'; global: GlobalOptions; experiment: ExperimentOptions };

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
}

const OPTIONS = {
  profile: { type: 'string' },
  dist: { type: 'string' },
  build: { type: 'boolean' },
  'no-build': { type: 'boolean' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  gpu: { type: 'boolean' },
  backend: { type: 'string' },
  'startup-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  // ingest
  layout: { type: 'string' },
  name: { type: 'string' },
  'dry-run': { type: 'boolean' },
  // generate-demo (and --name)
  seed: { type: 'string' },
  counts: { type: 'string' },
  faces: { type: 'string' },
  // preprocess and preprocess-media
  fps: { type: 'string' },
  'max-frames': { type: 'string' },
  illumination: { type: 'string' },
  'crop-size': { type: 'string' },
  'tiled-detection': { type: 'string' },
  workers: { type: 'string' },
  redo: { type: 'string' },
  out: { type: 'string' },
  // export
  phase: { type: 'string' },
  frames: { type: 'string' },
} as const;

const INGEST_ONLY = ['layout', 'dry-run'] as const;
const DEMO_ONLY = ['seed', 'counts', 'faces'] as const;
const PREPROCESS_SHARED = [
  'fps',
  'max-frames',
  'illumination',
  'crop-size',
  'tiled-detection',
  'workers',
] as const;

/** A number from an option, checked; `integer` refuses fractions. */
function numberOption(
  name: string,
  value: string,
  range: { min: number; max: number; integer: boolean; minExclusive?: boolean },
): number {
  const n = Number(value);
  const low = range.minExclusive ? n > range.min : n >= range.min;
  if (
    value.trim() === '' ||
    !Number.isFinite(n) ||
    !low ||
    n > range.max ||
    (range.integer && !Number.isInteger(n))
  )
    throw usageError(
      `--${name} takes ${range.integer ? 'a whole number' : 'a number'} in ` +
        `${range.minExclusive ? '(' : '['}${range.min}, ${range.max}], got '${value}'.`,
    );
  return n;
}

type OptionValues = Partial<Record<keyof typeof OPTIONS, string | boolean>>;

/** --fps, --max-frames, --illumination, --crop-size, --tiled-detection, --workers. */
export function parsePreprocessSettings(values: OptionValues): PreprocessSettings {
  const str = (k: keyof typeof OPTIONS): string | undefined => {
    const v = values[k];
    return typeof v === 'string' ? v : undefined;
  };
  const config: PreprocessConfigInput = {};
  const fps = str('fps');
  if (fps !== undefined)
    config.fps = numberOption('fps', fps, { min: 0, max: 60, integer: false, minExclusive: true });
  const maxFrames = str('max-frames');
  if (maxFrames !== undefined)
    config.maxFramesPerVideo = numberOption('max-frames', maxFrames, {
      min: 1,
      max: 100_000,
      integer: true,
    });
  const illumination = str('illumination');
  if (illumination !== undefined)
    config.illumination = {
      method: oneOf(illumination, ILLUMINATION_METHODS, 'illumination method'),
    };
  const cropSize = str('crop-size');
  if (cropSize !== undefined)
    config.crop = {
      size: numberOption('crop-size', cropSize, { min: 8, max: 1024, integer: true }),
    };
  const tiled = str('tiled-detection');
  if (tiled !== undefined)
    config.tiledDetection = oneOf(tiled, TILED_DETECTION_MODES, 'tiled-detection mode');
  const workers = str('workers');
  return {
    config,
    workers:
      workers === undefined
        ? null
        : numberOption('workers', workers, { min: 1, max: 16, integer: true }),
  };
}

function isCommand(s: string): s is CommandName {
  return (COMMANDS as readonly string[]).includes(s);
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  const hit = allowed.find((a) => a === value);
  if (hit === undefined)
    throw usageError(`Unknown ${what} '${value}'. Expected one of: ${allowed.join(', ')}.`);
  return hit;
}

/**
 * Parses `argv` (without `node` and the script). Throws CliError(EXIT.usage) with a message
 * meant for the user on anything it cannot make sense of.
 */
export function parseCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): ParsedCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw usageError(e instanceof Error ? e.message : String(e));
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;

  if (first === undefined) {
    if (values.help) return { command: 'help', topic: null };
    throw usageError(`No command given. Commands: ${COMMANDS.join(', ')}.`);
  }
  if (!isCommand(first))
    throw usageError(`Unknown command '${first}'. Commands: ${COMMANDS.join(', ')}.`);
  if (first === 'help') {
    const topic = rest[0];
    return { command: 'help', topic: topic !== undefined && isCommand(topic) ? topic : null };
  }
  if (values.help) return { command: 'help', topic: first };

  if (values.build && values['no-build']) throw usageError('--build and --no-build conflict.');
  let startupTimeoutSec = 120;
  if (values['startup-timeout'] !== undefined) {
    startupTimeoutSec = Number(values['startup-timeout']);
    if (!Number.isFinite(startupTimeoutSec) || startupTimeoutSec <= 0)
      throw usageError(`--startup-timeout takes a number of seconds > 0.`);
  }
  const global: GlobalOptions = {
    profile: path.resolve(cwd, values.profile ?? defaultProfileDir(env)),
    dist: values.dist === undefined ? null : path.resolve(cwd, values.dist),
    build: values.build ? 'always' : values['no-build'] ? 'never' : 'auto',
    json: values.json ?? false,
    verbose: values.verbose ?? false,
    gpu: values.gpu ?? false,
    backend: values.backend === undefined ? null : oneOf(values.backend, BACKENDS, 'backend'),
    startupTimeoutSec,
  };

  if (first !== 'ingest') {
    const misplaced = INGEST_ONLY.find((k) => values[k] !== undefined);
    if (misplaced !== undefined) throw usageError(`--${misplaced} is an option of 'ingest' only.`);
  }
  if (first !== 'generate-demo' && first !== 'experiment') {
    const misplaced = DEMO_ONLY.find((k) => values[k] !== undefined);
    if (misplaced !== undefined)
      throw usageError(`--${misplaced} is an option of 'generate-demo' and 'experiment' only.`);
  }
  if (first !== 'generate-demo') {
    if (first !== 'ingest' && values.name !== undefined)
      throw usageError(`--name is an option of 'ingest' and 'generate-demo' only.`);
  }

  const preprocessing = first === 'preprocess' || first === 'preprocess-media';
  if (!preprocessing) {
    const misplaced = PREPROCESS_SHARED.find((k) => values[k] !== undefined);
    if (misplaced !== undefined)
      throw usageError(`--${misplaced} is an option of 'preprocess' and 'preprocess-media' only.`);
  }
  if (first !== 'preprocess' && values.redo !== undefined)
    throw usageError(`--redo is an option of 'preprocess' only.`);
  if (!['preprocess-media', 'experiment', 'export'].includes(first) && values.out !== undefined)
    throw usageError(`--out is an option of 'preprocess-media', 'experiment' and 'export' only.`);
  if (first !== 'export' && first !== 'predict' && values.phase !== undefined)
    throw usageError(`--phase is an option of 'export' and 'predict' only.`);
  if (first !== 'predict' && values.frames !== undefined)
    throw usageError(`--frames is an option of 'predict' only.`);

  switch (first) {
    case 'preprocess': {
      if (rest.length !== 1)
        throw usageError(
          rest.length === 0
            ? 'preprocess needs a dataset (its id or exact name; see datasets).'
            : `preprocess takes one dataset, got ${rest.length} ('${rest.join("', '")}').`,
        );
      const dataset = (rest[0] ?? '').trim();
      if (dataset === '') throw usageError('The dataset id or name must not be empty.');
      return {
        command: 'preprocess',
        global,
        preprocess: {
          ...parsePreprocessSettings(values),
          dataset,
          redo: values.redo === undefined ? 'changed' : oneOf(values.redo, REDO_MODES, 'redo mode'),
        },
      };
    }
    case 'preprocess-media': {
      if (rest.length === 0)
        throw usageError('preprocess-media needs at least one image or video file.');
      if (values.out === undefined || values.out.trim() === '')
        throw usageError('preprocess-media needs --out DIR (where the crops and result.json go).');
      return {
        command: 'preprocess-media',
        global,
        media: {
          ...parsePreprocessSettings(values),
          files: rest,
          out: path.resolve(cwd, values.out),
        },
      };
    }
    case 'ingest': {
      if (rest.length === 0)
        throw usageError('ingest needs at least one path (a dataset folder or files).');
      const layout =
        values.layout === undefined || values.layout === 'auto'
          ? null
          : oneOf(values.layout, LAYOUTS, 'layout');
      const name = values.name?.trim() ?? null;
      if (name === '') throw usageError('--name must not be empty.');
      return {
        command: 'ingest',
        global,
        ingest: { paths: rest, layout, name, dryRun: values['dry-run'] ?? false },
      };
    }
    case 'experiment': {
      if (rest.length !== 1)
        throw usageError('experiment takes one config file (e.g. experiments/demo-tiny.json).');
      if (values.out === undefined || values.out.trim() === '')
        throw usageError('experiment needs --out DIR (where the run records and summary go).');
      return {
        command: 'experiment',
        global,
        experiment: {
          config: path.resolve(cwd, rest[0] ?? ''),
          out: path.resolve(cwd, values.out),
          demo: {
            seed:
              values.seed === undefined
                ? null
                : numberOption('seed', values.seed, { integer: true, min: 0, max: 0xffffffff }),
            counts: values.counts === undefined ? null : parseDemoCounts(values.counts),
            faces: values.faces ?? null,
          },
        },
      };
    }
    case 'datasets':
      if (rest.length > 0) throw usageError(`datasets takes no arguments (got '${rest[0]}').`);
      return { command: 'datasets', global };
    case 'export': {
      const run = (rest[0] ?? '').trim();
      if (rest.length !== 1 || run === '')
        throw usageError('export takes one run (its id or exact name; see runs).');
      if (values.out === undefined || values.out.trim() === '')
        throw usageError('export needs --out DIR (where the files go).');
      const phase =
        values.phase === undefined
          ? null
          : numberOption('phase', values.phase, { integer: true, min: 0, max: 1000 });
      return {
        command: 'export',
        global,
        export: { run, phase, out: path.resolve(cwd, values.out) },
      };
    }
    case 'predict': {
      const [model = '', ...files] = rest;
      if (model.trim() === '' || files.length === 0)
        throw usageError('predict takes a run (or a weights folder) and at least one media file.');
      const num = (name: string, v: string | undefined, min: number): number | null =>
        v === undefined ? null : numberOption(name, v, { integer: true, min, max: 1000 });
      return {
        command: 'predict',
        global,
        predict: {
          model,
          phase: num('phase', values.phase, 0),
          frames: num('frames', values.frames, 1),
          files,
        },
      };
    }
    case 'runs':
      if (rest.length > 0) throw usageError(`runs takes no arguments (got '${rest[0]}').`);
      return { command: 'runs', global };
    case 'delete':
      if (rest.length === 0) throw usageError('delete needs at least one dataset id.');
      return { command: 'delete', global, ids: rest };
    case 'generate-demo': {
      if (rest.length > 0)
        throw usageError(`generate-demo takes no arguments (got '${rest[0]}'); see --faces.`);
      let seed: number | null = null;
      if (values.seed !== undefined) {
        seed = Number(values.seed);
        if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
          throw usageError(`--seed takes a whole number in [0, 4294967295], got '${values.seed}'.`);
      }
      const name = values.name?.trim() ?? null;
      if (name === '') throw usageError('--name must not be empty.');
      return {
        command: 'generate-demo',
        global,
        demo: {
          seed,
          counts: values.counts === undefined ? {} : parseDemoCounts(values.counts),
          faces: values.faces ?? null,
          name,
        },
      };
    }
  }
}
