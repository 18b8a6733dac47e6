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
          data-iterations={JSON.stringify(series.map((p) => p.iteration))}
        >
          <h4>Validation accuracy per iteration (0 = teacher)</h4>
          <LineChart width={360} height={200} data={series}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="iteration" allowDecimals={false} />
            <YAxis domain={[0, 1]} />
            <Tooltip />
            <Legend />
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
        >
          <h4>Per-class accuracy (recall) per iteration</h4>
          <LineChart width={420} height={200} data={recallData}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="iteration" allowDecimals={false} />
            <YAxis domain={[0, 1]} />
            <Tooltip />
            <Legend />
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
            >
              <h4>{p.name}: pseudo-labels per class, before and after balancing</h4>
              <BarChart width={420} height={200} data={rows}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="className" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend />
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
