/**
 * The tabs other than Data, each loaded on first open as its own chunk (React.lazy): they pull
 * TensorFlow.js (model summary, inference), recharts (train, results, compare) and the model
 * code, which the shell (header, tabs, the Data tab) must not wait for. scripts/vite/
 * entryGraph.test.ts checks the production entry reaches none of them statically.
 */
import { lazy, Suspense, type ReactNode } from 'react';

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

/** Shows "Loading…" in place of a lazy tab until its chunk has arrived. */
export function TabSuspense({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <p className="muted" role="status" data-testid="tab.loading">
          Loading…
        </p>
      }
    >
      {children}
    </Suspense>
  );
}
