import { useEffect, useState } from 'react';
import { Header } from './Header';
import { useAppStore } from './store';
import { DropZone } from './ingest/DropZone';
import { ImportReview } from './ingest/ImportReview';
import { ImportStatus } from './ingest/ImportStatus';
import { DatasetList } from './datasets/DatasetList';
import { DatasetBrowser } from './datasets/DatasetBrowser';
import { ensurePersistence, useDatasetsStore } from './datasets/datasetsStore';
import { useImportStore } from './ingest/importStore';
import { TestApiInputs } from '../testing/TestApiInputs';
import { PreprocessPanel } from './preprocess/PreprocessPanel';
import { usePreprocessStore } from './preprocess/preprocessStore';
import { DemoStatus } from './demo/DemoStatus';
import { shouldAutoDemo, useDemoStore } from './demo/demoStore';
import { DEMO_DATASET_NAME } from '../ingest/demo/api';
import { ModelSummaryPanel } from './model/ModelSummaryPanel';
import { TrainPanel } from './train/TrainPanel';
import { useTrainStore } from './train/trainStore';
import { ResultsPanel } from './results/ResultsPanel';
import { RunComparison } from './compare/RunComparison';
import { InferencePanel } from './inference/InferencePanel';

type View = 'data' | 'model' | 'train' | 'results' | 'compare' | 'inference';

const VIEW_LABELS: Record<View, string> = {
  data: 'Data',
  model: 'Model',
  train: 'Train',
  results: 'Results',
  compare: 'Compare',
  inference: 'Inference',
};

export function App() {
  const init = useAppStore((s) => s.initBackend);
  const refresh = useDatasetsStore((s) => s.refresh);
  const datasets = useDatasetsStore((s) => s.datasets);
  const phase = useImportStore((s) => s.phase);
  const [selected, setSelected] = useState<string | null>(null);
  const [view, setView] = useState<View>('data');
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
  // The first dataset (the demo on a first open) is shown until the user picks another.
  const current = datasets.find((d) => d.id === selected) ?? datasets[0];
  return (
    <div className="app">
      <Header />
      <div className="tabs" role="tablist" aria-label="Workbench sections">
        {(['data', 'model', 'train', 'results', 'compare', 'inference'] as const).map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={view === v}
            data-testid={`nav.${v}`}
            onClick={() => setView(v)}
          >
            {VIEW_LABELS[v]}
          </button>
        ))}
      </div>
      <main>
        {view === 'model' && <ModelSummaryPanel />}
        {view === 'train' && <TrainPanel datasetId={current?.id ?? null} />}
        {view === 'results' && <ResultsPanel />}
        {view === 'compare' && <RunComparison />}
        {view === 'inference' && <InferencePanel />}
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
      </main>
      <TestApiInputs />
    </div>
  );
}
