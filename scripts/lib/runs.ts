/**
 * `runs`: the stored runs with each evaluated phase's validation and test accuracy, as the
 * Compare tab lists them. The records come from the app (`window.__ferTrain.listRuns`, the
 * runs store's reader); the summary is computed here from the record alone, with the app's
 * rule for the default phase (best on validation, src/runs/phases.ts). `export` writes a
 * run's files as the Export panel builds them (window.__ferExport, src/automation/exportRun.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExportDebugApi } from '../../src/automation/exportRun';
import type { TrainDebugApi } from '../../src/automation/train';
import { bestPhase } from '../../src/runs/phases';
import type { PhaseKind, RunRecord, RunStatus } from '../../src/train/run/record';
import { CliError, EXIT, type ExportOptions } from './args';
import type { AppSession } from './browser';
import type { CommandOutcome } from './commands';
import { table } from './format';

/** One phase of a run in `runs --json`. Accuracies are fractions in [0, 1]. */
export interface RunPhaseJson {
  index: number;
  name: string;
  kind: PhaseKind;
  /** The phase `export`/`predict` take by default (best on validation). */
  best: boolean;
  valAccuracy: number | null;
  valMacroF1: number | null;
  /** Null when the run's dataset has no test split (or the phase was not evaluated). */
  testAccuracy: number | null;
  testMacroF1: number | null;
}

export interface RunJson {
  id: string;
  name: string;
  status: RunStatus;
  createdAt: number;
  classes: string[];
  seed: number;
  /** Index of the best phase on validation, or null when no phase was evaluated. */
  bestPhase: number | null;
  phases: RunPhaseJson[];
}

export interface RunsJson {
  runs: RunJson[];
}

/** The record's numbers, unrounded (the e2e test compares them with the record's). */
export function runSummary(run: RunRecord): RunJson {
  const best = bestPhase(run);
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    createdAt: run.createdAt,
    classes: run.classes,
    seed: run.config.seed,
    bestPhase: best?.index ?? null,
    phases: run.phases.map((p) => ({
      index: p.index,
      name: p.name,
      kind: p.kind,
      best: best?.index === p.index,
      valAccuracy: p.evaluation?.accuracy ?? null,
      valMacroF1: p.evaluation?.macroF1 ?? null,
      testAccuracy: p.test?.accuracy ?? null,
      testMacroF1: p.test?.macroF1 ?? null,
    })),
  };
}

const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);

export function runsText(runs: readonly RunJson[]): string {
  if (runs.length === 0) return 'No runs stored in this profile.';
  const rows: string[][] = [];
  for (const r of runs) {
    const head = [r.id, `${r.name} (${r.status})`];
    if (r.phases.length === 0) rows.push([...head, '-', '-', '-', '-']);
    r.phases.forEach((p, i) => {
      rows.push([
        ...(i === 0 ? head : ['', '']),
        `${p.name}${p.best ? ' *' : ''}`,
        pct(p.valAccuracy),
        pct(p.valMacroF1),
        pct(p.testAccuracy),
      ]);
    });
  }
  return (
    `${table(['id', 'run', 'phase', 'val acc', 'val F1', 'test acc'], rows)}\n` +
    '* best on validation (the default phase of export and predict)'
  );
}

interface TrainWindow {
  __ferTrain?: Pick<TrainDebugApi, 'listRuns'>;
}

/** Every stored run, newest first, as the app's runs reader returns them. */
export async function listRunRecords(session: AppSession): Promise<RunRecord[]> {
  return session.page.evaluate(async () => {
    const api = (window as TrainWindow).__ferTrain;
    if (!api) throw new Error('window.__ferTrain is missing: rebuild the app');
    return api.listRuns();
  });
}

export async function runRuns(session: AppSession): Promise<CommandOutcome<RunsJson>> {
  const runs = (await listRunRecords(session)).map(runSummary);
  return { exitCode: EXIT.ok, json: { runs }, text: runsText(runs) };
}

/** A run by id, else by exact name (one match only). */
export function findRun(runs: readonly RunRecord[], which: string): RunRecord {
  const byId = runs.find((r) => r.id === which);
  if (byId) return byId;
  const named = runs.filter((r) => r.name === which);
  if (named.length === 1 && named[0]) return named[0];
  throw new CliError(
    named.length > 1
      ? `${named.length} runs are named '${which}': give its id (see runs).`
      : `No run with id or name '${which}' in this profile (see runs).`,
    EXIT.usage,
  );
}

interface ExportWindow {
  __ferExport?: ExportDebugApi;
}

export interface ExportJson {
  run: { id: string; name: string };
  phase: { index: number; name: string };
  out: string;
  /** Relative to out: weights/model.json and shards, the CSVs, the report. */
  files: { path: string; bytes: number }[];
}

export async function runExport(
  session: AppSession,
  opts: ExportOptions,
): Promise<CommandOutcome<ExportJson>> {
  const run = findRun(await listRunRecords(session), opts.run);
  if (opts.phase !== null && !run.phases.some((p) => p.index === opts.phase && p.evaluation))
    throw new CliError(
      `Run '${run.name}' has no finished phase ${opts.phase} (phases: ` +
        `${run.phases.map((p) => `${p.index} ${p.name}`).join(', ')}).`,
      EXIT.usage,
    );
  const data = await session.page.evaluate(
    async ([id, phase]) => {
      const api = (window as ExportWindow).__ferExport;
      if (!api) throw new Error('window.__ferExport is missing: rebuild the app');
      return api.runFiles(id, phase);
    },
    [run.id, opts.phase] as const,
  );
  for (const f of data.files) {
    const target = path.join(opts.out, f.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, Buffer.from(f.base64, 'base64'));
  }
  const files = data.files.map((f) => ({ path: f.path, bytes: f.bytes }));
  return {
    exitCode: EXIT.ok,
    json: { run: { id: run.id, name: run.name }, phase: data.phase, out: opts.out, files },
    text:
      `Exported phase ${data.phase.index} (${data.phase.name}) of run ${run.name} to ${opts.out}:\n` +
      files.map((f) => `  ${f.path} (${f.bytes} bytes)`).join('\n'),
  };
}
