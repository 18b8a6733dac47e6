/**
 * Below "Start training": the run's estimated duration, and above an hour (or with no estimate)
 * a question before it starts (./startGuard.ts).
 */
import { formatDuration } from './estimate';
import { useStartGuard } from './startGuard';

function perStep(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function StartConfirm() {
  const { phase, estimate, problem, confirm, cancel } = useStartGuard();
  const text = estimate
    ? `Estimated duration: ${formatDuration(estimate.ms)} (${estimate.steps.toLocaleString('en')} steps × ${perStep(estimate.msPerStep)} per step, from ${estimate.sources.join(' and ')}).`
    : null;
  if (phase === 'confirm')
    return (
      <div
        className="start-confirm"
        role="alertdialog"
        aria-labelledby="train-confirm-title"
        data-testid="train.confirm"
      >
        <p id="train-confirm-title">
          <strong>
            {estimate
              ? `This run would take about ${formatDuration(estimate.ms)} here.`
              : `The duration could not be estimated: ${problem ?? 'no reason given'}.`}
          </strong>
        </p>
        {text && <p data-testid="train.estimate">{text}</p>}
        <p>A smaller size (preset), fewer epochs or iterations shorten it.</p>
        <button type="button" onClick={confirm} data-testid="train.confirm.start">
          Start anyway
        </button>{' '}
        <button type="button" onClick={cancel} data-testid="train.confirm.cancel" autoFocus>
          Cancel
        </button>
      </div>
    );
  return text ? (
    <p className="muted" data-testid="train.estimate" aria-live="polite">
      {text}
    </p>
  ) : null;
}
