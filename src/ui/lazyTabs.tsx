/**
 * The tabs other than Data, each loaded on first open as its own chunk (React.lazy): they pull
 * TensorFlow.js (model summary, inference), recharts (train, results, compare) and the model
 * code, which the shell (header, tabs, the Data tab) must not wait for. scripts/vite/
 * entryGraph.test.ts checks the production entry reaches none of them statically.
 */
import { Component, lazy, Suspense, type ReactNode } from 'react';

export const ModelSummaryPanel = lazy(() =>
  import('./model/ModelSummaryPanel').then((m) => ({ default: m.ModelSummaryPanel })),
);
export const TrainPanel = lazy(() =>
  import('./train/TrainPanel').then((m) => ({ default: m.TrainPanel })),
);
export const ResultsPanel = lazy(() =>
  import('./results/ResultsPanel').then((m) => ({ default: m.ResultsPanel })),
);
export const RunComparison = lazy(() =>
  import('./compare/RunComparison').then((m) => ({ default: m.RunComparison })),
);
export const InferencePanel = lazy(() =>
  import('./inference/InferencePanel').then((m) => ({ default: m.InferencePanel })),
);

interface BoundaryState {
  error: string | null;
}

/**
 * A tab whose chunk cannot be fetched (offline without the precache, or an old page after an
 * update replaced the build) shows why, instead of React unmounting the whole app.
 */
export class TabLoadBoundary extends Component<{ children: ReactNode }, BoundaryState> {
  override state: BoundaryState = { error: null };

  static getDerivedStateFromError(e: unknown): BoundaryState {
    return { error: e instanceof Error ? e.message : String(e) };
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <p className="error" role="alert" data-testid="tab.load-error">
        This tab could not be loaded ({this.state.error}). Reload the page to try again.
      </p>
    );
  }
}

/**
 * Shows "Loading…" in place of a lazy tab until its chunk has arrived, and the error if it
 * never does. Keyed by the tab in App, so a failed tab does not block the others.
 */
export function TabSuspense({ children }: { children: ReactNode }) {
  return (
    <TabLoadBoundary>
      <Suspense
        fallback={
          <p className="muted" role="status" data-testid="tab.loading">
            Loading…
          </p>
        }
      >
        {children}
      </Suspense>
    </TabLoadBoundary>
  );
}
