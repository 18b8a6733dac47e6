/** Loss, accuracy and learning rate per epoch of every phase of a run (recharts), from the stored record. */
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { RunRecord } from '../../train/run/record';
import { percentAxis, tooltipValue, valueAxis } from '../results/chartParts';

interface Point {
  step: number;
  label: string;
  trainLoss: number;
  valLoss: number;
  trainAccuracy: number;
  valAccuracy: number;
  learningRate: number;
}

/** One point per epoch, phases one after another on the x axis. */
export function curvePoints(run: RunRecord): Point[] {
  const out: Point[] = [];
  for (const phase of run.phases)
    for (const e of phase.epochs)
      out.push({
        step: out.length + 1,
        label: `${phase.name} e${e.epoch + 1}`,
        trainLoss: e.trainLoss,
        valLoss: e.valLoss,
        trainAccuracy: e.trainAccuracy,
        valAccuracy: e.valAccuracy,
        learningRate: e.learningRate,
      });
  return out;
}

export function TrainingCurves({ run }: { run: RunRecord }) {
  const data = curvePoints(run);
  if (data.length === 0) return <p>No epoch finished yet.</p>;
  const stepAxis = {
    dataKey: 'step',
    ...valueAxis(
      data.map((d) => d.step),
      'count',
      { pad: 0 },
      { count: 6, integer: true },
    ),
  };
  // Linear, from 0: a cosine schedule ends at 0, which a log axis cannot show (the line ran
  // below the axis).
  const lrAxis = valueAxis(
    data.map((d) => d.learningRate),
    'lr',
    { includeZero: true, pad: 0.05 },
    { count: 4 },
  );
  return (
    <div className="curves" data-testid="train.curves" data-points={data.length}>
      <LineChart width={460} height={220} data={data}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis {...stepAxis} />
        <YAxis
          {...valueAxis(
            data.flatMap((d) => [d.trainLoss, d.valLoss]),
            'none',
            { includeZero: true, pad: 0.05 },
          )}
          width={44}
        />
        <Tooltip labelFormatter={(_, p) => (p[0]?.payload as Point | undefined)?.label ?? ''} />
        <Legend />
        <Line
          type="monotone"
          dataKey="trainLoss"
          name="train loss"
          stroke="var(--chart-1)"
          dot={false}
          isAnimationActive={false}
        />
        <Line
          type="monotone"
          dataKey="valLoss"
          name="val loss"
          stroke="var(--chart-2)"
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
      <LineChart width={460} height={220} data={data}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis {...stepAxis} />
        <YAxis {...percentAxis(0.25, 0.03)} width={44} />
        <Tooltip
          formatter={tooltipValue('percent')}
          labelFormatter={(_, p) => (p[0]?.payload as Point | undefined)?.label ?? ''}
        />
        <Legend />
        <Line
          type="monotone"
          dataKey="trainAccuracy"
          name="train accuracy"
          stroke="var(--chart-1)"
          dot={false}
          isAnimationActive={false}
        />
        <Line
          type="monotone"
          dataKey="valAccuracy"
          name="val accuracy"
          stroke="var(--chart-2)"
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
      <LineChart width={460} height={160} data={data}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis {...stepAxis} />
        <YAxis {...lrAxis} width={52} />
        <Tooltip labelFormatter={(_, p) => (p[0]?.payload as Point | undefined)?.label ?? ''} />
        <Legend />
        <Line
          type="stepAfter"
          dataKey="learningRate"
          name="learning rate"
          stroke="var(--chart-3)"
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
    </div>
  );
}
