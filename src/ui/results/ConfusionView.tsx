/**
 * Confusion matrices as in the paper's Fig. 5, side by side: each panel picks a run and a phase;
 * counts and row-normalised percentages, class order selectable, accuracy and macro-F1 beside.
 */
import { type CSSProperties, useState } from 'react';
import { evaluateConfusion, rowNormalised } from '../../evaluate/metrics';
import type { RunRecord } from '../../train/run/record';
import {
  CLASS_ORDERS,
  classOrder,
  type ClassOrder,
  reorderList,
  reorderMatrix,
} from '../../visualise/confusion';
import { bestPhase } from '../../runs/phases';
import { PhaseSelect } from '../runs/PhaseSelect';

export interface PhaseRef {
  runId: string;
  phase: number;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function MatrixPanel({
  runs,
  value,
  onChange,
  order,
  testId,
}: {
  runs: readonly RunRecord[];
  value: PhaseRef | null;
  onChange: (v: PhaseRef) => void;
  order: ClassOrder;
  testId: string;
}) {
  const run = runs.find((r) => r.id === value?.runId);
  const phase = run?.phases.find((p) => p.index === value?.phase);
  const ev = phase?.evaluation ?? null;
  const evaluated = runs.filter((r) => bestPhase(r) !== null);
  return (
    <figure
      className="results-confusion"
      data-testid={testId}
      data-run-id={run?.id ?? ''}
      data-phase={phase?.index ?? ''}
    >
      <div className="results-pickers">
        <select
          aria-label="Run"
          data-testid={`${testId}.run`}
          value={run?.id ?? ''}
          onChange={(e) => {
            const r = runs.find((x) => x.id === e.target.value);
            const best = r ? bestPhase(r) : null;
            if (r && best) onChange({ runId: r.id, phase: best.index });
          }}
        >
          {evaluated.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
        <PhaseSelect
          run={run ?? null}
          value={phase?.index ?? null}
          onChange={(p) => run && onChange({ runId: run.id, phase: p })}
          testId={`${testId}.phase`}
        />
      </div>
      {run && phase && ev ? (
        <MatrixTable
          confusion={ev.confusion}
          classes={run.classes}
          order={order}
          testId={testId}
          title={`${run.name} — ${phase.name}`}
        />
      ) : (
        <p>No evaluated phase.</p>
      )}
    </figure>
  );
}

export function MatrixTable({
  confusion,
  classes,
  order,
  testId,
  title,
}: {
  confusion: number[][];
  classes: readonly string[];
  order: ClassOrder;
  testId: string;
  title: string;
}) {
  // Metrics from the matrix itself (they equal the stored ones; the e2e test checks both).
  const ev = evaluateConfusion(confusion);
  const perm = classOrder(order, classes, ev);
  const m = reorderMatrix(confusion, perm);
  const names = reorderList(classes, perm);
  // A class without clips has no recall ("n/a"), not 0% (issue 18: cross-corpus datasets).
  const recall = reorderList(ev.perClass, perm).map((c) => (c.support > 0 ? c.recall : null));
  const norm = rowNormalised(m);
  return (
    <table data-testid={`${testId}.table`} data-order={JSON.stringify(perm)}>
      <caption>
        <strong>{title}</strong>
        <br />
        accuracy <span data-testid={`${testId}.accuracy`}>{pct(ev.accuracy)}</span>, macro-F1{' '}
        <span data-testid={`${testId}.f1`}>{pct(ev.macroF1)}</span>, n ={' '}
        <span data-testid={`${testId}.total`}>{ev.total}</span>
      </caption>
      <thead>
        <tr>
          <th scope="col">true \ predicted</th>
          {names.map((c) => (
            <th key={c} scope="col" data-testid={`${testId}.colHead`}>
              {c}
            </th>
          ))}
          <th scope="col">recall</th>
        </tr>
      </thead>
      <tbody>
        {m.map((row, r) => (
          <tr key={names[r] ?? r}>
            <th scope="row" data-testid={`${testId}.rowHead`}>
              {names[r]}
            </th>
            {row.map((n, c) => (
              <td
                key={c}
                data-testid={`${testId}.cell`}
                data-count={n}
                data-true={perm[r]}
                data-pred={perm[c]}
                data-pct={norm[r]?.[c] ?? 0}
                className={r === c ? 'heat diag' : 'heat'}
                style={{ '--heat-alpha': (norm[r]?.[c] ?? 0).toFixed(3) } as CSSProperties}
              >
                {n}
                <small> {(100 * (norm[r]?.[c] ?? 0)).toFixed(0)}%</small>
              </td>
            ))}
            <td data-testid={`${testId}.recall`}>
              {recall[r] == null ? 'n/a' : `${(100 * recall[r]).toFixed(0)}%`}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Two matrices; the defaults are the current run's teacher and its last student. */
export function ConfusionCompare({
  runs,
  defaults,
}: {
  runs: readonly RunRecord[];
  defaults: [PhaseRef | null, PhaseRef | null];
}) {
  const [order, setOrder] = useState<ClassOrder>('run');
  const [a, setA] = useState<PhaseRef | null>(null);
  const [b, setB] = useState<PhaseRef | null>(null);
  return (
    <section className="results-section" data-testid="results.confusion">
      <h3>Confusion matrices (Fig. 5)</h3>
      <label>
        Class order{' '}
        <select
          data-testid="results.confusion.order"
          value={order}
          onChange={(e) => setOrder(e.target.value as ClassOrder)}
        >
          {CLASS_ORDERS.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <div className="results-side-by-side">
        <MatrixPanel
          runs={runs}
          value={a ?? defaults[0]}
          onChange={setA}
          order={order}
          testId="results.confusion.a"
        />
        <MatrixPanel
          runs={runs}
          value={b ?? defaults[1]}
          onChange={setB}
          order={order}
          testId="results.confusion.b"
        />
      </div>
    </section>
  );
}
