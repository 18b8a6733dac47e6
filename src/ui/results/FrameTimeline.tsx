/**
 * Frame attention (Eq. 6): the weights of the clip's fed frames as a timeline under a strip of
 * the frames' stored face crops; the frames above the uniform weight are highlighted, and the
 * slider (or a click) picks the frame the other views show.
 */
import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { categoryAxis, colouredBar, valueAxis } from './chartParts';
import { storedFrame } from '../../preprocess/api';
import type { ClipPrediction } from '../../train/run/record';
import { highlightCount, topFrames } from '../../visualise/attention';

/** Object URLs of the face crops of `frames`, revoked when the clip changes. */
function useFaceCrops(itemId: string, frames: readonly number[]): (string | null)[] {
  const [urls, setUrls] = useState<(string | null)[]>([]);
  const key = `${itemId}:${frames.join(',')}`;
  useEffect(() => {
    const state = { cancelled: false, made: [] as string[] };
    void (async () => {
      const blobs = await Promise.all(frames.map((f) => storedFrame(itemId, f)));
      if (state.cancelled) return;
      const out = blobs.map((stored) => (stored ? URL.createObjectURL(stored.crops.face) : null));
      state.made = out.filter((u): u is string => u !== null);
      setUrls(out);
    })();
    return () => {
      state.cancelled = true;
      for (const u of state.made) URL.revokeObjectURL(u);
    };
    // key stands for (itemId, frames)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return urls;
}

export function FrameTimeline({
  prediction,
  selected,
  onSelect,
}: {
  prediction: ClipPrediction;
  selected: number;
  onSelect: (t: number) => void;
}) {
  const { frames, frameWeights } = prediction;
  const urls = useFaceCrops(prediction.itemId, frames);
  const top = new Set(topFrames(frameWeights, highlightCount(frameWeights)));
  const data = frameWeights.map((w, t) => ({ t, frame: frames[t] ?? t, weight: w }));
  const n = frames.length;
  return (
    <div className="results-timeline" data-testid="results.frames">
      <h4>Frame attention</h4>
      <div className="results-strip" data-testid="results.frames.strip">
        {frames.map((f, t) => (
          <button
            key={`${f}-${t}`}
            type="button"
            className={`${top.has(t) ? 'top' : ''} ${t === selected ? 'selected' : ''}`}
            data-testid="results.frames.thumb"
            data-frame-index={f}
            data-weight={frameWeights[t] ?? 0}
            data-top={top.has(t) ? 'true' : 'false'}
            aria-pressed={t === selected}
            onClick={() => onSelect(t)}
            title={`frame ${f}: weight ${(frameWeights[t] ?? 0).toFixed(3)}`}
          >
            {urls[t] ? <img src={urls[t] ?? undefined} alt={`frame ${f}`} /> : <span>{f}</span>}
            <small>{(frameWeights[t] ?? 0).toFixed(2)}</small>
          </button>
        ))}
      </div>
      <div
        data-testid="results.frames.chart"
        data-weights={JSON.stringify(frameWeights)}
        data-frames={JSON.stringify(frames)}
        data-top={JSON.stringify([...top].sort((a, b) => a - b))}
        data-title="Frame attention weights"
      >
        <BarChart width={Math.max(240, 70 * n)} height={170} data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="frame"
            {...categoryAxis(
              data.map((d) => String(d.frame)),
              Math.max(240, 70 * n),
            )}
          />
          <YAxis
            {...valueAxis([...frameWeights, n > 0 ? 1 / n : 0], 'weight', {
              includeZero: true,
              pad: 0.08,
            })}
            width={44}
          />
          <Tooltip />
          {n > 0 && <ReferenceLine y={1 / n} stroke="var(--chart-muted)" strokeDasharray="4 4" />}
          <Bar
            dataKey="weight"
            isAnimationActive={false}
            onClick={(_, i) => onSelect(i)}
            shape={colouredBar((t) =>
              t === selected ? 'var(--chart-2)' : top.has(t) ? 'var(--chart-4)' : 'var(--chart-1)',
            )}
          />
        </BarChart>
      </div>
      <label>
        Frame{' '}
        <input
          type="range"
          min={0}
          max={Math.max(0, n - 1)}
          value={selected}
          data-testid="results.frames.scrub"
          onChange={(e) => onSelect(Number(e.target.value))}
        />{' '}
        <span data-testid="results.frames.current">
          stored frame {frames[selected] ?? '—'}, weight {(frameWeights[selected] ?? 0).toFixed(3)}
        </span>
      </label>
    </div>
  );
}
