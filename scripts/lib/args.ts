/** The headless runner's argument parser (docs/cli.md). */
import path from 'node:path';
import { checkOptionPlacement } from './argPlacement';
import { parseArgs } from 'node:util';
import type { PreprocessConfigInput } from '../../src/preprocess/config';
import { TILED_DETECTION_MODES } from '../../src/preprocess/steps/tiles';
import { KERNEL_MODES } from '../../src/model/kernelModes';
import { BACKENDS, LAYOUTS } from './api';
import { parseExportFrames, parseImportRun, parseRuntime } from './frames/args';

import {
  usageError,
  COMMANDS,
  type CommandName,
  defaultProfileDir,
  type GlobalOptions,
  parseDemoCounts,
  ILLUMINATION_METHODS,
  REDO_MODES,
  type PreprocessSettings,
  type ParsedCommand,
  type EvaluateOptions,
  EVAL_SPLIT_NAMES,
} from './argTypes';

// The exit codes, errors and parsed-command types: ./argTypes.ts (split out to keep this file
// to the parser).
export * from './argTypes';

const OPTIONS = {
  profile: { type: 'string' },
  dist: { type: 'string' },
  build: { type: 'boolean' },
  'no-build': { type: 'boolean' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  gpu: { type: 'boolean' },
  backend: { type: 'string' },
  kernels: { type: 'string' },
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
  'min-tile-score': { type: 'string' },
  workers: { type: 'string' },
  redo: { type: 'string' },
  out: { type: 'string' },
  // export
  phase: { type: 'string' },
  frames: { type: 'string' },
  // evaluate
  split: { type: 'string' },
  classes: { type: 'string' },
  // export-frames (--size) and experiment (--runtime, --frames): ./frames/args.ts
  size: { type: 'string' },
  runtime: { type: 'string' },
} as const;

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

/** `evaluate <run|weights-dir> <dataset> [--phase N] [--split S] [--frames N] [--classes a,b]`. */
export function parseEvaluate(rest: readonly string[], values: OptionValues): EvaluateOptions {
  const [model = '', dataset = ''] = rest;
  if (rest.length !== 2 || model.trim() === '' || dataset.trim() === '')
    throw usageError(
      'evaluate takes a run (or a weights folder) and a dataset (id or exact name).',
    );
  const str = (k: 'phase' | 'frames' | 'split' | 'classes'): string | undefined => {
    const v = values[k];
    return typeof v === 'string' ? v : undefined;
  };
  const num = (name: 'phase' | 'frames', min: number): number | null => {
    const v = str(name);
    return v === undefined ? null : numberOption(name, v, { integer: true, min, max: 1000 });
  };
  const split = str('split');
  const classes = str('classes');
  return {
    model,
    dataset: dataset.trim(),
    phase: num('phase', 0),
    frames: num('frames', 1),
    split: split === undefined ? null : oneOf(split, EVAL_SPLIT_NAMES, 'split'),
    classes: classes === undefined ? null : classes.split(',').map((c) => c.trim()),
  };
}

/** --fps, --max-frames, --illumination, --crop-size, --tiled-detection, --min-tile-score, --workers. */
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
  const minTile = str('min-tile-score');
  if (minTile !== undefined)
    config.minTileScore = numberOption('min-tile-score', minTile, {
      min: 0,
      max: 1,
      integer: false,
    });
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
    kernels: null,
    startupTimeoutSec,
  };

  checkOptionPlacement(first, values);
  if (values.kernels !== undefined)
    global.kernels = oneOf(values.kernels, KERNEL_MODES, 'kernel mode (--kernels)');

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
          ...parseRuntime(values, cwd),
        },
      };
    }
    case 'export-frames':
      return { command: 'export-frames', global, frames: parseExportFrames(rest, values, cwd) };
    case 'import-run':
      return { command: 'import-run', global, file: parseImportRun(rest, cwd) };
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
    case 'evaluate':
      return { command: 'evaluate', global, evaluate: parseEvaluate(rest, values) };
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
