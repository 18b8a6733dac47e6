/**
 * `evaluate <run|weights-dir> <dataset>`: cross-corpus evaluation headlessly (issue 18 part 4).
 * A stored run's phase (default: best on validation) or exported weights on a stored,
 * preprocessed dataset's split, in the page's inference worker (window.__ferEvaluate,
 * src/automation/evaluate.ts), as the Results tab's "Evaluate on another dataset" runs it. The
 * worker stores the evaluation record; this prints its numbers.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { EvaluateDebugApi, EvaluateOutcome } from '../../src/automation/evaluate';
import type { CrossClassResult, CrossEvaluationRecord } from '../../src/evaluate/crossCorpus';
import type { CliWindow } from './api';
import { CliError, EXIT, type EvaluateOptions } from './args';
import type { AppSession } from './browser';
import type { CommandOutcome } from './commands';
import { table } from './format';
import { weightsDir } from './predict';
import { resolveDataset } from './preprocess';
import { findRun, listRunRecords } from './runs';

interface EvaluateWindow {
  __ferEvaluate?: EvaluateDebugApi;
}

export interface EvaluateJson {
  model: {
    run: { id: string; name: string } | null;
    phase: { index: number; name: string } | null;
    weightsDir: string | null;
  };
  dataset: { id: string; name: string };
  /** The split evaluated; `splitByDefault`: chosen by default (test if any, else validation). */
  split: CrossEvaluationRecord['split'];
  splitByDefault: boolean;
  /** 'items': the dataset's own split labels; 'seeded': the run's seeded split rule. */
  splitSource: CrossEvaluationRecord['splitSource'];
  classes: string[];
  accuracy: number;
  macroF1: number;
  total: number;
  /** What total and each class's support count: 'item' (videos, clips joined) or 'clip'. */
  evalUnit: 'item' | 'clip';
  /** recall null: the split has no clip of that class ("n/a"). */
  perClass: CrossClassResult[];
  missingClasses: string[];
  /** confusion[actual][predicted], in `classes` order. */
  confusion: number[][];
  framesPerClip: number;
  backend: string;
  seconds: number;
  /** The stored evaluation record's key (run + phase + dataset + split). */
  recordId: string;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const unitWord = (u: 'item' | 'clip'): string => (u === 'item' ? 'items' : 'clips');

export function evaluateText(doc: EvaluateJson): string {
  const model = doc.model.run
    ? `run ${doc.model.run.name} / ${doc.model.phase?.name ?? '?'}`
    : `weights ${doc.model.weightsDir ?? '?'}`;
  const lines = [
    `${model} on dataset "${doc.dataset.name}" (${doc.dataset.id}), ${doc.split} split` +
      ` (${doc.splitByDefault ? 'default: ' : ''}${doc.splitSource === 'items' ? "the dataset's own split" : 'seeded split'}), ${doc.total} ${unitWord(doc.evalUnit)}`,
    `accuracy ${pct(doc.accuracy)}, macro-F1 ${pct(doc.macroF1)}`,
    table(
      ['class', unitWord(doc.evalUnit), 'recall'],
      doc.perClass.map((c) => [
        c.name,
        String(c.support),
        c.recall === null ? 'n/a' : pct(c.recall),
      ]),
    ),
    'confusion (rows: true class, columns: predicted):',
    table(
      ['', ...doc.classes],
      doc.confusion.map((row, i) => [doc.classes[i] ?? '', ...row.map(String)]),
    ),
  ];
  if (doc.missingClasses.length > 0)
    lines.push(
      `The split has no clip of ${doc.missingClasses.join(', ')}: their recall is n/a ` +
        '(macro-F1 averages over the classes present).',
    );
  lines.push(`Stored as evaluation ${doc.recordId}.`);
  return lines.join('\n');
}

export async function runEvaluate(
  session: AppSession,
  opts: EvaluateOptions,
): Promise<CommandOutcome<EvaluateJson>> {
  const page = session.page;
  const datasets = await page.evaluate(async () => {
    const api = (window as CliWindow).__fer;
    if (!api?.listDatasets) throw new Error('window.__fer.listDatasets is missing');
    return api.listDatasets();
  });
  const dataset = resolveDataset(datasets, opts.dataset);
  const dir = await weightsDir(opts.model);
  let model: EvaluateJson['model'];
  let outcome: EvaluateOutcome;
  if (dir !== null) {
    const names = (await readdir(dir)).filter((n) => n === 'model.json' || n.endsWith('.bin'));
    const files = await Promise.all(
      names.map(async (name) => ({
        name,
        base64: (await readFile(path.join(dir, name))).toString('base64'),
      })),
    );
    model = { run: null, phase: null, weightsDir: dir };
    outcome = await page.evaluate(
      async (req) => {
        const api = (window as EvaluateWindow).__ferEvaluate;
        if (!api) throw new Error('window.__ferEvaluate is missing: rebuild the app');
        return api.evaluateWeights(req);
      },
      {
        files,
        // The whole path: two folders both called 'weights' must not share a record.
        source: path.resolve(dir),
        classes: opts.classes,
        framesPerClip: opts.frames,
        datasetId: dataset.id,
        split: opts.split,
      },
    );
  } else {
    if (opts.classes !== null || opts.frames !== null)
      throw new CliError(
        '--classes and --frames are for a weights folder; a run uses its own.',
        EXIT.usage,
      );
    const run = findRun(await listRunRecords(session), opts.model);
    if (opts.phase !== null && !run.phases.some((p) => p.index === opts.phase && p.evaluation))
      throw new CliError(
        `Run '${run.name}' has no finished phase ${opts.phase} (phases: ` +
          `${run.phases.map((p) => `${p.index} ${p.name}`).join(', ')}).`,
        EXIT.usage,
      );
    outcome = await page.evaluate(
      async ([id, phase, ds, split]) => {
        const api = (window as EvaluateWindow).__ferEvaluate;
        if (!api) throw new Error('window.__ferEvaluate is missing: rebuild the app');
        return api.evaluateRun(id, phase, ds, split);
      },
      [run.id, opts.phase, dataset.id, opts.split] as const,
    );
    const phase = run.phases.find((p) => p.index === outcome.record?.phase);
    model = {
      run: { id: run.id, name: run.name },
      phase: phase ? { index: phase.index, name: phase.name } : null,
      weightsDir: null,
    };
  }
  if (outcome.record === null) throw new CliError(outcome.refused, EXIT.usage);
  const r = outcome.record;
  const json: EvaluateJson = {
    model,
    dataset: { id: r.datasetId, name: r.datasetName },
    split: r.split,
    splitByDefault: opts.split === null,
    splitSource: r.splitSource,
    classes: r.classes,
    accuracy: r.accuracy,
    macroF1: r.macroF1,
    total: r.total,
    evalUnit: r.evalUnit ?? 'clip',
    perClass: r.perClass,
    missingClasses: r.missingClasses,
    confusion: r.confusion,
    framesPerClip: r.framesPerClip,
    backend: r.backend,
    seconds: r.seconds,
    recordId: r.id,
  };
  return { exitCode: EXIT.ok, json, text: evaluateText(json) };
}
