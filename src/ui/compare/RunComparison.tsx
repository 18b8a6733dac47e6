/**
 * Every stored run side by side (the Table 2 ablation ladder fills it) and accuracy against
 * cost (paper Fig. 7). Our runs are measured here; the paper's peers (src/model/flops.ts) are
 * plotted as reported, not measured. Picking a run shows its exports. Below the table, the
 * paper's claims over all the stored runs, paired by seed (ClaimsTable).
 */
import { useEffect, useState } from 'react';
import {
  CartesianGrid,
  Legend,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  ZAxis,
} from 'recharts';
import { comparisonRows, type ComparisonRow } from '../../export/compare';
import { validateModelConfig } from '../../model/config';
import { modelFlops, PAPER_OUR_MODEL, PAPER_PEERS } from '../../model/flops';
import { RunExports } from '../export/RunExports';
import { useRunsStore } from '../runs/runsStore';
import { ClaimsTable } from './ClaimsTable';
import { TOP_LEGEND } from '../results/chartParts';
import { formatTick, formatValue, logTicks, niceScale, paddedDomain } from '../../visualise/ticks';

/** Fig. 7's axes: log ticks (1, 2, 5 per decade) over padded x, nice percent ticks for y. */
function fig7Axes(all: readonly Point[]) {
  const x = logTicks(
    ...paddedDomain(
      all.map((p) => p.x),
      { log: true, pad: 0.06 },
    ),
  );
  const y = niceScale(
    all.map((p) => p.accuracy),
    { min: 0, max: 1, pad: 0.08 },
  );
  return { x, y };
}

const pct = (v: number | null): string => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);
const millions = (v: number): string => `${(v / 1e6).toFixed(v < 1e6 ? 3 : 2)} M`;
const giga = (v: number): string => `${(v / 1e9).toFixed(v < 1e9 ? 4 : 2)} G`;

interface Point {
  name: string;
  x: number;
  accuracy: number;
}

type Axis = 'flops' | 'params';

function points(rows: readonly ComparisonRow[], axis: Axis) {
  const measured: Point[] = rows
    .filter((r) => r.finalAccuracy !== null)
    .map((r) => ({
      name: r.name,
      x: axis === 'flops' ? r.flopsPerFrame / 1e9 : r.params / 1e6,
      accuracy: r.finalAccuracy ?? 0,
    }));
  const paperFrame = modelFlops(validateModelConfig({}), 1).perFrame / 1e9;
  const reported: Point[] =
    axis === 'flops'
      ? [
          ...PAPER_PEERS.filter((p) => p.gflopsPerFrame !== null).map((p) => ({
            name: `${p.name} (${p.backbone})`,
            x: p.gflopsPerFrame ?? 0,
            accuracy: p.accuracy,
          })),
          { name: 'Paper: ours', x: paperFrame, accuracy: PAPER_OUR_MODEL.accuracyIterated },
        ]
      : [
          {
            name: 'Paper: ours (stated 25 M)',
            x: PAPER_OUR_MODEL.statedParams / 1e6,
            accuracy: PAPER_OUR_MODEL.accuracyIterated,
          },
        ];
  return { measured, reported };
}

export function RunComparison() {
  const runs = useRunsStore((r) => (r.loaded ? r.runs : null));
  const error = useRunsStore((r) => r.error);
  const refresh = useRunsStore((r) => r.refresh);
  const [axis, setAxis] = useState<Axis>('flops');
  const [selected, setSelected] = useState<string | null>(null);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  if (error) return <p className="error">{error}</p>;
  if (!runs) return <section data-testid="compare.panel">Loading runs…</section>;
  const rows = comparisonRows(runs);
  const { measured, reported } = points(rows, axis);
  const run = runs.find((r) => r.id === selected);
  const axes = fig7Axes([...measured, ...reported]);
  const xUnit = axis === 'flops' ? 'gflops' : 'mparams';
  return (
    <section className="run-comparison" data-testid="compare.panel">
      <h2>Runs</h2>
      <p>
        {rows.length} stored run(s). Accuracy and macro-F1 are on each run&apos;s validation split
        (best epoch); params and FLOPs are computed from the final phase&apos;s model config.{' '}
        <button type="button" data-testid="compare.refresh" onClick={() => void refresh()}>
          Refresh
        </button>
      </p>
      <table className="compare-table" data-testid="compare.table">
        <thead>
          <tr>
            <th>run</th>
            <th>status</th>
            <th>variant (Table 2)</th>
            <th>model</th>
            <th>seed</th>
            <th>teacher acc.</th>
            <th>final acc.</th>
            <th>final macro-F1</th>
            <th>params</th>
            <th>FLOPs / clip</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.id}
              data-testid="compare.row"
              data-run-id={r.id}
              className={r.id === selected ? 'selected' : undefined}
            >
              <td>
                <button
                  type="button"
                  className="link"
                  data-testid="compare.select"
                  onClick={() => setSelected(r.id === selected ? null : r.id)}
                >
                  {r.name}
                </button>
              </td>
              <td>{r.status}</td>
              <td>{r.variant}</td>
              <td>{r.model}</td>
              <td data-testid="compare.seed">{r.seed}</td>
              <td data-testid="compare.teacher" data-value={r.teacherAccuracy ?? ''}>
                {pct(r.teacherAccuracy)}
              </td>
              <td
                data-testid="compare.final"
                data-value={r.finalAccuracy ?? ''}
                title={r.finalPhase ?? ''}
              >
                {pct(r.finalAccuracy)}
              </td>
              <td data-testid="compare.f1" data-value={r.finalMacroF1 ?? ''}>
                {pct(r.finalMacroF1)}
              </td>
              <td data-testid="compare.params" data-value={r.params}>
                {millions(r.params)}
              </td>
              <td
                data-testid="compare.flops"
                data-value={r.flopsPerClip}
                title={`${r.frames} frames x ${giga(r.flopsPerFrame)} per frame + clip head`}
              >
                {giga(r.flopsPerClip)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <ClaimsTable runs={runs} />

      <h3>Accuracy vs {axis === 'flops' ? 'FLOPs per frame' : 'parameters'} (Fig. 7)</h3>
      <label>
        x axis{' '}
        <select
          data-testid="compare.axis"
          value={axis}
          onChange={(e) => setAxis(e.target.value as Axis)}
        >
          <option value="flops">GFLOPs per frame</option>
          <option value="params">parameters (millions)</option>
        </select>
      </label>
      <p className="muted">
        Grey points are reported, not measured: the paper&apos;s AFEW 8.0 accuracies (Table 1) with
        backbone FLOPs at 224 x 224 (src/model/flops.ts). Our runs are measured on this app&apos;s
        data, so the two are not the same benchmark.
      </p>
      <div
        data-testid="compare.chart"
        aria-label={`Accuracy vs ${axis === 'flops' ? 'GFLOPs per frame' : 'parameters'}`}
        data-measured={measured.length}
        data-reported={reported.length}
      >
        <ScatterChart
          width={640}
          height={340}
          margin={{ top: 10, right: 24, bottom: 30, left: 16 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="x"
            scale="log"
            domain={axes.x.domain}
            ticks={axes.x.ticks}
            interval={0}
            tickFormatter={(v: number) => formatTick(v)}
            tick={{ fontSize: 11 }}
            name={axis === 'flops' ? 'GFLOPs per frame' : 'parameters (M)'}
            label={{
              value: axis === 'flops' ? 'GFLOPs per frame (log scale)' : 'M parameters (log scale)',
              position: 'insideBottom',
              offset: -18,
              fontSize: 12,
            }}
          />
          <YAxis
            type="number"
            dataKey="accuracy"
            domain={axes.y.domain}
            ticks={axes.y.ticks}
            interval={0}
            tickFormatter={(v: number) => formatTick(v, 'percent', axes.y.step)}
            tick={{ fontSize: 11 }}
            name="validation accuracy"
            label={{
              value: 'validation accuracy',
              angle: -90,
              position: 'insideLeft',
              dy: 50,
              fontSize: 12,
            }}
          />
          <ZAxis range={[60, 60]} />
          <Tooltip
            formatter={(v, name) =>
              typeof v !== 'number'
                ? String(v)
                : name === 'validation accuracy'
                  ? formatValue(v, 'percent')
                  : formatValue(v, xUnit)
            }
            labelFormatter={() => ''}
          />
          <Legend {...TOP_LEGEND} />
          <Scatter
            name="this app's runs (measured)"
            data={measured}
            fill="var(--chart-2)"
            isAnimationActive={false}
          />
          <Scatter
            name="paper (reported, not measured)"
            data={reported}
            fill="var(--chart-muted)"
            isAnimationActive={false}
          />
        </ScatterChart>
      </div>
      <ul className="muted" data-testid="compare.reported">
        {reported.map((p) => (
          <li key={p.name}>
            {p.name}: {pct(p.accuracy)} at {p.x.toFixed(2)} {axis === 'flops' ? 'GFLOPs' : 'M'}{' '}
            (reported, not measured)
          </li>
        ))}
      </ul>
      {run && <RunExports run={run} />}
    </section>
  );
}
