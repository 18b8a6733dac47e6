/**
 * `experiment <file> --out DIR`: a whole experiment, headless. Gets the data (generates the
 * demo dataset, or finds a stored dataset by name), preprocesses it (a no-op when done), then
 * trains each listed run for each seed through `window.__ferTrain` (the Train tab's actions),
 * and writes every run record plus a summary table. See docs/experiments.md.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { meanAndSpread } from '../../src/evaluate/metrics';
import type { PreprocessConfigInput } from '../../src/preprocess/config';
import type { RunRecord } from '../../src/train/run/record';
import type { TrainDebugApi } from '../../src/ui/train/debugHook';
import type { CliWindow } from './api';
import { CliError, EXIT, type DemoCountsArg } from './args';
import type { AppSession } from './browser';
import { type CommandOutcome, runGenerateDemo } from './commands';
import { formatDuration, table } from './format';
import { runPreprocessCommand } from './preprocess';

type Json = Record<string, unknown>;

const DEMO_COUNT_KEYS: readonly string[] = [
  'trainPerClass',
  'valPerClass',
  'testPerClass',
  'pool',
  'frames',
  'size',
];

export interface ExperimentFile {
  name: string;
  description?: string;
  /** Generate the demo dataset (reused when one of that name is stored), or a stored dataset. */
  dataset: { demo: { seed?: number; counts?: DemoCountsArg; name?: string } } | { name: string };
  preprocess?: PreprocessConfigInput;
  /** Each run is trained once per seed. */
  seeds: number[];
  /** Training config shared by every run: a preset and overrides (see docs/training.md). */
  base: Json;
  runs: { name: string; train?: Json }[];
}

interface TrainWindow {
  __ferTrain?: TrainDebugApi;
}

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Objects merge key by key; anything else (arrays included) is replaced. */
export function deepMerge(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isObject(prev) && isObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

export function parseExperiment(text: string, file: string): ExperimentFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new CliError(
      `${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
      EXIT.usage,
    );
  }
  const bad = (why: string): never => {
    throw new CliError(`${file}: ${why}`, EXIT.usage);
  };
  if (!isObject(doc)) return bad('an experiment is a JSON object');
  if (typeof doc.name !== 'string' || doc.name === '') bad('"name" is required');
  if (
    !isObject(doc.dataset) ||
    !(isObject(doc.dataset.demo) || typeof doc.dataset.name === 'string')
  )
    bad('"dataset" must be {"demo": {...}} or {"name": "<stored dataset>"}');
  if (
    !Array.isArray(doc.seeds) ||
    doc.seeds.length === 0 ||
    !doc.seeds.every((s) => Number.isInteger(s))
  )
    bad('"seeds" must be a non-empty list of whole numbers');
  if (!isObject(doc.base)) bad('"base" must be a training config object');
  if (!Array.isArray(doc.runs) || doc.runs.length === 0) bad('"runs" must list at least one run');
  const demo = isObject(doc.dataset) && isObject(doc.dataset.demo) ? doc.dataset.demo : null;
  if (demo && isObject(demo.counts)) {
    const unknown = Object.keys(demo.counts).filter((k) => !DEMO_COUNT_KEYS.includes(k));
    if (unknown.length > 0)
      bad(`dataset.demo.counts: unknown ${unknown.join(', ')} (use ${DEMO_COUNT_KEYS.join(', ')})`);
  }
  const runs = doc.runs as unknown[];
  runs.forEach((r, i) => {
    if (!isObject(r) || typeof r.name !== 'string' || r.name === '')
      bad(`runs[${i}] needs a "name"`);
  });
  const names = runs.map((r) => (r as Json).name as string);
  if (new Set(names).size !== names.length) bad('run names must be distinct');
  return doc as unknown as ExperimentFile;
}

export interface ExperimentRow {
  run: string;
  seed: number;
  status: string;
  teacherAccuracy: number | null;
  teacherMacroF1: number | null;
  /** Validation accuracy of each student in order. */
  students: (number | null)[];
  finalAccuracy: number | null;
  finalMacroF1: number | null;
  pseudoLabelAccuracy: (number | null)[];
  minutes: number;
  file: string;
}

export interface ExperimentJson {
  experiment: string;
  datasetId: string;
  rows: ExperimentRow[];
  /** Per run name: mean and sample standard deviation over seeds. */
  summary: {
    run: string;
    n: number;
    teacher: { mean: number; std: number };
    final: { mean: number; std: number };
  }[];
}

export function rowOf(run: RunRecord, name: string, seed: number, file: string): ExperimentRow {
  const teacher = run.phases.find((p) => p.kind === 'teacher')?.evaluation ?? null;
  const students = run.phases.filter((p) => p.kind === 'student');
  const evaluated = run.phases.filter((p) => p.evaluation && p.kind !== 'pretrain');
  const final = evaluated[evaluated.length - 1]?.evaluation ?? null;
  // k-fold runs: the means over folds.
  const cv = run.crossValidation ?? null;
  return {
    run: name,
    seed,
    status: run.status,
    teacherAccuracy: cv ? cv.teacherMean : (teacher?.accuracy ?? null),
    teacherMacroF1: teacher?.macroF1 ?? null,
    students: students.map((s) => s.evaluation?.accuracy ?? null),
    finalAccuracy: cv ? cv.finalMean : (final?.accuracy ?? null),
    finalMacroF1: final?.macroF1 ?? null,
    pseudoLabelAccuracy: students.map((s) => s.pseudoLabels?.hiddenAccuracy ?? null),
    minutes: run.totalMs / 60_000,
    file,
  };
}

export function summarise(rows: readonly ExperimentRow[]): ExperimentJson['summary'] {
  const names = [...new Set(rows.map((r) => r.run))];
  return names.map((run) => {
    const mine = rows.filter((r) => r.run === run);
    const t = meanAndSpread(mine.map((r) => r.teacherAccuracy ?? Number.NaN));
    const f = meanAndSpread(mine.map((r) => r.finalAccuracy ?? Number.NaN));
    return {
      run,
      n: mine.length,
      teacher: { mean: t.mean, std: t.std },
      final: { mean: f.mean, std: f.std },
    };
  });
}

const pct = (x: number | null): string =>
  x === null || Number.isNaN(x) ? '-' : (100 * x).toFixed(1);

export function summaryMarkdown(j: ExperimentJson): string {
  const perRun = table(
    [
      'run',
      'seed',
      'status',
      'teacher acc %',
      'students acc %',
      'final acc %',
      'final F1 %',
      'pseudo-label acc %',
      'minutes',
    ],
    j.rows.map((r) => [
      r.run,
      String(r.seed),
      r.status,
      pct(r.teacherAccuracy),
      r.students.map(pct).join(' / ') || '-',
      pct(r.finalAccuracy),
      pct(r.finalMacroF1),
      r.pseudoLabelAccuracy.map(pct).join(' / ') || '-',
      r.minutes.toFixed(1),
    ]),
  );
  const means = table(
    ['run', 'seeds', 'teacher acc % (mean ± sd)', 'final acc % (mean ± sd)'],
    j.summary.map((s) => [
      s.run,
      String(s.n),
      `${pct(s.teacher.mean)} ± ${pct(s.teacher.std)}`,
      `${pct(s.final.mean)} ± ${pct(s.final.std)}`,
    ]),
  );
  return `# ${j.experiment}\n\nDataset ${j.datasetId}. Accuracy on the validation split; "final" is the last phase trained.\n\n\`\`\`\n${perRun}\n\`\`\`\n\n\`\`\`\n${means}\n\`\`\`\n`;
}

async function datasetFor(
  session: AppSession,
  exp: ExperimentFile,
  note: (l: string) => void,
): Promise<string> {
  const { page } = session;
  const list = await page.evaluate(
    () => (window as CliWindow).__fer?.listDatasets?.() ?? Promise.resolve([]),
  );
  const ds = exp.dataset;
  const wanted = 'demo' in ds ? (ds.demo.name ?? 'Demo (synthetic)') : ds.name;
  const found = list.find((d) => d.name === wanted || d.id === wanted);
  if (found) {
    note(`Using the stored dataset "${found.name}" (${found.id}).`);
    return found.id;
  }
  if (!('demo' in ds))
    throw new CliError(`No stored dataset named "${wanted}" (see: datasets).`, EXIT.usage);
  const gen = await runGenerateDemo(
    session,
    { seed: ds.demo.seed ?? null, counts: ds.demo.counts ?? {}, faces: null, name: wanted },
    note,
  );
  if (gen.exitCode !== EXIT.ok)
    throw new CliError(`Generating the demo failed:\n${gen.text}`, EXIT.appFailure);
  return gen.json.dataset.datasetId;
}

/**
 * A run the profile was training when its browser closed resumes by itself when the app opens;
 * the experiment pauses it (it stays resumable from the Train tab) so its own runs can train.
 */
async function pauseResumedRun(session: AppSession, note: (line: string) => void): Promise<void> {
  const { page } = session;
  // The app looks for such a run just after it opens.
  await new Promise((r) => setTimeout(r, 1000));
  const active = await page.evaluate(() => (window as TrainWindow).__ferTrain?.active() ?? null);
  if (active === null) return;
  note(
    `Pausing run ${active}, which resumed when the app opened (resume it later in the Train tab).`,
  );
  await page.evaluate(async (id) => {
    const api = (window as TrainWindow).__ferTrain;
    api?.pause();
    await api?.wait(id);
  }, active);
}

export async function runExperiment(
  session: AppSession,
  opts: { config: string; out: string },
  note: (line: string) => void,
): Promise<CommandOutcome<ExperimentJson>> {
  const exp = parseExperiment(await readFile(opts.config, 'utf8'), opts.config);
  const { page } = session;
  const datasetId = await datasetFor(session, exp, note);
  const pre = await runPreprocessCommand(
    session,
    { dataset: datasetId, config: exp.preprocess ?? {}, workers: null, redo: 'changed' },
    note,
  );
  if (pre.exitCode !== EXIT.ok)
    throw new CliError(`Preprocessing failed:\n${pre.text}`, EXIT.appFailure);
  await mkdir(path.join(opts.out, 'runs'), { recursive: true });
  await pauseResumedRun(session, note);
  const rows: ExperimentRow[] = [];
  for (const spec of exp.runs)
    for (const seed of exp.seeds) {
      const config = deepMerge(deepMerge(exp.base, spec.train ?? {}), { seed });
      const label = `${spec.name} (seed ${seed})`;
      note(`Training ${label} ...`);
      const t0 = Date.now();
      const runId = await page.evaluate(
        (a) => {
          const api = (window as TrainWindow).__ferTrain;
          if (!api) throw new Error('window.__ferTrain is missing: rebuild the app');
          return api.start(a.config, a.datasetId, a.name);
        },
        { config, datasetId, name: `${exp.name}: ${label}` },
      );
      const poll = setInterval(() => {
        void page
          .evaluate(() => (window as TrainWindow).__ferTrain?.progress() ?? null)
          .then((p) => {
            if (p)
              note(
                `  ${p.phaseName} epoch ${p.epoch + 1}/${p.epochs} batch ${p.batch}/${p.batches} ${p.stage}` +
                  `${p.loss === null ? '' : ` loss ${p.loss.toFixed(3)}`}${p.etaSec === null ? '' : `, ${formatDuration(p.etaSec)} left`}`,
              );
          })
          .catch(() => undefined);
      }, 15_000);
      let run: RunRecord;
      try {
        run = await page.evaluate((id) => {
          const api = (window as TrainWindow).__ferTrain;
          if (!api) throw new Error('window.__ferTrain is missing');
          return api.wait(id);
        }, runId);
      } finally {
        clearInterval(poll);
      }
      const file = `runs/${spec.name}-seed${seed}.json`;
      await writeFile(path.join(opts.out, file), JSON.stringify(run, null, 1));
      const row = rowOf(run, spec.name, seed, file);
      rows.push(row);
      note(
        `  ${run.status}: teacher ${pct(row.teacherAccuracy)}%, final ${pct(row.finalAccuracy)}% in ${formatDuration((Date.now() - t0) / 1000)}${run.message ? ` (${run.message})` : ''}`,
      );
    }
  const json: ExperimentJson = { experiment: exp.name, datasetId, rows, summary: summarise(rows) };
  const md = summaryMarkdown(json);
  await writeFile(path.join(opts.out, 'summary.json'), JSON.stringify(json, null, 2));
  await writeFile(path.join(opts.out, 'summary.md'), md);
  const failed = rows.some((r) => r.status !== 'done');
  return { exitCode: failed ? EXIT.appFailure : EXIT.ok, json, text: md };
}
