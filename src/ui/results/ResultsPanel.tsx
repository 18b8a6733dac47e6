/**
 * The Results tab (issue #6): analysis views of a run stored in IndexedDB, so every view works
 * after a reload. Pick a run and a phase (teacher / student i); the confusion matrices, channel
 * and frame attention, the per-clip "why" view, the noisy-student charts and the spatial
 * attention maps are computed from the stored record (and, for spatial maps, the stored model).
 */
import { useEffect, useState } from 'react';
import { pickPhase, selectablePhases } from '../../runs/phases';
import { intParam, setNavParam, useNavigation } from '../navigation';
import { PhaseSelect } from '../runs/PhaseSelect';
import { useRunsStore } from '../runs/runsStore';
import { ChannelAttentionByClass } from './ChannelAttentionView';
import { ClipWhy } from './ClipWhy';
import { ConfusionCompare, type PhaseRef } from './ConfusionView';
import { CrossEvaluations } from './CrossEvaluations';
import { NoisyStudentCharts } from './NoisyStudentCharts';
import { RunExportsSlot } from './RunExportsSlot';
import { SpatialAttentionView } from './SpatialAttentionView';

export function ResultsPanel() {
  const runs = useRunsStore((r) => r.runs);
  const loaded = useRunsStore((r) => r.loaded);
  const error = useRunsStore((r) => r.error);
  const load = useRunsStore((r) => r.refresh);
  // The run and phase live in the URL (#results?phase=1&run=…): a reload keeps them (issue 17
  // item 7); clip and frame are views of the moment and reset.
  const nav = useNavigation().params;
  const runId = nav.run ?? null;
  const phaseIndex = intParam(nav, 'phase');
  const setRunId = (id: string): void => setNavParam('run', id);
  const setPhaseIndex = (i: number | null): void =>
    setNavParam('phase', i === null ? null : `${i}`);
  const [clipId, setClipId] = useState<string | null>(null);
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    void load();
  }, [load]);

  if (!loaded) return <p data-testid="results.loading">{error ?? 'Reading the stored runs…'}</p>;
  const withResults = runs.filter((r) => selectablePhases(r).length > 0);
  const run = withResults.find((r) => r.id === runId) ?? withResults[0];
  if (!run)
    return (
      <section data-testid="results" data-runs={0}>
        <h2>Results</h2>
        <p>No run has an evaluated phase yet: train one on the Train tab.</p>
        <button type="button" onClick={() => void load()} data-testid="results.refresh">
          Refresh
        </button>
      </section>
    );
  const phases = selectablePhases(run);
  // The phase picked, else the best on validation (issue 17 item 10).
  const phase = pickPhase(run, phaseIndex) ?? undefined;
  const ev = phase?.evaluation ?? null;
  const predictions = ev?.predictions ?? [];
  const prediction = predictions.find((p) => p.itemId === clipId) ?? predictions[0];
  const frameT = prediction ? Math.min(frame, Math.max(0, prediction.frames.length - 1)) : 0;
  const first = phases[0];
  const last = phases[phases.length - 1];
  const defaults: [PhaseRef | null, PhaseRef | null] = [
    first ? { runId: run.id, phase: first.index } : null,
    last ? { runId: run.id, phase: last.index } : null,
  ];
  return (
    <section
      className="results-panel"
      data-testid="results"
      data-runs={withResults.length}
      data-run-id={run.id}
      data-phase={phase?.index ?? ''}
    >
      <h2>Results</h2>
      <div className="results-pickers">
        <label>
          Run{' '}
          <select
            data-testid="results.run"
            value={run.id}
            onChange={(e) => {
              setRunId(e.target.value);
              setPhaseIndex(null);
              setClipId(null);
              setFrame(0);
            }}
          >
            {withResults.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} ({r.status})
              </option>
            ))}
          </select>
        </label>{' '}
        <PhaseSelect run={run} value={phaseIndex} onChange={setPhaseIndex} testId="results.phase" />{' '}
        <label>
          Clip{' '}
          <select
            data-testid="results.clip"
            value={prediction?.itemId ?? ''}
            onChange={(e) => {
              setClipId(e.target.value);
              setFrame(0);
            }}
          >
            {predictions.map((p) => (
              <option key={p.itemId} value={p.itemId}>
                {p.key} {p.label === p.predicted ? '✓' : '✗'}
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="button" onClick={() => void load()} data-testid="results.refresh">
          Refresh
        </button>
      </div>
      <RunExportsSlot run={run} />
      <ConfusionCompare key={run.id} runs={withResults} defaults={defaults} />
      <CrossEvaluations key={`cross/${run.id}`} run={run} phase={phase} />
      <NoisyStudentCharts run={run} />
      {ev && <ChannelAttentionByClass predictions={ev.predictions} classes={run.classes} />}
      {prediction && (
        <ClipWhy
          prediction={prediction}
          classes={run.classes}
          selected={frameT}
          onSelect={setFrame}
        />
      )}
      {prediction && phase && (
        <SpatialAttentionView
          key={`${run.id}/${phase.index}/${prediction.itemId}`}
          run={run}
          phase={phase}
          prediction={prediction}
          selected={frameT}
        />
      )}
    </section>
  );
}
