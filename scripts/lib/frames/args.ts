/**
 * The command line of the Node runtime's parts (kept apart from ../args.ts): `export-frames`,
 * and `experiment`'s `--runtime` / `--frames`.
 */
import path from 'node:path';
import { usageError } from '../argTypes';
import { type ExportFramesOptions, type Runtime, RUNTIMES } from './types';

export { type ExportFramesOptions, type Runtime, RUNTIMES } from './types';

/** `export-frames <dataset> --size S --out DIR`. */
export function parseExportFrames(
  rest: readonly string[],
  values: { size?: string; out?: string },
  cwd: string,
): ExportFramesOptions {
  const dataset = (rest[0] ?? '').trim();
  if (rest.length !== 1 || dataset === '')
    throw usageError('export-frames takes one dataset (its id or exact name; see datasets).');
  if (values.out === undefined || values.out.trim() === '')
    throw usageError('export-frames needs --out DIR (where the manifest and shards go).');
  const size = Number(values.size);
  if (values.size === undefined || !Number.isInteger(size) || size < 8 || size > 1024)
    throw usageError(
      `export-frames needs --size S, the model's input size in pixels (a whole number in [8, 1024]; ` +
        `48 for the tiny preset, 224 for the full model)${values.size === undefined ? '' : `, got '${values.size}'`}.`,
    );
  return { dataset, size, out: path.resolve(cwd, values.out) };
}

/** `experiment`'s runtime: the browser (default), or node-webgpu, which needs --frames DIR. */
export function parseRuntime(
  values: { runtime?: string; frames?: string },
  cwd: string,
): { runtime: Runtime; frames: string | null } {
  const runtime = values.runtime ?? 'browser';
  if (!(RUNTIMES as readonly string[]).includes(runtime))
    throw usageError(`Unknown runtime '${runtime}'. Expected one of: ${RUNTIMES.join(', ')}.`);
  if (runtime === 'node-webgpu' && (values.frames ?? '').trim() === '')
    throw usageError(
      '--runtime node-webgpu needs --frames DIR (written by export-frames; see docs/cli.md).',
    );
  if (runtime === 'browser' && values.frames !== undefined)
    throw usageError("experiment's --frames goes with --runtime node-webgpu.");
  return {
    runtime: runtime as Runtime,
    frames: values.frames === undefined ? null : path.resolve(cwd, values.frames),
  };
}

/** `import-run <file>`: a `DIR/store/<run>-seed<seed>.v8` file of the Node runtime. */
export function parseImportRun(rest: readonly string[], cwd: string): string {
  const file = (rest[0] ?? '').trim();
  if (rest.length !== 1 || file === '')
    throw usageError('import-run takes one stored run file (DIR/store/<run>-seed<seed>.v8).');
  return path.resolve(cwd, file);
}
