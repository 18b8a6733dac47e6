import { type DemoState, useDemoStore } from './demoStore';

export interface DemoStatusViewProps extends Pick<DemoState, 'phase' | 'progress' | 'error'> {
  hasDemo: boolean;
  onCreate: () => void;
}

/** Shows the demo's generation progress, or a button to (re)create it. */
export function DemoStatus({ hasDemo }: { hasDemo: boolean }) {
  const { phase, progress, error, create } = useDemoStore();
  return (
    <DemoStatusView
      hasDemo={hasDemo}
      phase={phase}
      progress={progress}
      error={error}
      onCreate={() => void create()}
    />
  );
}

/**
 * What DemoStatus renders for a given state: generating (with progress), preprocessing, ready
 * (issue 17 item 14: the first open says so, with a link to the Train tab), or a button.
 */
export function DemoStatusView({ hasDemo, phase, progress, error, onCreate }: DemoStatusViewProps) {
  if (phase === 'generating') {
    return (
      <section className="panel" data-testid="demo.progress" aria-live="polite">
        <p>
          Generating the demo dataset (synthetic faces, seed 1)
          {progress
            ? `: ${progress.phase === 'landmarks' ? 'finding landmarks' : 'rendering clips'}`
            : '…'}
        </p>
        {progress && (
          <>
            <progress
              max={Math.max(1, progress.total)}
              value={progress.done}
              aria-label="Demo generation"
            />{' '}
            {progress.done} / {progress.total}
          </>
        )}
      </section>
    );
  }
  return (
    <section className="panel">
      <div aria-live="polite">
        {phase === 'preprocessing' && (
          <p data-testid="demo.preprocessing">
            Demo generated; preprocessing it (progress in the panel beside the list)…
          </p>
        )}
        {phase === 'ready' && hasDemo && (
          <p className="demo-ready" data-testid="demo.ready">
            <strong>Demo ready:</strong> train it on the{' '}
            <a href="#train" data-testid="demo.toTrain">
              Train tab
            </a>
            .
          </p>
        )}
      </div>
      {error && (
        <p className="error" role="alert" data-testid="demo.error">
          The demo dataset could not be generated: {error}
        </p>
      )}
      {!hasDemo && (
        <button type="button" data-testid="demo.create" onClick={onCreate}>
          Generate the demo dataset
        </button>
      )}
      {hasDemo && (
        <p className="muted">
          “Demo (synthetic)” is generated from one public-domain photo: a stand-in for trying the
          workbench, no substitute for real data (docs/demo-dataset.md).
        </p>
      )}
    </section>
  );
}
