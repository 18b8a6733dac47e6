import { useEffect } from 'react';
import type { IlluminationMethod } from '../../preprocess/types';
import { DEFAULT_PREPROCESS_CONFIG } from '../../preprocess/config';
import type { DatasetSummary } from '../datasets/datasetsStore';
import { formatDuration } from '../format';
import type { OutcomeNote } from '../../preprocess/outcomeNotes';
import { useDatasetsStore } from '../datasets/datasetsStore';
import { usePreprocessStore } from './preprocessStore';
import { itemsCounted, shownDataset } from './panelState';
import { SmallFaceSettings } from './SmallFaceSettings';

const d = DEFAULT_PREPROCESS_CONFIG;

function Settings({ disabled }: { disabled: boolean }) {
  const settings = usePreprocessStore((s) => s.settings);
  const set = usePreprocessStore((s) => s.setSettings);
  const num = (v: string): number | undefined => (v === '' ? undefined : Number(v));
  return (
    <fieldset disabled={disabled} className="settings">
      <legend>Settings</legend>
      <label>
        Illumination{' '}
        <select
          data-testid="preprocess.illumination"
          value={settings.illumination?.method ?? d.illumination.method}
          onChange={(e) => set({ illumination: { method: e.target.value as IlluminationMethod } })}
        >
          <option value="clahe">CLAHE on lightness</option>
          <option value="gamma">automatic gamma</option>
          <option value="none">none</option>
        </select>
      </label>
      <label>
        Frames per second{' '}
        <input
          type="number"
          min={0.5}
          max={30}
          step={0.5}
          value={settings.fps ?? d.fps}
          onChange={(e) => set({ fps: num(e.target.value) })}
        />
      </label>
      <label>
        Max frames per video{' '}
        <input
          type="number"
          min={1}
          value={settings.maxFramesPerVideo ?? d.maxFramesPerVideo}
          onChange={(e) => set({ maxFramesPerVideo: num(e.target.value) })}
        />
      </label>
      <label>
        Crop size{' '}
        <input
          type="number"
          min={32}
          max={448}
          value={settings.crop?.size ?? d.crop.size}
          onChange={(e) => set({ crop: { size: num(e.target.value) ?? d.crop.size } })}
        />
      </label>
      <label>
        Workers{' '}
        <input
          type="number"
          min={1}
          max={16}
          placeholder="auto"
          value={settings.workers ?? ''}
          onChange={(e) => set({ workers: num(e.target.value) ?? null })}
        />
      </label>
      <SmallFaceSettings settings={settings} set={set} />
    </fieldset>
  );
}

function Progress() {
  const { progress, handle, pause, resume, cancel } = usePreprocessStore();
  if (!handle || !progress) return null;
  const paused = progress.phase === 'paused';
  return (
    <div data-testid="preprocess.progress" data-phase={progress.phase} aria-live="polite">
      <progress
        max={Math.max(1, progress.itemsTotal)}
        value={itemsCounted(progress)}
        aria-label="Preprocessing progress"
      />{' '}
      <span data-testid="preprocess.items-done">{itemsCounted(progress)}</span> /{' '}
      {progress.itemsTotal} items
      {progress.itemsSkipped > 0 && ` (${progress.itemsSkipped} done before this run)`},{' '}
      {progress.framesDone} frames, {progress.framesPerSec.toFixed(1)} frames/s
      {progress.etaSec != null ? `, about ${formatDuration(progress.etaSec)} left` : ''}
      <div className="row">
        {paused ? (
          <button type="button" onClick={resume} data-testid="preprocess.resume">
            Resume
          </button>
        ) : (
          <button type="button" onClick={pause} data-testid="preprocess.pause">
            Pause
          </button>
        )}
        <button type="button" onClick={cancel} data-testid="preprocess.cancel">
          Cancel
        </button>
      </div>
    </div>
  );
}

function Status({ dataset }: { dataset: DatasetSummary }) {
  const status = usePreprocessStore((s) => (s.status?.datasetId === dataset.id ? s.status : null));
  if (!status) return null;
  // Sorted by reason, so the text does not depend on which item finished first.
  const byName = ([a]: [string, number], [b]: [string, number]): number => a.localeCompare(b);
  const dropped = Object.entries(status.dropped)
    .filter(([, n]) => n > 0)
    .sort(byName);
  const rejected = Object.entries(status.mining.rejected)
    .filter(([, n]) => n > 0)
    .sort(byName);
  return (
    <dl className="facts" data-testid="preprocess.status">
      <dt>Items done</dt>
      <dd data-testid="preprocess.done">{status.byStatus.done}</dd>
      <dt>Flagged (too few frames / rejected clip)</dt>
      <dd data-testid="preprocess.flagged">{status.byStatus.flagged}</dd>
      <dt>Failed</dt>
      <dd data-testid="preprocess.failed">{status.byStatus.failed}</dd>
      <dt>Waiting</dt>
      <dd data-testid="preprocess.pending">{status.pending}</dd>
      <dt>Frames kept / sampled</dt>
      <dd data-testid="preprocess.frames">
        {status.keptFrames} / {status.sampledFrames}
      </dd>
      <dt>Frames dropped</dt>
      <dd data-testid="preprocess.dropped">
        {dropped.length === 0 ? 'none' : dropped.map(([k, n]) => `${k}: ${n}`).join(', ')}
      </dd>
      {!dataset.labelled && (
        <>
          <dt>Clips accepted</dt>
          <dd data-testid="preprocess.mining-accepted">{status.mining.accepted}</dd>
          <dt>Videos rejected</dt>
          <dd data-testid="preprocess.mining-rejected">
            {rejected.length === 0 ? 'none' : rejected.map(([k, n]) => `${k}: ${n}`).join(', ')}
          </dd>
        </>
      )}
    </dl>
  );
}

/** Most notes listed; the rest are counted. */
const NOTES_SHOWN = 200;
/** One empty list: a selector returning a fresh [] would re-render forever. */
const NO_NOTES: readonly OutcomeNote[] = [];

/** Per item needing attention: its name and why (names are rendered as text, never HTML). */
function ItemNotes({ dataset }: { dataset: DatasetSummary }) {
  const notes = usePreprocessStore((s) =>
    s.status?.datasetId === dataset.id ? s.notes : NO_NOTES,
  );
  if (notes.length === 0) return null;
  const shown = notes.slice(0, NOTES_SHOWN);
  return (
    <details className="problems" open data-testid="preprocess.notes">
      <summary>
        {notes.length} item{notes.length === 1 ? '' : 's'} flagged or failed
      </summary>
      <ul>
        {shown.map((n) => (
          <li key={n.itemId} data-testid="preprocess.note" data-status={n.status} data-key={n.key}>
            <code>{n.key}</code>: {n.message}
          </li>
        ))}
      </ul>
      {notes.length > shown.length && (
        <p className="muted">and {notes.length - shown.length} more</p>
      )}
    </details>
  );
}

/** Face preprocessing of one dataset: settings, run controls with frames/s and ETA, outcome. */
export function PreprocessPanel({ dataset: selected }: { dataset: DatasetSummary }) {
  const { handle, error, summary, start, refresh } = usePreprocessStore();
  const runningId = usePreprocessStore((s) => (s.handle ? s.datasetId : null));
  const datasets = useDatasetsStore((s) => s.datasets);
  const dataset = shownDataset(selected, runningId, datasets);
  useEffect(() => {
    void refresh(dataset.id);
  }, [dataset.id, dataset.itemCount, refresh]);
  const running = handle !== null;
  return (
    <section
      className="panel"
      data-testid="preprocess"
      data-dataset={dataset.id}
      aria-label={`Preprocess ${dataset.name}`}
    >
      <h2>Preprocess “{dataset.name}”</h2>
      {dataset.id !== selected.id && (
        <p className="notice" role="status" data-testid="preprocess.other-selected">
          Running now; “{selected.name}” is selected and can be preprocessed when this run ends.
        </p>
      )}
      <p className="muted">
        Face detection and landmarks (MediaPipe), eye-line alignment, face / eyes / mouth crops and
        illumination correction, in Web Workers. See docs/preprocessing.md for each setting&apos;s
        source.
      </p>
      <Settings disabled={running} />
      <div className="row">
        <button
          type="button"
          className="primary"
          data-testid="preprocess.start"
          disabled={running}
          onClick={() => void start(dataset.id)}
        >
          Preprocess
        </button>
      </div>
      <Progress />
      {error && (
        <p className="error" role="alert" data-testid="preprocess.error">
          {error}
        </p>
      )}
      {summary && !running && summary.datasetId === dataset.id && (
        <p role="status" data-testid="preprocess.summary" data-phase={summary.phase}>
          {summary.phase === 'done'
            ? 'Finished'
            : summary.phase === 'cancelled'
              ? 'Cancelled'
              : 'Stopped'}
          : {summary.processed} items processed, {summary.skipped} already done,{' '}
          {summary.keptFrames} frames kept in {summary.seconds.toFixed(1)} s (
          {summary.framesPerSec.toFixed(1)} frames/s).
          {summary.workerCrashes > 0 &&
            ` ${summary.workerCrashes} worker crash${summary.workerCrashes > 1 ? 'es' : ''}: their items were retried in a fresh worker (any that still failed are listed as failed, and the next run redoes them).`}
        </p>
      )}
      <Status dataset={dataset} />
      <ItemNotes dataset={dataset} />
    </section>
  );
}
