/**
 * Channel attention (Eq. 4): the face / eyes / mouth weights per fed frame of the chosen clip,
 * and averaged per true class over the phase's validation predictions (each clip's frames
 * averaged first), so "mouth matters for happy" can be checked.
 */
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { ClipPrediction } from '../../train/run/record';
import { REGION_NAMES, regionWeightsByClass } from '../../visualise/attention';
import { categoryAxis, percentAxis, tooltipValue, TOP_LEGEND } from './chartParts';

export const REGION_COLOURS = ['var(--chart-1)', 'var(--chart-3)', 'var(--chart-4)'] as const;

const f3 = (x: number): string => x.toFixed(3);

export function ChannelAttentionByClass({
  predictions,
  classes,
}: {
  predictions: readonly ClipPrediction[];
  classes: readonly string[];
}) {
  const r = regionWeightsByClass(predictions, classes.length);
  if (r.regions === 0)
    return (
      <section className="results-section" data-testid="results.channelClass">
        <h3>Channel attention per class</h3>
        <p>This model has no channel attention (its regions are averaged).</p>
      </section>
    );
  const names = REGION_NAMES.slice(0, r.regions);
  const data = classes.map((c, k) => {
    const row: Record<string, string | number> = { className: c, clips: r.clips[k] ?? 0 };
    names.forEach((n, g) => (row[n] = r.mean[k]?.[g] ?? 0));
    return row;
  });
  return (
    <section className="results-section" data-testid="results.channelClass">
      <h3>Channel attention per true class (validation)</h3>
      <div
        data-testid="results.channelClass.chart"
        data-means={JSON.stringify(r.mean)}
        data-clips={JSON.stringify(r.clips)}
        data-title="Channel attention per true class"
      >
        <BarChart width={520} height={250} data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="className" {...categoryAxis(classes, 520)} />
          <YAxis {...percentAxis()} width={44} allowDataOverflow />
          <Tooltip formatter={tooltipValue('percent')} />
          <Legend {...TOP_LEGEND} />
          {names.map((n, g) => (
            <Bar
              key={n}
              dataKey={n}
              stackId="w"
              fill={REGION_COLOURS[g] ?? 'var(--chart-muted)'}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </div>
      <table className="results-numbers" data-testid="results.channelClass.table">
        <thead>
          <tr>
            <th scope="col">class</th>
            <th scope="col">clips</th>
            {names.map((n) => (
              <th key={n} scope="col">
                {n}
              </th>
            ))}
            <th scope="col">largest</th>
          </tr>
        </thead>
        <tbody>
          {classes.map((c, k) => {
            const m = r.mean[k];
            const top = m ? m.indexOf(Math.max(...m)) : -1;
            return (
              <tr key={c} data-testid="results.channelClass.row" data-class={k}>
                <th scope="row">{c}</th>
                <td>{r.clips[k] ?? 0}</td>
                {names.map((n, g) => (
                  <td key={n} data-region={n} data-value={m?.[g] ?? ''}>
                    {m ? f3(m[g] ?? 0) : '—'}
                  </td>
                ))}
                <td>{top >= 0 ? names[top] : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

export function ChannelAttentionFrames({
  prediction,
  selected,
}: {
  prediction: ClipPrediction;
  selected: number;
}) {
  const rows = prediction.regionWeights;
  const regions = rows[0]?.length ?? 0;
  if (regions === 0)
    return <p data-testid="results.channelFrames">No channel attention in this model.</p>;
  const names = REGION_NAMES.slice(0, regions);
  const data = rows.map((w, t) => {
    const row: Record<string, number> = { frame: prediction.frames[t] ?? t };
    names.forEach((n, g) => (row[n] = w[g] ?? 0));
    return row;
  });
  return (
    <div
      data-testid="results.channelFrames.chart"
      data-weights={JSON.stringify(rows)}
      data-selected={selected}
      data-title="Region weights per frame"
    >
      <h4>Region weights per frame (x: stored frame index)</h4>
      <BarChart width={420} height={220} data={data}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis
          dataKey="frame"
          {...categoryAxis(
            data.map((d) => String(d.frame)),
            420,
          )}
        />
        <YAxis {...percentAxis()} width={44} allowDataOverflow />
        <Tooltip formatter={tooltipValue('percent')} />
        <Legend {...TOP_LEGEND} />
        {names.map((n, g) => (
          <Bar
            key={n}
            dataKey={n}
            stackId="w"
            fill={REGION_COLOURS[g] ?? 'var(--chart-muted)'}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </div>
  );
}
