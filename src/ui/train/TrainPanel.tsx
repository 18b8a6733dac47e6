/** The Train tab: new run settings, the runs stored in this browser, the selected run. */
import { useEffect } from 'react';
import { useDatasetsStore } from '../datasets/datasetsStore';
import { setNavParam, useNavigation } from '../navigation';
import { RunProgress } from './RunProgress';
import { RunView } from './RunView';
import { TrainForm } from './TrainForm';
import { useRunsStore } from '../runs/runsStore';
import { useTrainStore } from './trainStore';

export function TrainPanel({ datasetId }: { datasetId: string | null }) {
  const datasets = useDatasetsStore((s) => s.datasets);
  const refreshDatasets = useDatasetsStore((s) => s.refresh);
  const s = useTrainStore();
  const runs = useRunsStore((r) => r.runs);
  const { refresh } = s;
  useEffect(() => {
    // Datasets may have been added (demo, CLI) since the list was read.
    void refreshDatasets();
    void refresh();
  }, [refresh, refreshDatasets]);
  const selected = runs.find((r) => r.id === s.selectedId) ?? runs[0];
  // With no form kept from a previous visit, the form shows the run that trains (or the latest).
  const restoreRun = runs.find((r) => r.id === s.activeId) ?? runs[0];
  // The selected run lives in the URL (#train?run=…): a reload or back / forward selects it again.
  const urlRun = useNavigation().params.run ?? null;
  const loaded = runs.length > 0;
  const { select } = s;
  useEffect(() => {
    if (!loaded || urlRun === null) return;
    if (useRunsStore.getState().runs.some((r) => r.id === urlRun)) select(urlRun);
  }, [urlRun, loaded, select]);
  const show = (id: string): void => {
    select(id);
    setNavParam('run', id);
  };
  return (
    <div className="columns train-panel">
      <div>
        <h2>Train</h2>
        <TrainForm
          datasets={datasets}
          defaultDatasetId={datasetId}
          busy={s.handle !== null}
          restoreFrom={restoreRun ? { name: restoreRun.name, config: restoreRun.config } : null}
          onStart={(c, n) =>
            void s.start(c, n).then((id) => {
              if (id !== null) setNavParam('run', id);
            })
          }
        />
        {s.error && (
          <p className="error" role="alert" data-testid="train.error">
            {s.error}
          </p>
        )}
        {s.notice && <p data-testid="train.notice">{s.notice}</p>}
        <h3>Runs</h3>
        {runs.length === 0 && <p>No runs yet.</p>}
        <ul className="runs" data-testid="train.runs">
          {runs.map((r) => (
            <li key={r.id} data-testid="train.runItem" data-status={r.status}>
              <button type="button" aria-pressed={r.id === selected?.id} onClick={() => show(r.id)}>
                {r.name}
              </button>{' '}
              <span>{r.status}</span>{' '}
              {r.status !== 'done' && r.status !== 'running' && (
                <button
                  type="button"
                  disabled={s.handle !== null}
                  onClick={() => {
                    setNavParam('run', r.id);
                    void s.resume(r.id);
                  }}
                  data-testid="train.resume"
                >
                  Resume
                </button>
              )}{' '}
              <button
                type="button"
                disabled={s.activeId === r.id}
                onClick={() => void s.remove(r.id)}
                aria-label={`Delete ${r.name}`}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      </div>
      <div>
        {s.progress && <RunProgress p={s.progress} onPause={s.pause} />}
        {s.backend && s.handle && <p className="muted">Training on {s.backend}</p>}
        {selected && <RunView run={selected} />}
      </div>
    </div>
  );
}
