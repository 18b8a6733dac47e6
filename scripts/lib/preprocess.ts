/**
 * `preprocess <dataset>` (`preprocess-media`: ./preprocessMedia.ts): the app's preprocessing
 * (src/preprocess/api.ts) driven through its hook `window.__ferPreprocess`
 * (src/automation/preprocess.ts). Node only polls and writes files; every frame is decoded,
 * detected, cropped and encoded in the app's workers, as in the UI.
 */
import type {
  CliPreprocessMethod,
  CliPreprocessWindow,
  CliWindow,
  DatasetSummary,
  PreprocessSummary,
  Region,
  RunProgress,
} from './api';
import { CliError, EXIT, usageError, type PreprocessOptions } from './args';
import type { AppSession } from './browser';
import type { CommandOutcome } from './commands';
import { formatDuration, indent, table } from './format';

export const REGIONS: readonly Region[] = ['face', 'eyes', 'mouth'];

/** Fails with exit 2 when the build's preprocessing hook lacks a method the command calls. */
export async function requirePreprocessHook(
  session: AppSession,
  methods: readonly CliPreprocessMethod[],
): Promise<void> {
  const missing = await session.page.evaluate((names) => {
    const hook = (window as CliPreprocessWindow).__ferPreprocess;
    if (!hook) return ['(the whole hook window.__ferPreprocess)'];
    return names.filter((n) => typeof hook[n] !== 'function');
  }, methods);
  if (missing.length > 0)
    throw new CliError(
      `The app's preprocessing hook lacks ${missing.join(', ')}: the build is older or newer ` +
        `than this CLI. Rebuild with --build (or update the CLI).`,
      EXIT.usage,
    );
}

/** The dataset named by `ref`: an id, else an exact name (which must be unique). */
export function resolveDataset(datasets: readonly DatasetSummary[], ref: string): DatasetSummary {
  const byId = datasets.find((d) => d.id === ref);
  if (byId) return byId;
  const byName = datasets.filter((d) => d.name === ref);
  const [only, ...others] = byName;
  if (only && others.length === 0) return only;
  if (only)
    throw usageError(
      `${byName.length} datasets are named "${ref}" (${byName.map((d) => d.id).join(', ')}); ` +
        `give the id instead.`,
    );
  throw usageError(`No dataset with id or name "${ref}" in this profile (see 'datasets').`);
}

/** One progress line: items, frames, frames/s, ETA. */
export function progressLine(p: RunProgress): string {
  const todo = p.itemsTotal - p.itemsSkipped;
  const eta = p.etaSec === null ? 'ETA -' : `ETA ${formatDuration(p.etaSec)}`;
  return (
    `preprocess: ${p.phase}, ${p.itemsDone}/${todo} items` +
    (p.itemsSkipped > 0 ? ` (${p.itemsSkipped} already done)` : '') +
    `, ${p.framesDone} frames, ${p.framesPerSec.toFixed(1)} frames/s, ${eta}`
  );
}

export interface PreprocessJson {
  dataset: { id: string; name: string; labelled: boolean; itemCount: number };
  /** Workers the app's pool used. */
  workers: number;
  configHash: string;
  config: PreprocessSummary['config'];
  phase: PreprocessSummary['phase'];
  stopReason: string | null;
  /** True when every item had been preprocessed with these settings already (nothing ran). */
  alreadyDone: boolean;
  /** done/flagged/failed count every item of the dataset made with these settings. */
  items: {
    total: number;
    processed: number;
    skipped: number;
    done: number;
    flagged: number;
    failed: number;
  };
  frames: { sampled: number; kept: number; dropped: PreprocessSummary['dropped'] };
  /** Clip mining (unlabelled datasets); null for labelled ones. */
  mining: PreprocessSummary['mining'];
  /** This run only. */
  seconds: number;
  framesPerSec: number;
  /** Items of this run that failed, with the app's message. */
  failures: { key: string; error: string }[];
  /** Every item processed in this run. */
  outcomes: PreprocessSummary['outcomes'];
}

export function preprocessJson(
  dataset: DatasetSummary,
  workers: number,
  s: PreprocessSummary,
): PreprocessJson {
  return {
    dataset: {
      id: dataset.id,
      name: dataset.name,
      labelled: dataset.labelled,
      itemCount: dataset.itemCount,
    },
    workers,
    configHash: s.configHash,
    config: s.config,
    phase: s.phase,
    stopReason: s.stopReason ?? null,
    alreadyDone: s.processed === 0 && s.itemsTotal > 0 && s.skipped === s.itemsTotal,
    items: {
      total: s.itemsTotal,
      processed: s.processed,
      skipped: s.skipped,
      done: s.byStatus.done,
      flagged: s.byStatus.flagged,
      failed: s.byStatus.failed,
    },
    frames: { sampled: s.sampledFrames, kept: s.keptFrames, dropped: s.dropped },
    mining: s.mining,
    seconds: s.seconds,
    framesPerSec: s.framesPerSec,
    failures: s.outcomes
      .filter((o) => o.status === 'failed')
      .map((o) => ({ key: o.key, error: o.error ?? 'no message' })),
    outcomes: s.outcomes,
  };
}

/** Why the run counts as a failure (exit 1), or null. */
export function preprocessFailure(j: PreprocessJson): string | null {
  if (j.phase === 'stopped') return `The run stopped: ${j.stopReason ?? 'no reason given'}`;
  if (j.phase === 'cancelled') return 'The run was cancelled.';
  if (j.items.total === 0) return 'The dataset has no items to preprocess.';
  if (j.items.failed === j.items.total) return `Every item failed (${j.items.failed}).`;
  return null;
}

export function preprocessText(j: PreprocessJson): string {
  const head = `Dataset "${j.dataset.name}" (${j.dataset.id}), settings ${j.configHash}, ${j.workers} worker${j.workers === 1 ? '' : 's'}`;
  const lines = [head];
  if (j.alreadyDone)
    lines.push(
      `  Nothing to do: all ${j.items.total} items were already preprocessed with these ` +
        `settings (use --redo all to redo them).`,
    );
  else
    lines.push(
      `  This run: ${j.items.processed} items in ${formatDuration(j.seconds)}, ` +
        `${j.framesPerSec.toFixed(1)} frames/s` +
        (j.items.skipped > 0 ? `; ${j.items.skipped} already done, skipped` : ''),
    );
  lines.push(
    indent(
      table(
        ['', 'count'],
        [
          ['items done', String(j.items.done)],
          ['items flagged', String(j.items.flagged)],
          ['items failed', String(j.items.failed)],
          ['frames sampled', String(j.frames.sampled)],
          ['frames kept', String(j.frames.kept)],
          ...Object.entries(j.frames.dropped).map(([k, v]) => [`dropped: ${k}`, String(v)]),
          ...(j.mining
            ? [
                ['mining accepted', String(j.mining.accepted)],
                ...Object.entries(j.mining.rejected).map(([k, v]) => [
                  `mining rejected: ${k}`,
                  String(v),
                ]),
              ]
            : []),
        ],
      ),
    ),
  );
  for (const f of j.failures.slice(0, 20)) lines.push(`  FAILED ${f.key}: ${f.error}`);
  if (j.failures.length > 20)
    lines.push(`  ... and ${j.failures.length - 20} more failures (--json lists them all)`);
  const failure = preprocessFailure(j);
  if (failure !== null) lines.push(`  FAILED: ${failure}`);
  return lines.join('\n');
}

/** Writes progress to stderr: rewritten in place on a terminal, a line every 5 s otherwise. */
function progressWriter(progress: (line: string) => void): {
  update: (p: RunProgress) => void;
  end: () => void;
} {
  const tty = process.stderr.isTTY;
  let last = Number.NEGATIVE_INFINITY;
  let shown = '';
  return {
    update: (p) => {
      const line = progressLine(p);
      const now = performance.now();
      if (line === shown) return;
      if (tty) {
        process.stderr.write(`\r${line.padEnd(shown.length)}`);
        shown = line;
      } else if (now - last >= 5000) {
        progress(line);
        shown = line;
        last = now;
      }
    },
    end: () => {
      if (tty && shown !== '') process.stderr.write('\n');
    },
  };
}

export async function runPreprocessCommand(
  session: AppSession,
  opts: PreprocessOptions,
  progress: (line: string) => void,
): Promise<CommandOutcome<PreprocessJson>> {
  const { page } = session;
  await requirePreprocessHook(session, ['setWorkers', 'start', 'progress', 'wait']);
  const datasets = await page.evaluate(() => {
    const api = (window as CliWindow).__fer;
    if (!api?.listDatasets) throw new Error('window.__fer.listDatasets is missing');
    return api.listDatasets();
  });
  const dataset = resolveDataset(datasets, opts.dataset);
  const request = { id: dataset.id, config: opts.config, workers: opts.workers, redo: opts.redo };
  const { runId, workers } = await page.evaluate((r) => {
    const hook = (window as CliPreprocessWindow).__ferPreprocess;
    if (!hook?.start || !hook.setWorkers) throw new Error('window.__ferPreprocess is missing');
    // setWorkers(null) keeps the app's default and reports the size.
    const n = hook.setWorkers(r.workers);
    return { runId: hook.start(r.id, r.config, { redo: r.redo }), workers: n };
  }, request);
  progress(
    `Preprocessing "${dataset.name}" (${dataset.itemCount} items) with ${workers} worker${workers === 1 ? '' : 's'} ...`,
  );
  const writer = progressWriter(progress);
  const done = page.evaluate((id) => {
    const hook = (window as CliPreprocessWindow).__ferPreprocess;
    if (!hook?.wait) throw new Error('window.__ferPreprocess.wait is missing');
    return hook.wait(id);
  }, runId);
  // Read through a function: the poll loop must see the change made after `await done`.
  const state = { finished: false };
  const running = (): boolean => !state.finished;
  const poll = (async () => {
    for (let tick = 0; running(); tick++) {
      await new Promise((r) => setTimeout(r, tick === 0 ? 300 : 1000));
      if (!running()) break;
      const p = await page
        .evaluate((id) => (window as CliPreprocessWindow).__ferPreprocess?.progress?.(id), runId)
        .catch(() => undefined);
      if (p && running()) writer.update(p);
    }
  })();
  let summary: PreprocessSummary;
  try {
    summary = await done;
  } finally {
    state.finished = true;
    await poll;
    writer.end();
  }
  const json = preprocessJson(dataset, workers, summary);
  return {
    exitCode: preprocessFailure(json) === null ? EXIT.ok : EXIT.appFailure,
    json,
    text: preprocessText(json),
  };
}
