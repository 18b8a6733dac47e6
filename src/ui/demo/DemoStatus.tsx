import { useDemoStore } from './demoStore';

/** Shows the demo's generation progress, or a button to (re)create it. */
export function DemoStatus({ hasDemo }: { hasDemo: boolean }) {
  const { phase, progress, error, create } = useDemoStore();
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
      {error && (
        <p className="error" role="alert" data-testid="demo.error">
          The demo dataset could not be generated: {error}
        </p>
      )}
      {!hasDemo && (
        <button type="button" data-testid="demo.create" onClick={() => void create()}>
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
