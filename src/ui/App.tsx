import { type KeyboardEvent, useEffect, useState } from 'react';
import { navigate, normaliseHash, useNavigation, type View, VIEWS } from './navigation';
import { Header } from './Header';
import { useAppStore } from './store';
import { DropZone } from './ingest/DropZone';
import { ImportReview } from './ingest/ImportReview';
import { ImportStatus } from './ingest/ImportStatus';
import { DatasetList } from './datasets/DatasetList';
import { DatasetBrowser } from './datasets/DatasetBrowser';
import { ensurePersistence, useDatasetsStore } from './datasets/datasetsStore';
import { useImportStore } from './ingest/importStore';
import { PreprocessPanel } from './preprocess/PreprocessPanel';
import { usePreprocessStore } from './preprocess/preprocessStore';
import { DemoStatus } from './demo/DemoStatus';
import { shouldAutoDemo, useDemoStore } from './demo/demoStore';
import { DEMO_DATASET_NAME } from '../ingest/demo/api';
import { useTrainStore } from './train/trainStore';
import {
  InferencePanel,
  ModelSummaryPanel,
  ResultsPanel,
  RunComparison,
  TabSuspense,
  TrainPanel,
} from './lazyTabs';
import { useRunsStore } from './runs/runsStore';

const VIEW_LABELS: Record<View, string> = {
  data: 'Data',
  model: 'Model',
  train: 'Train',
  results: 'Results',
  compare: 'Compare',
  inference: 'Inference',
};

/**
 * The ARIA tabs pattern (manual activation): the selected tab is the one tab stop; Left/Right
 * (wrapping), Home and End move the focus among the tabs; Enter or Space selects the focused one.
 */
function moveTabFocus(e: KeyboardEvent<HTMLDivElement>): void {
  const tabs = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const at = tabs.indexOf(document.activeElement as HTMLButtonElement);
  if (at < 0) return;
  const to =
    e.key === 'ArrowRight'
      ? (at + 1) % tabs.length
      : e.key === 'ArrowLeft'
        ? (at - 1 + tabs.length) % tabs.length
        : e.key === 'Home'
          ? 0
          : e.key === 'End'
            ? tabs.length - 1
            : null;
  if (to === null) return;
  e.preventDefault();
  tabs[to]?.focus();
}

export function App() {
  const init = useAppStore((s) => s.initBackend);
  const refresh = useDatasetsStore((s) => s.refresh);
  const datasets = useDatasetsStore((s) => s.datasets);
  const phase = useImportStore((s) => s.phase);
  const [selected, setSelected] = useState<string | null>(null);
  // The open tab lives in the URL's hash (#train): reload, links and back / forward keep it.
  const { view } = useNavigation();
  useEffect(normaliseHash, []);
  useEffect(() => {
    void init();
    void refresh().then(() => {
      const empty = useDatasetsStore.getState().datasets.length === 0;
      if (empty && shouldAutoDemo(location.search, navigator.webdriver))
        void useDemoStore.getState().create();
      else void usePreprocessStore.getState().resumeAfterReload();
    });
    void useTrainStore.getState().resumeAfterReload();
    void ensurePersistence();
  }, [init, refresh]);
  // Every panel's list of runs follows the writer's changes (training worker, other tabs).
  useEffect(() => useRunsStore.getState().watch(), []);
  // The first dataset (the demo on a first open) is shown until the user picks another.
  const current = datasets.find((d) => d.id === selected) ?? datasets[0];
  return (
    <div className="app">
      <Header />
      <nav aria-label="Workbench sections">
        <div
          className="tabs"
          role="tablist"
          aria-label="Workbench sections"
          onKeyDown={(e) => moveTabFocus(e)}
        >
          {VIEWS.map((v) => (
            <button
              key={v}
              type="button"
              role="tab"
              id={`tab-${v}`}
              aria-selected={view === v}
              aria-controls={view === v ? `panel-${v}` : undefined}
              tabIndex={view === v ? 0 : -1}
              data-testid={`nav.${v}`}
              onClick={() => navigate(v)}
            >
              {VIEW_LABELS[v]}
            </button>
          ))}
        </div>
      </nav>
      <main>
        <div role="tabpanel" id={`panel-${view}`} aria-labelledby={`tab-${view}`}>
          <TabSuspense key={view}>
            {view === 'model' && <ModelSummaryPanel />}
            {view === 'train' && <TrainPanel datasetId={current?.id ?? null} />}
            {view === 'results' && <ResultsPanel />}
            {view === 'compare' && <RunComparison />}
            {view === 'inference' && <InferencePanel />}
          </TabSuspense>
          <div className="columns" hidden={view !== 'data'}>
            <div>
              {phase === 'review' ? <ImportReview /> : <DropZone />}
              <ImportStatus />
              <DemoStatus hasDemo={datasets.some((d) => d.name === DEMO_DATASET_NAME)} />
              <DatasetList selected={current?.id ?? null} onSelect={setSelected} />
            </div>
            <div>
              {current && <PreprocessPanel dataset={current} />}
              {current && <DatasetBrowser dataset={current} />}
            </div>
          </div>
        </div>
      </main>
    </div>
  );
}
