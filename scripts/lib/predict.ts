/**
 * `predict <run|weights-dir> <media...>`: the Inference tab headlessly. The model is a
 * stored run's phase (default: best on validation) or exported weights (a folder with
 * model.json and its shards); each file is preprocessed and predicted in the page
 * (window.__ferPredict, src/automation/predict.ts), as the Inference tab does.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PredictDebugApi, PredictFileResult } from '../../src/automation/predict';
import { EXIT, usageError, type PredictOptions } from './args';
import type { AppSession } from './browser';
import type { CommandOutcome } from './commands';
import { TEST_INPUT_IDS } from './api';
import { resolveMediaFiles } from './preprocessMedia';
import { findRun, listRunRecords } from './runs';

interface PredictWindow {
  __ferPredict?: PredictDebugApi;
}

export interface PredictJson {
  /** A stored run's phase, or the weights folder. */
  model: {
    run: { id: string; name: string } | null;
    phase: { index: number; name: string } | null;
    weightsDir: string | null;
    classes: string[] | null;
    framesPerClip: number;
  };
  files: (PredictFileResult & { path: string })[];
}

/** A folder with model.json, else null (then the argument names a run). */
export async function weightsDir(arg: string): Promise<string | null> {
  const abs = path.resolve(arg);
  try {
    if ((await stat(abs)).isDirectory()) {
      await stat(path.join(abs, 'model.json'));
      return abs;
    }
  } catch {
    return null;
  }
  return null;
}

export async function runPredict(
  session: AppSession,
  opts: PredictOptions,
): Promise<CommandOutcome<PredictJson>> {
  const files = await resolveMediaFiles(opts.files);
  const dir = await weightsDir(opts.model);
  const page = session.page;
  let model: PredictJson['model'];
  if (dir !== null) {
    const names = await readdir(dir);
    const data = await Promise.all(
      names.map(async (name) => ({
        name,
        base64: (await readFile(path.join(dir, name))).toString('base64'),
      })),
    );
    await page.evaluate(async (fs) => {
      const api = (window as PredictWindow).__ferPredict;
      if (!api) throw new Error('window.__ferPredict is missing: rebuild the app');
      await api.loadWeights(fs);
    }, data);
    model = {
      run: null,
      phase: null,
      weightsDir: dir,
      classes: null,
      framesPerClip: opts.frames ?? 8,
    };
  } else {
    const run = findRun(await listRunRecords(session), opts.model);
    const loaded = await page.evaluate(
      async ([id, phase]) => {
        const api = (window as PredictWindow).__ferPredict;
        if (!api) throw new Error('window.__ferPredict is missing: rebuild the app');
        return api.loadRun(id, phase);
      },
      [run.id, opts.phase] as const,
    );
    model = {
      run: { id: run.id, name: run.name },
      phase: loaded.phase,
      weightsDir: null,
      classes: run.classes,
      framesPerClip: opts.frames ?? loaded.frames,
    };
  }
  if (files.length === 0) throw usageError('predict needs at least one image or video.');
  await page.getByTestId(TEST_INPUT_IDS.files).setInputFiles(files, { timeout: 60_000 });
  const results = await page.evaluate(async (n) => {
    const api = (window as PredictWindow).__ferPredict;
    if (!api) throw new Error('window.__ferPredict is missing');
    return api.predictTestFiles(n);
  }, model.framesPerClip);
  const out = results.map((r, i) => ({ ...r, path: files[i] ?? r.name }));
  const label = (k: number): string => model.classes?.[k] ?? `class ${k}`;
  const text = out
    .map((r) =>
      r.result
        ? `${r.path}: ${label(r.result.predicted)} (${r.result.probs.map((p) => p.toFixed(3)).join(' ')})`
        : `${r.path}: ${r.note ?? 'failed'}`,
    )
    .join('\n');
  return {
    exitCode: out.some((r) => r.result === null) ? EXIT.appFailure : EXIT.ok,
    json: { model, files: out },
    text,
  };
}
