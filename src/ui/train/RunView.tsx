/**
 * One run from its stored record: status and why, what it ran on, per phase (teacher and
 * students) the best validation accuracy and macro-F1, pseudo-label counts before / after
 * balancing, the curves and the latest phase's confusion matrix.
 */
import { useState } from 'react';
import type { RunRecord } from '../../train/run/record';
import { ConfusionTable } from './ConfusionTable';
import { TrainingCurves } from './TrainingCurves';
import { useTrainStore } from './trainStore';

const pct = (x: number | undefined | null): string =>
  x === undefined || x === null ? '—' : `${(100 * x).toFixed(1)}%`;

export function exportRunJson(run: RunRecord): void {
  const blob = new Blob([JSON.stringify(run, null, 1)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${run.id}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** A stopped run's learning rate, editable before resuming (e.g. lower after a NaN loss). */
function ResumeWithRate({ run }: { run: RunRecord }) {
  const resume = useTrainStore((s) => s.resume);
  const busy = useTrainStore((s) => s.handle !== null);
  const [rate, setRate] = useState(String(run.config.optim.learningRate));
  const value = Number(rate);
  const valid = Number.isFinite(value) && value > 0;
  return (
    <p className="row">
      <label>
        Learning rate for the rest of the run{' '}
        <input
          type="text"
          inputMode="decimal"
          value={rate}
          onChange={(e) => setRate(e.target.value)}
          data-testid="train.resumeRate"
          aria-invalid={!valid}
        />
      </label>{' '}
      <button
        type="button"
        disabled={busy || !valid}
        onClick={() => void resume(run.id, { learningRate: value })}
        data-testid="train.resumeWithRate"
      >
        Resume with this learning rate
      </button>
    </p>
  );
}

export function RunView({ run }: { run: RunRecord }) {
  const evaluated = run.phases.filter((p) => p.evaluation);
  const last = evaluated[evaluated.length - 1];
  return (
    <section
      className="run-view"
      data-testid="train.run"
      data-run-id={run.id}
      data-status={run.status}
    >
      <h3>{run.name}</h3>
      <p>
        Status: <strong data-testid="train.status">{run.status}</strong>
        {run.message && (
          <span
            className={run.status === 'failed' || run.status === 'interrupted' ? 'error' : ''}
            role={run.status === 'failed' ? 'alert' : undefined}
            data-testid="train.message"
          >
            {' '}
            — {run.message}
          </span>
        )}
      </p>
      {(run.status === 'paused' || run.status === 'failed' || run.status === 'interrupted') && (
        <ResumeWithRate key={`${run.id}/${run.config.optim.learningRate}`} run={run} />
      )}
      {run.environment && (
        <p className="muted" data-testid="train.environment">
          {run.environment.device} · tfjs {run.environment.tfjsVersion} ·{' '}
          {run.environment.kernels ? `${run.environment.kernels} kernels · ` : ''}
          {(run.totalMs / 1000).toFixed(0)} s of training
          {run.resumes.length > 0 && ` · resumed ${run.resumes.length}x`}
        </p>
      )}
      <table className="phases" data-testid="train.phases">
        <thead>
          <tr>
            <th scope="col">Phase</th>
            <th scope="col">Epochs</th>
            <th scope="col">Best epoch</th>
            <th scope="col">Val accuracy</th>
            <th scope="col">Macro-F1</th>
            <th scope="col">Test accuracy (held out)</th>
            <th scope="col">Train / val / pseudo clips</th>
            <th scope="col">Pseudo-labels per class (before → after balancing)</th>
            <th scope="col">Pseudo-label accuracy (hidden labels)</th>
          </tr>
        </thead>
        <tbody>
          {run.phases.map((p) => (
            <tr
              key={p.index}
              data-testid="train.phase"
              data-kind={p.kind}
              data-accuracy={p.evaluation?.accuracy ?? ''}
              data-test-accuracy={p.test?.accuracy ?? ''}
            >
              <th scope="row">
                {p.name}
                {p.reusedFrom ? ` (copied from ${p.reusedFrom.runName})` : ''}
              </th>
              <td>
                {p.epochs.length} / {p.epochsPlanned}
              </td>
              <td>{p.bestEpoch === null ? '—' : p.bestEpoch + 1}</td>
              <td>{pct(p.evaluation?.accuracy)}</td>
              <td>{pct(p.evaluation?.macroF1)}</td>
              <td>{pct(p.test?.accuracy)}</td>
              <td>{p.startedAt ? `${p.data.train} / ${p.data.val} / ${p.data.pseudo}` : '—'}</td>
              <td>
                {p.pseudoLabels
                  ? `${p.pseudoLabels.before.join(' ')} → ${p.pseudoLabels.after.join(' ')}`
                  : '—'}
              </td>
              <td>{pct(p.pseudoLabels?.hiddenAccuracy)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {run.crossValidation && (
        <p data-testid="train.crossValidation">
          {run.crossValidation.folds}-fold cross-validation: teacher{' '}
          {pct(run.crossValidation.teacherMean)} ± {pct(run.crossValidation.teacherStd)}, final{' '}
          {pct(run.crossValidation.finalMean)} ± {pct(run.crossValidation.finalStd)} (mean ± sample
          sd over folds)
        </p>
      )}
      <TrainingCurves run={run} />
      {last?.evaluation && (
        <>
          <h4>{last.name}: best epoch on the validation set</h4>
          <ConfusionTable ev={last.evaluation} classes={run.classes} testId="train.confusion" />
        </>
      )}
      <button type="button" onClick={() => exportRunJson(run)} data-testid="train.export">
        Export run record (JSON)
      </button>
    </section>
  );
}
