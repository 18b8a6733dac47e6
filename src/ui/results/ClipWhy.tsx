/**
 * Why a clip got its prediction: the class distribution with the true label marked, beside the
 * clip's frame and channel attention.
 */
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { categoryAxis, colouredBar, percentAxis, tooltipValue } from './chartParts';
import type { ClipPrediction } from '../../train/run/record';
import { ChannelAttentionFrames } from './ChannelAttentionView';
import { FrameTimeline } from './FrameTimeline';

export function ClipWhy({
  prediction,
  classes,
  selected,
  onSelect,
}: {
  prediction: ClipPrediction;
  classes: readonly string[];
  selected: number;
  onSelect: (t: number) => void;
}) {
  const data = classes.map((c, k) => ({ className: c, k, p: prediction.probs[k] ?? 0 }));
  const truth = prediction.label === null ? null : (classes[prediction.label] ?? null);
  const right = prediction.label === prediction.predicted;
  return (
    <section className="results-section" data-testid="results.why" data-item-id={prediction.itemId}>
      <h3>
        Why: <code>{prediction.key}</code>
      </h3>
      <p>
        True label <strong data-testid="results.why.label">{truth ?? 'unknown'}</strong>, predicted{' '}
        <strong data-testid="results.why.predicted" className={right ? 'ok' : 'error'}>
          {classes[prediction.predicted] ?? prediction.predicted}
        </strong>{' '}
        ({(100 * (prediction.probs[prediction.predicted] ?? 0)).toFixed(1)}%)
      </p>
      <div className="results-side-by-side">
        <div
          data-testid="results.why.probs.chart"
          data-probs={JSON.stringify(prediction.probs)}
          data-title="Prediction distribution"
        >
          <h4>Prediction distribution</h4>
          <BarChart width={360} height={220} data={data}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="className" {...categoryAxis(classes, 360)} />
            <YAxis {...percentAxis()} width={44} />
            <Tooltip formatter={tooltipValue('percent')} />
            <Bar
              dataKey="p"
              name="probability"
              isAnimationActive={false}
              shape={colouredBar((k) =>
                k === prediction.label
                  ? 'var(--chart-3)'
                  : k === prediction.predicted
                    ? 'var(--chart-2)'
                    : 'var(--chart-1)',
              )}
            />
          </BarChart>
          <p className="muted">green: true class; red: a wrong prediction</p>
        </div>
        <ChannelAttentionFrames prediction={prediction} selected={selected} />
      </div>
      <FrameTimeline prediction={prediction} selected={selected} onSelect={onSelect} />
    </section>
  );
}
