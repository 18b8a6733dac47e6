/**
 * The paper's Fig. 6 from a run record: validation accuracy (and macro-F1) of the teacher and
 * each student per iteration, per-class recall per iteration, and a student's pseudo-labels per
 * class before and after balancing.
 */
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { RunRecord } from '../../train/run/record';
import { iterationSeries, perClassRecallSeries, pseudoLabelRows } from '../../visualise/series';
import { categoryAxis, percentAxis, tooltipValue, valueAxis, TOP_LEGEND } from './chartParts';

const PALETTE = [
  'var(--chart-1)',
  'var(--chart-2)',
  'var(--chart-3)',
  'var(--chart-4)',
  'var(--chart-5)',
  'var(--chart-6)',
  'var(--chart-7)',
];

export function NoisyStudentCharts({ run }: { run: RunRecord }) {
  const series = iterationSeries(run);
  const recall = perClassRecallSeries(run);
  const students = run.phases.filter((p) => p.kind === 'student' && p.pseudoLabels);
  if (series.length === 0) return null;
  const iterations = series.map((p) => p.iteration);
  // Whole iterations as ticks; the domain reaches a third of a step past the ends, so the
  // first and last points are not cut by the plot's edge.
  const iterationAxis = {
    dataKey: 'iteration',
    type: 'number' as const,
    domain: [Math.min(...iterations) - 0.3, Math.max(...iterations) + 0.3],
    ticks: iterations,
    interval: 0 as const,
    tick: { fontSize: 11 },
    label: { value: 'iteration (0 = teacher)', position: 'insideBottom' as const, fontSize: 12 },
    height: 40,
  };
  const recallData = recall.map((r) => {
    const row: Record<string, number> = { iteration: r.iteration };
    run.classes.forEach((c, k) => (row[c] = r.recall[k] ?? 0));
    return row;
  });
  return (
    <section className="results-section" data-testid="results.ns">
      <h3>Noisy student (Fig. 6)</h3>
      <div className="results-side-by-side">
        <div
          data-testid="results.ns.accuracy.chart"
          data-accuracy={JSON.stringify(series.map((p) => p.accuracy))}
          data-f1={JSON.stringify(series.map((p) => p.macroF1))}
          data-iterations={JSON.stringify(iterations)}
          data-title="Validation accuracy per iteration"
        >
          <h4>Validation accuracy per iteration (0 = teacher)</h4>
          <LineChart width={360} height={220} data={series}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis {...iterationAxis} />
            <YAxis {...percentAxis(0.25, 0.03)} width={44} />
            <Tooltip formatter={tooltipValue('percent')} />
            <Legend {...TOP_LEGEND} />
            <Line
              dataKey="accuracy"
              stroke="var(--chart-2)"
              isAnimationActive={false}
              name="accuracy"
            />
            <Line
              dataKey="macroF1"
              stroke="var(--chart-1)"
              isAnimationActive={false}
              name="macro-F1"
            />
          </LineChart>
        </div>
        <div
          data-testid="results.ns.recall.chart"
          data-recall={JSON.stringify(recall.map((r) => r.recall))}
          data-title="Per-class recall per iteration"
        >
          <h4>Per-class accuracy (recall) per iteration</h4>
          <LineChart width={420} height={240} data={recallData}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis {...iterationAxis} />
            <YAxis {...percentAxis(0.25, 0.03)} width={44} />
            <Tooltip formatter={tooltipValue('percent')} />
            <Legend {...TOP_LEGEND} />
            {run.classes.map((c, k) => (
              <Line
                key={c}
                dataKey={c}
                stroke={PALETTE[k % PALETTE.length] ?? 'var(--chart-muted)'}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </div>
      </div>
      {students.length === 0 && <p>No student phase: nothing was pseudo-labelled.</p>}
      <div className="results-side-by-side">
        {students.map((p) => {
          const rows = pseudoLabelRows(run, p);
          return (
            <div
              key={p.index}
              data-testid={`results.ns.pseudo.phase${p.index}.chart`}
              data-phase={p.index}
              data-before={JSON.stringify(rows.map((r) => r.before))}
              data-after={JSON.stringify(rows.map((r) => r.after))}
              data-title={`Pseudo-labels per class, ${p.name}`}
            >
              <h4>{p.name}: pseudo-labels per class, before and after balancing</h4>
              <BarChart width={420} height={240} data={rows}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="className" {...categoryAxis(run.classes, 420)} />
                <YAxis
                  {...valueAxis(
                    rows.flatMap((r) => [r.before, r.after]),
                    'count',
                    { includeZero: true, pad: 0.05 },
                    { count: 5, integer: true },
                  )}
                  width={44}
                  label={{ value: 'clips', angle: -90, position: 'insideLeft', dy: 16 }}
                />
                <Tooltip />
                <Legend {...TOP_LEGEND} />
                <Bar dataKey="before" fill="var(--chart-muted)" isAnimationActive={false} />
                <Bar dataKey="after" fill="var(--chart-1)" isAnimationActive={false} />
              </BarChart>
            </div>
          );
        })}
      </div>
    </section>
  );
}
