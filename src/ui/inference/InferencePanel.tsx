/**
 * Live inference (issue #6): load a stored run's phase model (the best on validation by
 * default) or import weights (a .zip, or model.json with its shards; checked completely before
 * the loaded model is replaced), then predict a stored validation clip (the result is compared
 * with the stored prediction) or a dropped video / image, preprocessed by the same worker
 * pipeline. The model lives and runs in the inference worker (src/inference/); this panel
 * renders the inference and runs stores.
 */
import { useEffect } from 'react';
import { CANONICAL_CLASSES } from '../../ingest/labels';
import { pickPhase } from '../../runs/phases';
import { storedPredictionsPhase } from '../../runs/storedPredictions';
import { PhaseSelect } from '../runs/PhaseSelect';
import { useRunsStore } from '../runs/runsStore';
import { useInferenceStore } from './inferenceStore';
import { InferenceResultView } from './InferenceResultView';

export function InferencePanel() {
  const allRuns = useRunsStore((s) => s.runs);
  const refreshRuns = useRunsStore((s) => s.refresh);
  const runsError = useRunsStore((s) => s.error);
  const s = useInferenceStore();
  useEffect(() => {
    void refreshRuns();
  }, [refreshRuns]);

  const runs = allRuns.filter((r) => r.phases.some((p) => p.finishedAt !== null));
  const run = runs.find((r) => r.id === s.runId) ?? runs[0];
  const chosenPhase = run ? pickPhase(run, s.phase) : null;
  const loaded = s.loaded;
  const modelRun = runs.find((r) => r.id === loaded?.runId);
  const classRun = modelRun ?? run;
  const numClasses = loaded?.config.numClasses ?? 0;
  const classNames: string[] =
    classRun && classRun.classes.length === numClasses
      ? classRun.classes
      : Array.from({ length: numClasses }, (_, i) => CANONICAL_CLASSES[i] ?? `class ${i}`);
  const evalPhase = modelRun ? storedPredictionsPhase(modelRun, loaded?.phase ?? null) : null;
  const storedClips = evalPhase?.evaluation?.predictions ?? [];
  const clip = storedClips.find((c) => c.key === s.clipKey) ?? storedClips[0];
  const error = s.error ?? runsError;

  return (
    <section className="inference" data-testid="inference.panel">
      <h2>Live inference</h2>
      <fieldset>
        <legend>Model</legend>
        <div className="row">
          <label>
            Stored run{' '}
            <select
              data-testid="inference.run"
              value={run?.id ?? ''}
              onChange={(e) => s.pickRun(e.target.value)}
            >
              {runs.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>{' '}
          <PhaseSelect
            run={run ?? null}
            value={s.phase}
            onChange={s.pickPhase}
            testId="inference.phase"
            label="phase"
          />{' '}
          <button
            type="button"
            data-testid="inference.loadStored"
            disabled={s.busy !== null || !run || !chosenPhase}
            onClick={() => run && chosenPhase && void s.loadStored(run.id, chosenPhase.index)}
          >
            Load
          </button>
        </div>
        <div className="row">
          <label>
            or import weights (the exported .zip, or model.json with its shards){' '}
            <input
              type="file"
              multiple
              accept=".zip,.json,.bin"
              data-testid="inference.import"
              disabled={s.busy !== null}
              onChange={(e) => {
                void s.importFiles(Array.from(e.target.files ?? []), run?.id ?? null);
                e.target.value = '';
              }}
            />
          </label>
        </div>
        {loaded ? (
          <p data-testid="inference.model" data-source={loaded.source}>
            Loaded: <strong>{loaded.source}</strong>, ResNet-{loaded.config.backbone.depth},{' '}
            {loaded.config.backbone.regions} region(s), {loaded.config.backbone.inputSize} px,{' '}
            {numClasses} classes, {loaded.params.toLocaleString()} parameters
          </p>
        ) : (
          <p className="muted">No model loaded.</p>
        )}
      </fieldset>

      <fieldset disabled={!loaded || s.busy !== null}>
        <legend>Input</legend>
        {storedClips.length > 0 && (
          <div className="row">
            <label>
              A validation clip of the run{' '}
              <select
                data-testid="inference.clip"
                value={clip?.key ?? ''}
                onChange={(e) => s.pickClip(e.target.value)}
              >
                {storedClips.map((c) => (
                  <option key={c.key} value={c.key}>
                    {c.key}
                  </option>
                ))}
              </select>
            </label>{' '}
            <button
              type="button"
              data-testid="inference.predictStored"
              onClick={() => clip && void s.predictStored(clip)}
            >
              Predict
            </button>
          </div>
        )}
        <div className="row">
          <label>
            A video or image (preprocessed in the workers, not stored){' '}
            <input
              type="file"
              accept="video/*,image/*"
              data-testid="inference.media"
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) void s.predictMedia(file, modelRun?.config.data.framesPerClip ?? 8);
                e.target.value = '';
              }}
            />
          </label>
        </div>
      </fieldset>

      {s.busy && <p data-testid="inference.busy">{s.busy}…</p>}
      {error && (
        <p className="error" role="alert" data-testid="inference.error">
          {error}
        </p>
      )}
      {s.shown && <InferenceResultView shown={s.shown} classNames={classNames} />}
    </section>
  );
}
