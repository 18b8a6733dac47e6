/**
 * Live inference (issue #6): load a stored run's phase model or import weights (a .zip, or
 * model.json with its shards; checked completely before the loaded model is replaced), then
 * predict a stored validation clip (the result is compared with the stored prediction) or a
 * dropped video / image, preprocessed by the same worker pipeline. Shows the class
 * distribution, the frame-attention weight of each frame and its face / eyes / mouth weights.
 */
import { useEffect, useRef, useState } from 'react';
import {
  checkWeightFileSizes,
  importWeightFiles,
  modelFromPhaseRecord,
} from '../../export/weights';
import { paramCounts } from '../../model/flops';
import { disposeModel, type FerModel } from '../../model/model';
import { getDb } from '../../storage/db';
import { getPhaseModel, listRuns } from '../../storage/runs';
import { CANONICAL_CLASSES } from '../../ingest/labels';
import type { ClipPrediction, RunRecord } from '../../train/run/record';
import { mediaClip, predictFrames, storedClipFrames, type InferenceResult } from './infer';
import { useObjectUrl } from '../useObjectUrl';
import { clipFramesNote } from '../../preprocess/outcomeNotes';

interface Loaded {
  model: FerModel;
  source: string;
  /** The run it came from (stored models), for the class names and the stored clips. */
  runId: string | null;
}

interface Shown {
  result: InferenceResult;
  what: string;
  /** The stored prediction of the same clip, when the input was a stored clip. */
  stored: ClipPrediction | null;
  faces: Blob[];
}

const REGION_NAMES = ['face', 'eyes', 'mouth'];

function FaceThumb({ blob }: { blob: Blob }) {
  const url = useObjectUrl(blob);
  return url ? <img src={url} width={48} height={48} alt="face crop" /> : null;
}

export function InferencePanel() {
  const [runs, setRuns] = useState<RunRecord[]>([]);
  const [runId, setRunId] = useState<string>('');
  const [phase, setPhase] = useState<number | null>(null);
  const [loaded, setLoaded] = useState<{
    source: string;
    runId: string | null;
    config: FerModel['config'];
  } | null>(null);
  const modelRef = useRef<Loaded | null>(null);
  const [clipKey, setClipKey] = useState<string>('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);

  useEffect(() => {
    let live = true;
    getDb()
      .then(listRuns)
      .then(
        (r) => {
          if (live) setRuns(r.filter((x) => x.phases.some((p) => p.finishedAt !== null)));
        },
        (e: unknown) => {
          if (live) setError(e instanceof Error ? e.message : String(e));
        },
      );
    return () => {
      live = false;
      const m = modelRef.current;
      modelRef.current = null;
      if (m) disposeModel(m.model);
    };
  }, []);

  const run = runs.find((r) => r.id === runId) ?? runs[0];
  const finished = run?.phases.filter((p) => p.finishedAt !== null) ?? [];
  const chosenPhase = finished.find((p) => p.index === phase) ?? finished[finished.length - 1];
  const modelRun = runs.find((r) => r.id === loaded?.runId);
  const classRun = modelRun ?? run;
  const numClasses = loaded?.config.numClasses ?? 0;
  const classNames: string[] =
    classRun && classRun.classes.length === numClasses
      ? classRun.classes
      : Array.from({ length: numClasses }, (_, i) => CANONICAL_CLASSES[i] ?? `class ${i}`);
  const evalPhase = modelRun
    ? ([...modelRun.phases].reverse().find((p) => p.evaluation) ?? null)
    : null;
  const storedClips = evalPhase?.evaluation?.predictions ?? [];

  const act = async (label: string, what: () => Promise<void>): Promise<void> => {
    setBusy(label);
    setError(null);
    try {
      await what();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };

  /** Replaces the loaded model only once the new one exists. */
  const install = (next: Loaded): void => {
    const old = modelRef.current;
    modelRef.current = next;
    if (old) disposeModel(old.model);
    setLoaded({ source: next.source, runId: next.runId, config: next.model.config });
    setShown(null);
  };

  const loadStored = () =>
    act('loading', async () => {
      if (!run || !chosenPhase) throw new Error('No stored run with a finished phase.');
      const rec = await getPhaseModel(await getDb(), run.id, chosenPhase.index);
      if (!rec) throw new Error(`The model of "${chosenPhase.name}" is not stored.`);
      install({
        model: modelFromPhaseRecord(rec),
        source: `${run.name} / ${chosenPhase.name} (stored)`,
        runId: run.id,
      });
    });

  const importFiles = (files: FileList | null) =>
    act('importing', async () => {
      const list = Array.from(files ?? []);
      if (list.length === 0) return;
      checkWeightFileSizes(list);
      const named = await Promise.all(
        list.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
      );
      const model = importWeightFiles(named); // throws before anything is replaced
      install({
        model,
        source: `imported: ${list.map((f) => f.name).join(', ')}`,
        runId: run?.id ?? null,
      });
    });

  const predictStored = () =>
    act('predicting', async () => {
      const m = modelRef.current;
      if (!m) throw new Error('Load a model first.');
      const clip = storedClips.find((c) => c.key === clipKey) ?? storedClips[0];
      if (!clip) throw new Error('The run has no stored validation clip.');
      const S = m.model.config.backbone.inputSize;
      const frames = await storedClipFrames(clip.itemId, clip.key, clip.frames, S);
      const result = await predictFrames(m.model, frames, clip.frames);
      setShown({ result, what: `stored clip ${clip.key}`, stored: clip, faces: [] });
    });

  const predictMedia = (files: FileList | null) =>
    act('preprocessing and predicting', async () => {
      const m = modelRef.current;
      const file = files?.[0];
      if (!file) return;
      if (!m) throw new Error('Load a model first.');
      const frames = modelRun?.config.data.framesPerClip ?? 8;
      const clip = await mediaClip(file, frames, m.model.config.backbone.inputSize);
      const result = await predictFrames(m.model, clip.frames, clip.frameIds);
      setShown({
        result,
        what: clipFramesNote({
          name: file.name,
          sampled: clip.report.sampled,
          withFace: clip.report.kept,
          used: clip.frames.length,
          perClip: frames,
        }),
        stored: null,
        faces: clip.faces,
      });
    });

  const maxDiff =
    shown?.stored != null
      ? Math.max(...shown.result.probs.map((p, i) => Math.abs(p - (shown.stored?.probs[i] ?? NaN))))
      : null;

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
              onChange={(e) => {
                setRunId(e.target.value);
                setPhase(null);
              }}
            >
              {runs.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>{' '}
          <label>
            phase{' '}
            <select
              data-testid="inference.phase"
              value={chosenPhase?.index ?? ''}
              onChange={(e) => setPhase(Number(e.target.value))}
            >
              {finished.map((p) => (
                <option key={p.index} value={p.index}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>{' '}
          <button
            type="button"
            data-testid="inference.loadStored"
            disabled={busy !== null || !chosenPhase}
            onClick={() => void loadStored()}
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
              disabled={busy !== null}
              onChange={(e) => {
                void importFiles(e.target.files);
                e.target.value = '';
              }}
            />
          </label>
        </div>
        {loaded ? (
          <p data-testid="inference.model" data-source={loaded.source}>
            Loaded: <strong>{loaded.source}</strong>, ResNet-{loaded.config.backbone.depth},{' '}
            {loaded.config.backbone.regions} region(s), {loaded.config.backbone.inputSize} px,{' '}
            {numClasses} classes, {paramCounts(loaded.config).total.toLocaleString()} parameters
          </p>
        ) : (
          <p className="muted">No model loaded.</p>
        )}
      </fieldset>

      <fieldset disabled={!loaded || busy !== null}>
        <legend>Input</legend>
        {storedClips.length > 0 && (
          <div className="row">
            <label>
              A validation clip of the run{' '}
              <select
                data-testid="inference.clip"
                value={clipKey || (storedClips[0]?.key ?? '')}
                onChange={(e) => setClipKey(e.target.value)}
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
              onClick={() => void predictStored()}
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
                void predictMedia(e.target.files);
                e.target.value = '';
              }}
            />
          </label>
        </div>
      </fieldset>

      {busy && <p data-testid="inference.busy">{busy}…</p>}
      {error && (
        <p className="error" role="alert" data-testid="inference.error">
          {error}
        </p>
      )}

      {shown && (
        <div
          className="inference-result"
          data-testid="inference.result"
          data-source={shown.stored ? 'stored' : 'media'}
        >
          <h3>
            Prediction for {shown.what}:{' '}
            <strong data-testid="inference.predicted" data-index={shown.result.predicted}>
              {classNames[shown.result.predicted] ?? shown.result.predicted}
            </strong>
          </h3>
          <p className="muted">
            {shown.result.frames.length} frame(s), {shown.result.ms.toFixed(0)} ms on{' '}
            {shown.result.backend}
            {maxDiff !== null && (
              <>
                {' '}
                · stored prediction: {classNames[shown.stored?.predicted ?? 0]}, largest probability
                difference{' '}
                <span data-testid="inference.maxDiff" data-value={maxDiff}>
                  {maxDiff.toExponential(2)}
                </span>
              </>
            )}
          </p>
          <table>
            <thead>
              <tr>
                <th>class</th>
                <th>probability</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {shown.result.probs.map((p, i) => (
                <tr key={i} data-testid="inference.prob" data-class={i} data-value={p}>
                  <td>{classNames[i]}</td>
                  <td>{(100 * p).toFixed(2)}%</td>
                  <td>
                    <div
                      style={{
                        width: `${Math.round(200 * p)}px`,
                        height: 10,
                        background: 'var(--chart-1)',
                      }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h4>Frames: frame attention (Eq. 6) and region weights (Eq. 4)</h4>
          <table>
            <thead>
              <tr>
                <th>frame</th>
                {shown.faces.length > 0 && <th>face</th>}
                <th>frame weight</th>
                {shown.result.regionWeights.length > 0 &&
                  REGION_NAMES.map((r) => <th key={r}>{r}</th>)}
              </tr>
            </thead>
            <tbody>
              {shown.result.frameWeights.map((w, t) => (
                <tr key={t} data-testid="inference.frame" data-weight={w}>
                  <td>{shown.result.frames[t]}</td>
                  {shown.faces.length > 0 && (
                    <td>{shown.faces[t] && <FaceThumb blob={shown.faces[t]} />}</td>
                  )}
                  <td>
                    {w.toFixed(3)}{' '}
                    <span
                      style={{
                        display: 'inline-block',
                        width: `${Math.round(120 * w)}px`,
                        height: 8,
                        background: 'var(--chart-2)',
                      }}
                    />
                  </td>
                  {(shown.result.regionWeights[t] ?? []).map((r, g) => (
                    <td key={g} data-testid="inference.region" data-value={r}>
                      {r.toFixed(3)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
