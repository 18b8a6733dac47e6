/**
 * Cross-corpus evaluations on the Results tab (issue 18 part 4): the run's stored evaluations on
 * other datasets beside its own validation / test numbers, one confusion matrix to pick, and
 * the "Evaluate on another dataset" action (runs in the inference worker; the store follows
 * its progress). Computed numbers only: everything shown comes from stored records.
 */
import { useEffect, useState } from 'react';
import {
  type CrossEvaluationRecord,
  EVAL_SPLITS,
  type EvalSplit,
} from '../../evaluate/crossCorpus';
import type { PhaseRecord, RunRecord } from '../../train/run/record';
import { useDatasetsStore } from '../datasets/datasetsStore';
import { MatrixTable } from './ConfusionView';
import { useEvaluationsStore } from './evaluationsStore';

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

interface Row {
  id: string;
  label: string;
  split: string;
  total: number;
  accuracy: number;
  macroF1: number;
  confusion: number[][];
  classes: readonly string[];
  missing: readonly string[];
  /** The backend that scored it, and when (UTC). */
  backend: string;
  when: string;
  /** Set when the dataset was deleted or changed since it was scored. */
  stale: 'deleted' | 'changed' | null;
}

// Stable empties: a selector must not return a new object per call.
const NO_RECORDS: CrossEvaluationRecord[] = [];
const NO_STALE: Record<string, 'deleted' | 'changed'> = {};

const STALE_NOTE = {
  deleted: 'dataset deleted since',
  changed: 'dataset preprocessed again or re-mined since: evaluate again for current numbers',
} as const;

/** A stored time as "YYYY-MM-DD HH:MM UTC". */
const utc = (ms: number): string =>
  `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function ownRows(run: RunRecord, phase: PhaseRecord | undefined): Row[] {
  if (!phase) return [];
  const rows: Row[] = [];
  const add = (id: string, split: string, ev: PhaseRecord['evaluation']): void => {
    if (ev)
      rows.push({
        id,
        label: `${phase.name} (this run)`,
        split,
        total: ev.total,
        accuracy: ev.accuracy,
        macroF1: ev.macroF1,
        confusion: ev.confusion,
        classes: run.classes,
        missing: [],
        backend: run.environment
          ? `${run.environment.backend}, ${run.environment.kernels ?? 'tfjs'} kernels`
          : 'not recorded',
        when: 'during training',
        stale: null,
      });
  };
  add('own:validation', 'validation', phase.evaluation);
  add('own:test', 'test', phase.test ?? null);
  return rows;
}

export function CrossEvaluations({
  run,
  phase,
}: {
  run: RunRecord;
  phase: PhaseRecord | undefined;
}) {
  const records = useEvaluationsStore((s) => (s.runId === run.id ? s.records : NO_RECORDS));
  const stale = useEvaluationsStore((s) => (s.runId === run.id ? s.stale : NO_STALE));
  const running = useEvaluationsStore((s) => (s.running?.runId === run.id ? s.running : null));
  const busy = useEvaluationsStore((s) => s.running !== null);
  const error = useEvaluationsStore((s) => (s.error?.runId === run.id ? s.error.message : null));
  const load = useEvaluationsStore((s) => s.load);
  const evaluate = useEvaluationsStore((s) => s.evaluate);
  const datasets = useDatasetsStore((s) => s.datasets);
  const refreshDatasets = useDatasetsStore((s) => s.refresh);
  const [datasetId, setDatasetId] = useState('');
  const [split, setSplit] = useState<EvalSplit | ''>('');
  const [pick, setPick] = useState('own:validation');
  useEffect(() => {
    void load(run.id);
  }, [load, run.id]);
  // The datasets as stored now (one may have been imported or preprocessed since).
  useEffect(() => {
    void refreshDatasets();
  }, [refreshDatasets]);

  const labelled = datasets.filter((d) => d.labelled);
  const chosen = labelled.find((d) => d.id === datasetId) ?? labelled[0];
  const rows: Row[] = [
    ...ownRows(run, phase),
    ...records.map((r) => ({
      id: r.id,
      label: run.phases.find((p) => p.index === r.phase)?.name ?? r.modelLabel,
      split: `${r.datasetName}: ${r.split}`,
      total: r.total,
      accuracy: r.accuracy,
      macroF1: r.macroF1,
      confusion: r.confusion,
      classes: r.classes,
      missing: r.missingClasses,
      backend: `${r.backend}, ${r.kernels ?? 'tfjs'} kernels`,
      when: utc(r.createdAt),
      stale: stale[r.id] ?? null,
    })),
  ];
  const shown = rows.find((r) => r.id === pick) ?? rows[0];
  return (
    <section className="results-section" data-testid="results.crossEval">
      <h3>Other datasets (cross-corpus evaluation)</h3>
      <table className="results-numbers" data-testid="results.crossEval.table">
        <thead>
          <tr>
            <th scope="col">model</th>
            <th scope="col">dataset: split</th>
            <th scope="col">scored</th>
            <th scope="col">accuracy</th>
            <th scope="col">macro-F1</th>
            <th scope="col">backend</th>
            <th scope="col">evaluated</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="results.crossEval.row" data-id={r.id}>
              <td>{r.label}</td>
              <td>{r.split}</td>
              <td>{r.total}</td>
              <td data-testid="results.crossEval.accuracy">{pct(r.accuracy)}</td>
              <td>{pct(r.macroF1)}</td>
              <td data-testid="results.crossEval.backend">{r.backend}</td>
              <td data-testid="results.crossEval.when">
                {r.when}
                {r.stale && (
                  <span data-testid="results.crossEval.stale" data-stale={r.stale}>
                    {' '}
                    ({STALE_NOTE[r.stale]})
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown && (
        <figure className="results-confusion" data-testid="results.crossEval.matrix">
          <label>
            Confusion matrix{' '}
            <select
              data-testid="results.crossEval.pick"
              value={shown.id}
              onChange={(e) => setPick(e.target.value)}
            >
              {rows.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.label} — {r.split}
                </option>
              ))}
            </select>
          </label>
          <MatrixTable
            confusion={shown.confusion}
            classes={shown.classes}
            order="run"
            testId="results.crossEval.m"
            title={`${shown.label} — ${shown.split}`}
          />
          {shown.missing.length > 0 && (
            <p data-testid="results.crossEval.missing">
              No clip of {shown.missing.join(', ')} in this split: recall n/a (macro-F1 averages
              over the classes present).
            </p>
          )}
        </figure>
      )}
      <form
        className="results-pickers"
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen) void evaluate(run.id, phase?.index ?? null, chosen.id, split || null);
        }}
      >
        <strong>Evaluate on another dataset</strong>
        <label>
          Dataset{' '}
          <select
            data-testid="results.crossEval.dataset"
            value={chosen?.id ?? ''}
            onChange={(e) => setDatasetId(e.target.value)}
          >
            {labelled.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Split{' '}
          <select
            data-testid="results.crossEval.split"
            value={split}
            onChange={(e) => setSplit(e.target.value as EvalSplit | '')}
          >
            <option value="">default (test, else validation)</option>
            {EVAL_SPLITS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          data-testid="results.crossEval.run"
          disabled={!chosen || !phase || busy}
        >
          Evaluate {phase?.name ?? ''}
        </button>
        {running && (
          <span data-testid="results.crossEval.progress">
            <progress max={running.total || 1} value={running.done} /> {running.done} of{' '}
            {running.total} scored
          </span>
        )}
        {!chosen && <span>No labelled dataset is stored.</span>}
      </form>
      {error && (
        <p role="alert" data-testid="results.crossEval.error">
          {error}
        </p>
      )}
    </section>
  );
}
