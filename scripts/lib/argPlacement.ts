/**
 * Which commands take each command-specific option. Any other command refuses it with the
 * same sentence: "--out is an option of 'preprocess-media', 'experiment' and 'export' only."
 * Checked in this order, so the first misplaced option named is the first listed here.
 */
import { usageError } from './argTypes';

const PREPROCESS = ['preprocess', 'preprocess-media'];

const PLACEMENT: readonly (readonly [string, readonly string[]])[] = [
  ['layout', ['ingest']],
  ['dry-run', ['ingest']],
  ['seed', ['generate-demo', 'experiment']],
  ['counts', ['generate-demo', 'experiment']],
  ['faces', ['generate-demo', 'experiment']],
  ['name', ['ingest', 'generate-demo']],
  ['fps', PREPROCESS],
  ['max-frames', PREPROCESS],
  ['illumination', PREPROCESS],
  ['crop-size', PREPROCESS],
  ['tiled-detection', PREPROCESS],
  ['min-tile-score', PREPROCESS],
  ['workers', PREPROCESS],
  ['redo', ['preprocess']],
  ['out', ['preprocess-media', 'experiment', 'export', 'export-frames']],
  ['phase', ['export', 'predict', 'evaluate']],
  ['frames', ['predict', 'evaluate', 'experiment']],
  ['split', ['evaluate']],
  ['classes', ['evaluate']],
  ['size', ['export-frames']],
  ['runtime', ['experiment']],
  ['kernels', ['experiment', 'evaluate', 'predict']],
];

/** 'a' | 'a' and 'b' | 'a', 'b' and 'c' */
function spoken(commands: readonly string[]): string {
  const q = commands.map((c) => `'${c}'`);
  return q.length < 2 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} and ${q.at(-1) ?? ''}`;
}

/** Throws the usage error for the first option given that `command` does not take. */
export function checkOptionPlacement(
  command: string,
  values: Readonly<Record<string, unknown>>,
): void {
  for (const [option, commands] of PLACEMENT) {
    if (values[option] !== undefined && !commands.includes(command))
      throw usageError(`--${option} is an option of ${spoken(commands)} only.`);
  }
}
