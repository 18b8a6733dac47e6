/**
 * Run records have one writer (issue 16 step 3): src/runs/writer.ts. Every other module sends
 * it a change; this fails when another file calls the storage writes of the `runs` store.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The storage calls that write the `runs` object store. */
const RUN_WRITES = /\b(putRun|saveCheckpoint|deleteRun)\s*\(|(objectStore|put|delete)\(\s*'runs'/;

describe('run records have one writer', () => {
  it('only src/runs/writer.ts (and the storage module it calls) writes run records', () => {
    const writers = ['src', 'workers', 'scripts']
      .flatMap((d) => sources(join(ROOT, d)))
      .filter((f) => RUN_WRITES.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f).replaceAll('\\', '/'))
      .sort();
    expect(writers).toEqual(['src/runs/writer.ts', 'src/storage/runs.ts']);
  });
});

/** The storage calls that write the `evaluations` object store (schema v3). */
const EVALUATION_WRITES = /\bputEvaluation\s*\(|(objectStore|put|delete)\(\s*'evaluations'/;

describe('evaluation records have one writer', () => {
  it("only the inference worker's evaluation (and the storage module) writes them", () => {
    const writers = ['src', 'workers', 'scripts']
      .flatMap((d) => sources(join(ROOT, d)))
      .filter((f) => EVALUATION_WRITES.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f).replaceAll('\\', '/'))
      .sort();
    expect(writers).toEqual(['src/inference/evaluateDataset.ts', 'src/storage/evaluations.ts']);
  });
});
