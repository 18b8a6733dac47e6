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

export function App() {
  const init = useAppStore((s) => s.initBackend);
  const refresh = useDatasetsStore((s) => s.refresh);
  const datasets = useDatasetsStore((s) => s.datasets);
  const phase = useImportStore((s) => s.phase);
  const [selected, setSelected] = useState<string | null>(null);
  useEffect(() => {
    void init();
    void refresh();
    void ensurePersistence();
    void usePreprocessStore.getState().resumeAfterReload();
  }, [init, refresh]);
  const current = datasets.find((d) => d.id === selected);
  return (
    <div className="app">
      <Header />
      <main>
        <div className="columns">
          <div>
            {phase === 'review' ? <ImportReview /> : <DropZone />}
            <ImportStatus />
            <DatasetList selected={selected} onSelect={setSelected} />
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
