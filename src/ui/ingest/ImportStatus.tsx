import { formatBytes } from '../format';
import { useImportStore } from './importStore';
import { ProblemList } from './ProblemList';

/** Progress while planning/probing/storing, then the outcome of the last import. */
export function ImportStatus() {
  const { phase, progress, result, error, cancel, reset } = useImportStore();
  if (phase === 'planning' || phase === 'probing' || phase === 'storing') {
    const label =
      phase === 'planning'
        ? 'Reading the files…'
        : phase === 'probing'
          ? 'Checking media…'
          : 'Storing…';
    return (
      <section className="panel" data-testid="import.progress" aria-live="polite">
        <p>{label}</p>
        {progress && (
          <>
            <progress max={progress.total} value={progress.done} aria-label={label} />
            <span>
              {' '}
              {progress.done} / {progress.total}
              {progress.bytesDone > 0 ? ` (${formatBytes(progress.bytesDone)})` : ''}
            </span>
          </>
        )}
        <button type="button" onClick={cancel}>
          Cancel
        </button>
      </section>
    );
  }
  if (phase === 'error') {
    return (
      <section className="panel" role="alert" data-testid="import.error">
        <p className="error">{error}</p>
        <button type="button" onClick={reset}>
          Dismiss
        </button>
      </section>
    );
  }
  if (phase === 'done' && result) {
    return (
      <section
        className="panel"
        data-testid="import.result"
        data-status={result.status}
        role={result.status === 'ready' ? 'status' : 'alert'}
      >
        <p>
          Stored {result.storedItems} items ({formatBytes(result.bytes)}) in{' '}
          {result.seconds.toFixed(1)} s
          {result.skippedAlreadyStored > 0
            ? `, ${result.skippedAlreadyStored} were already stored`
            : ''}
          .
        </p>
        {result.stopReason && <p className="error">{result.stopReason}</p>}
        <ProblemList problems={result.problems} testId="import.result-problems" />
        <button type="button" onClick={reset}>
          Dismiss
        </button>
      </section>
    );
  }
  return null;
}
