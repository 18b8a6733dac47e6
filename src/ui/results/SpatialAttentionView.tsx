/**
 * Spatial attention (Eq. 1-2): for the chosen clip and frame, each used stage's map of each hop,
 * upsampled bilinearly and overlaid on the face / eyes / mouth crops. The maps are computed on
 * demand by the inference worker running the phase's stored best model on the clip
 * (src/inference/spatial.ts, through the inference store); the view also shows that this
 * recomputation reproduces the stored prediction. Render it with a key per (run, phase, clip):
 * the maps belong to one model and one clip.
 */
import { useEffect, useRef, useState } from 'react';
import { storedFrame } from '../../preprocess/api';
import type { ClipPrediction, PhaseRecord, RunRecord } from '../../train/run/record';
import { REGION_NAMES } from '../../visualise/attention';
import { heatColour, normaliseMap, sliceMap, upsampleBilinear } from '../../visualise/heatmap';
import { spatialKey, useInferenceStore } from '../inference/inferenceStore';

const SIZE = 128;
const ALPHA = 0.5;

function Overlay({
  crop,
  map,
  height,
  width,
  testId,
  attrs,
}: {
  crop: Blob | null;
  map: number[];
  height: number;
  width: number;
  testId: string;
  attrs: Record<string, string | number>;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const state = { cancelled: false };
    void (async () => {
      const canvas = ref.current;
      const ctx = canvas?.getContext('2d');
      if (!canvas || !ctx) return;
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, SIZE, SIZE);
      if (crop) {
        const bmp = await createImageBitmap(crop);
        if (state.cancelled) {
          bmp.close();
          return;
        }
        ctx.drawImage(bmp, 0, 0, SIZE, SIZE);
        bmp.close();
      }
      const heat = normaliseMap(upsampleBilinear(map, height, width, SIZE, SIZE));
      const img = ctx.getImageData(0, 0, SIZE, SIZE);
      for (let i = 0; i < heat.length; i++) {
        const [r, g, b] = heatColour(heat[i] ?? 0);
        const o = i * 4;
        img.data[o] = (1 - ALPHA) * (img.data[o] ?? 0) + ALPHA * r;
        img.data[o + 1] = (1 - ALPHA) * (img.data[o + 1] ?? 0) + ALPHA * g;
        img.data[o + 2] = (1 - ALPHA) * (img.data[o + 2] ?? 0) + ALPHA * b;
      }
      ctx.putImageData(img, 0, 0);
    })();
    return () => {
      state.cancelled = true;
    };
  }, [crop, map, height, width]);
  const sum = map.reduce((a, b) => a + b, 0);
  const argmax = map.indexOf(Math.max(...map));
  return (
    <canvas
      ref={ref}
      width={SIZE}
      height={SIZE}
      data-testid={testId}
      data-sum={sum}
      data-argmax={argmax}
      data-map={JSON.stringify(map)}
      {...Object.fromEntries(Object.entries(attrs).map(([k, v]) => [`data-${k}`, v]))}
    />
  );
}

const close = (a: readonly number[], b: readonly number[]): number =>
  a.length === b.length ? Math.max(0, ...a.map((v, i) => Math.abs(v - (b[i] ?? 0)))) : Infinity;

export function SpatialAttentionView({
  run,
  phase,
  prediction,
  selected,
}: {
  run: RunRecord;
  phase: PhaseRecord;
  prediction: ClipPrediction;
  selected: number;
}) {
  const key = spatialKey(run.id, phase.index, prediction.key);
  const spatial = useInferenceStore((s) => (s.spatial?.key === key ? s.spatial : null));
  const computeSpatial = useInferenceStore((s) => s.computeSpatial);
  const result = spatial?.result ?? null;
  const busy = spatial?.busy ?? false;
  const error = spatial?.error ?? null;
  const [stages, setStages] = useState<Set<number> | null>(null);
  const [hops, setHops] = useState<Set<number> | null>(null);
  const [crops, setCrops] = useState<Record<string, Blob> | null>(null);
  const frameIndex = result?.frames[selected] ?? prediction.frames[selected] ?? null;
  useEffect(() => {
    const state = { cancelled: false };
    if (frameIndex === null) return;
    void (async () => {
      const f = await storedFrame(prediction.itemId, frameIndex);
      if (!state.cancelled) setCrops(f ? { ...f.crops } : null);
    })();
    return () => {
      state.cancelled = true;
    };
  }, [prediction.itemId, frameIndex]);

  const compute = (): Promise<void> =>
    computeSpatial(run.id, phase.index, prediction.itemId, prediction.key);

  const noSpatial = phase.modelConfig.stagePooling !== 'spatialAttention';
  const allStages = result?.maps.map((m) => m.stage) ?? [];
  const allHops = result ? Array.from({ length: result.hops }, (_, h) => h) : [];
  const shownStages = allStages.filter((s) => stages?.has(s) ?? true);
  const shownHops = allHops.filter((h) => hops?.has(h) ?? true);
  const toggle = (set: Set<number> | null, all: number[], v: number): Set<number> => {
    const next = new Set(set ?? all);
    if (next.has(v)) next.delete(v);
    else next.add(v);
    return next;
  };
  return (
    <section className="results-section" data-testid="results.spatial">
      <h3>Spatial attention</h3>
      {noSpatial ? (
        <p>This model pools its stages by averaging: it has no spatial attention.</p>
      ) : (
        <>
          <p>
            <button
              type="button"
              disabled={busy}
              onClick={() => void compute()}
              data-testid="results.spatial.compute"
            >
              {busy ? 'Running the model…' : 'Compute attention maps for this clip'}
            </button>{' '}
            <span className="muted">
              runs {phase.name}&apos;s best model on the clip, as validation did
            </span>
          </p>
          {error && (
            <p className="error" role="alert" data-testid="results.spatial.error">
              {error}
            </p>
          )}
        </>
      )}
      {result && (
        <div
          data-testid="results.spatial.result"
          data-frames={JSON.stringify(result.frames)}
          data-frame-weights={JSON.stringify(result.frameWeights)}
          data-probs={JSON.stringify(result.probs)}
          data-region-weights={JSON.stringify(result.regionWeights)}
          data-tensors-before={result.tensorsBefore}
          data-tensors-after={result.tensorsAfter}
        >
          <p className="muted" data-testid="results.spatial.check">
            Recomputed: largest difference from the stored prediction{' '}
            {close(result.probs, prediction.probs).toExponential(1)} (probabilities),{' '}
            {close(result.frameWeights, prediction.frameWeights).toExponential(1)} (frame weights);
            tensors {result.tensorsBefore} before, {result.tensorsAfter} after.
          </p>
          <fieldset className="results-toggles">
            <legend>Stages</legend>
            {allStages.map((s) => (
              <label key={s}>
                <input
                  type="checkbox"
                  checked={stages?.has(s) ?? true}
                  data-testid="results.spatial.stage"
                  data-stage={s}
                  onChange={() => setStages(toggle(stages, allStages, s))}
                />{' '}
                conv{s + 1}_x
              </label>
            ))}
            <legend>Hops</legend>
            {allHops.map((h) => (
              <label key={h}>
                <input
                  type="checkbox"
                  checked={hops?.has(h) ?? true}
                  data-testid="results.spatial.hop"
                  data-hop={h}
                  onChange={() => setHops(toggle(hops, allHops, h))}
                />{' '}
                hop {h + 1}
              </label>
            ))}
          </fieldset>
          <p>
            Stored frame <strong>{frameIndex ?? '—'}</strong> (pick it on the frame timeline)
          </p>
          <table className="results-spatial-grid">
            <thead>
              <tr>
                <th scope="col">stage / hop</th>
                {REGION_NAMES.slice(0, result.regions).map((r) => (
                  <th key={r} scope="col">
                    {r}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {result.maps
                .filter((m) => shownStages.includes(m.stage))
                .flatMap((m) =>
                  shownHops.map((h) => (
                    <tr key={`${m.stage}-${h}`}>
                      <th scope="row">
                        conv{m.stage + 1}_x ({m.height}x{m.width}), hop {h + 1}
                      </th>
                      {REGION_NAMES.slice(0, result.regions).map((region, g) => (
                        <td key={region}>
                          <Overlay
                            crop={crops?.[region] ?? null}
                            map={sliceMap(
                              m.values,
                              {
                                frames: result.frames.length,
                                regions: result.regions,
                                hops: result.hops,
                                positions: m.height * m.width,
                              },
                              selected,
                              g,
                              h,
                            )}
                            height={m.height}
                            width={m.width}
                            testId="results.spatial.canvas"
                            attrs={{ stage: m.stage, hop: h, region, frame: frameIndex ?? -1 }}
                          />
                        </td>
                      ))}
                    </tr>
                  )),
                )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
