/**
 * `experiment <file> --out DIR`: a whole experiment, headless. Gets the data (generates the
 * demo dataset, or finds a stored dataset by name), preprocesses it (a no-op when done), then
 * trains each listed run for each seed through `window.__ferTrain` (the Train tab's actions),
 * and writes every run record plus a summary table. See docs/experiments.md.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { check } from '../../src/schema/fields';
import { parseTrainConfig, TrainConfigError } from '../../src/train/config';
import type { RunRecord } from '../../src/train/run/record';
import type { TrainDebugApi } from '../../src/automation/train';
import type { CliWindow } from './api';
import { CliError, EXIT, type DemoCountsArg, type ExperimentOptions } from './args';
import type { Page } from '@playwright/test';
import type { AppSession } from './browser';
import { type CommandOutcome, runGenerateDemo } from './commands';
import {
  type ExperimentJson,
  type ExperimentRow,
  type ExperimentTimings,
  pct,
  rowOf,
  writeExperimentSummary,
} from './experimentSummary';
import { experimentSchema, type ExperimentFile } from './experimentSchema';
import { formatDuration } from './format';
import { runPreprocessCommand } from './preprocess';

export {
  type ExperimentJson,
  type ExperimentRow,
  rowOf,
  summarise,
  summaryMarkdown,
} from './experimentSummary';

type Json = Record<string, unknown>;

export interface DemoSpec {
  seed?: number;
  counts?: DemoCountsArg;
  name?: string;
}

export type { ExperimentFile } from './experimentSchema';

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

/**
 * Reads and checks an experiment file (./experimentSchema.ts; `$schema` is allowed and ignored):
 * every problem, each naming its field. Each run's training config (base, the run's overrides,
 * a seed) is checked too, so a bad one fails before the data is generated or preprocessed.
 */
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
  const bad = (problems: readonly string[]): never => {
    throw new CliError(`${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`, EXIT.usage);
  };
  const r = check(experimentSchema, doc);
  if (!r.ok) return bad(r.problems);
  const exp = r.value;
  const problems = exp.runs.flatMap((spec, i) => {
    try {
      parseTrainConfig(runConfig(exp, spec, exp.seeds[0] ?? 1), 'experiment');
      return [];
    } catch (e) {
      const why = e instanceof TrainConfigError ? e.problems : [String(e)];
      return why.map((p) => `runs[${i}] "${spec.name}" (base + train): ${p}`);
    }
  });
  if (problems.length > 0) bad(problems);
  return exp;
}

/** Reads and checks an experiment file; the CLI does so before it builds or opens the app. */
export async function readExperiment(file: string): Promise<ExperimentFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new CliError(
      `Cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`,
      EXIT.usage,
    );
  }
  return parseExperiment(text, file);
}

/** One run's training config: the base, the run's overrides, the seed. */
export function runConfig(
  exp: ExperimentFile,
  spec: ExperimentFile['runs'][number],
  seed: number,
): Json {
  return deepMerge(deepMerge(exp.base, spec.train ?? {}), { seed });
}

/**
 * The file's demo with the command line's overrides. Without a name of its own, an overridden
 * demo is named after what differs, so it never takes the stored default demo's place.
 */
export function demoWithOverrides(
  demo: DemoSpec,
  o: ExperimentOptions['demo'],
): DemoSpec & { faces: string | null } {
  const seed = o.seed ?? demo.seed;
  const counts = { ...demo.counts, ...o.counts };
  const changed = [
    ...(o.seed !== null ? [`seed ${o.seed}`] : []),
    ...(o.counts !== null ? ['other counts'] : []),
    ...(o.faces !== null ? [`faces from ${path.basename(o.faces)}`] : []),
  ];
  const name =
    demo.name ?? (changed.length > 0 ? `Demo (synthetic, ${changed.join(', ')})` : undefined);
  return {
    ...(seed !== undefined ? { seed } : {}),
    counts,
    ...(name !== undefined ? { name } : {}),
    faces: o.faces,
  };
}

async function datasetFor(
  session: AppSession,
  exp: ExperimentFile,
  overrides: ExperimentOptions['demo'],
  note: (l: string) => void,
): Promise<{ id: string; generated: boolean }> {
  const { page } = session;
  const list = await page.evaluate(
    () => (window as CliWindow).__fer?.listDatasets?.() ?? Promise.resolve([]),
  );
  const file = exp.dataset;
  const ds: { demo: ReturnType<typeof demoWithOverrides> } | { name: string } =
    file.demo !== undefined
      ? { demo: demoWithOverrides(file.demo, overrides) }
      : { name: file.name ?? '' };
  if (file.demo === undefined && (overrides.seed ?? overrides.counts ?? overrides.faces) !== null)
    throw new CliError(
      '--seed, --counts and --faces change a generated demo; this experiment uses a stored dataset.',
      EXIT.usage,
    );
  const wanted = 'demo' in ds ? (ds.demo.name ?? 'Demo (synthetic)') : ds.name;
  const found = list.find((d) => d.name === wanted || d.id === wanted);
  if (found) {
    note(`Using the stored dataset "${found.name}" (${found.id}).`);
    return { id: found.id, generated: false };
  }
  if (!('demo' in ds))
    throw new CliError(`No stored dataset named "${wanted}" (see: datasets).`, EXIT.usage);
  const gen = await runGenerateDemo(
    session,
    {
      seed: ds.demo.seed ?? null,
      counts: ds.demo.counts ?? {},
      faces: ds.demo.faces,
      name: wanted,
    },
    note,
  );
  if (gen.exitCode !== EXIT.ok)
    throw new CliError(`Generating the demo failed:\n${gen.text}`, EXIT.appFailure);
  // What was generated, per split and class, and how many clips per photo passed the face check.
  for (const line of gen.text.split('\n')) note(line);
  return { id: gen.json.dataset.datasetId, generated: true };
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

/** `n` more tabs of the app in the session's browser profile, each ready to train. */
async function extraTabs(session: AppSession, n: number): Promise<Page[]> {
  const tabs: Page[] = [];
  for (let i = 0; i < n; i++) {
    const tab = await session.context.newPage();
    await tab.goto(session.page.url());
    await tab.waitForFunction(() => (window as TrainWindow).__ferTrain !== undefined, null, {
      timeout: 120_000,
    });
    tabs.push(tab);
  }
  return tabs;
}

/** Wall time of each stage, printed as it ends. */
function stopwatch(note: (line: string) => void) {
  const started = Date.now();
  const stages: ExperimentTimings['stages'] = [];
  return {
    /** `stage` may name the stage from its result. */
    async time<T>(stage: string | ((result: T) => string), work: () => Promise<T>): Promise<T> {
      const t0 = Date.now();
      const result = await work();
      const seconds = (Date.now() - t0) / 1000;
      const name = typeof stage === 'string' ? stage : stage(result);
      stages.push({ stage: name, seconds });
      note(`  [${name}: ${formatDuration(seconds)}]`);
      return result;
    },
    done: (): ExperimentTimings => ({ stages, totalSeconds: (Date.now() - started) / 1000 }),
  };
}

async function trainOne(
  page: Page,
  a: { config: Json; datasetId: string; name: string },
  note: (line: string) => void,
): Promise<RunRecord> {
  const runId = await page.evaluate((x) => {
    const api = (window as TrainWindow).__ferTrain;
    if (!api) throw new Error('window.__ferTrain is missing: rebuild the app');
    return api.start(x.config, x.datasetId, x.name);
  }, a);
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
  try {
    return await page.evaluate((id) => {
      const api = (window as TrainWindow).__ferTrain;
      if (!api) throw new Error('window.__ferTrain is missing');
      return api.wait(id);
    }, runId);
  } finally {
    clearInterval(poll);
  }
}

export async function runExperiment(
  session: AppSession,
  opts: ExperimentOptions,
  note: (line: string) => void,
): Promise<CommandOutcome<ExperimentJson>> {
  const exp = await readExperiment(opts.config);
  const clock = stopwatch(note);
  const dataset = await clock.time(
    (d) => (d.generated ? 'demo generation' : 'dataset lookup'),
    () => datasetFor(session, exp, opts.demo, note),
  );
  const datasetId = dataset.id;
  const pre = await clock.time('preprocessing', () =>
    runPreprocessCommand(
      session,
      {
        dataset: datasetId,
        // The app checks these (validatePreprocessConfig); the file's schema keeps them an object.
        config: exp.preprocess ?? {},
        workers: exp.preprocessWorkers ?? null,
        redo: 'changed',
      },
      note,
    ),
  );
  if (pre.exitCode !== EXIT.ok)
    throw new CliError(`Preprocessing failed:\n${pre.text}`, EXIT.appFailure);
  await mkdir(path.join(opts.out, 'runs'), { recursive: true });
  await pauseResumedRun(session, note);
  // Every tab opens before any run starts, so none of them resumes another's run on opening.
  const pages = [session.page, ...(await extraTabs(session, (exp.parallel ?? 1) - 1))];
  const jobs = exp.runs.flatMap((spec) => exp.seeds.map((seed) => ({ spec, seed })));
  const done: ({ row: ExperimentRow; record: RunRecord } | undefined)[] = jobs.map(() => undefined);
  let next = 0;
  const worker = async (page: Page): Promise<void> => {
    for (let j = next++; j < jobs.length; j = next++) {
      const job = jobs[j];
      if (!job) break;
      const { spec, seed } = job;
      const config = runConfig(exp, spec, seed);
      const label = `${spec.name} (seed ${seed})`;
      note(`Training ${label} ...`);
      const run = await clock.time(`run ${label}`, () =>
        trainOne(page, { config, datasetId, name: `${exp.name}: ${label}` }, note),
      );
      const file = `runs/${spec.name}-seed${seed}.json`;
      await writeFile(path.join(opts.out, file), JSON.stringify(run, null, 1));
      const row = rowOf(run, spec.name, seed, file);
      done[j] = { row, record: run };
      const test =
        row.finalTestAccuracy === null ? '' : ` (test: final ${pct(row.finalTestAccuracy)}%)`;
      note(
        `  ${label} ${run.status}: teacher ${pct(row.teacherAccuracy)}%, final ${pct(row.finalAccuracy)}% on validation${test}${run.message ? ` (${run.message})` : ''}`,
      );
    }
  };
  await Promise.all(pages.map(worker));
  const rows: ExperimentRow[] = [];
  const records: { record: RunRecord; run: string; seed: number }[] = [];
  jobs.forEach((job, j) => {
    const d = done[j];
    if (!d) return;
    rows.push(d.row);
    records.push({ record: d.record, run: job.spec.name, seed: job.seed });
  });
  const timings = clock.done();
  note(`Total wall time ${formatDuration(timings.totalSeconds)}.`);
  const { json, md } = await writeExperimentSummary(opts.out, {
    experiment: exp.name,
    datasetId,
    rows,
    records,
    timings,
  });
  const failed = rows.some((r) => r.status !== 'done');
  return { exitCode: failed ? EXIT.appFailure : EXIT.ok, json, text: md };
}
