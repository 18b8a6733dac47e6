/** A confusion matrix (paper Fig. 5): counts and row-normalised percentages, with the metrics. */
import type { CSSProperties } from 'react';
import { rowNormalised } from '../../evaluate/metrics';
import type { EvaluationRecord } from '../../train/run/record';

export function ConfusionTable({
  ev,
  classes,
  testId,
}: {
  ev: EvaluationRecord;
  classes: readonly string[];
  testId: string;
}) {
  const pct = rowNormalised(ev.confusion);
  return (
    <figure className="confusion" data-testid={testId}>
      <table>
        <caption>
          Accuracy <span data-testid={`${testId}.accuracy`}>{(100 * ev.accuracy).toFixed(1)}%</span>
          , macro-F1 <span data-testid={`${testId}.f1`}>{(100 * ev.macroF1).toFixed(1)}%</span> on{' '}
          {ev.total} validation clips
        </caption>
        <thead>
          <tr>
            <th scope="col">true \ predicted</th>
            {classes.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
            <th scope="col">recall</th>
          </tr>
        </thead>
        <tbody>
          {ev.confusion.map((row, r) => (
            <tr key={classes[r] ?? r}>
              <th scope="row">{classes[r]}</th>
              {row.map((n, c) => (
                <td
                  key={c}
                  data-testid={`${testId}.cell`}
                  data-count={n}
                  className="heat"
                  style={{ '--heat-alpha': (pct[r]?.[c] ?? 0).toFixed(3) } as CSSProperties}
                >
                  {n}
                  <small> {(100 * (pct[r]?.[c] ?? 0)).toFixed(0)}%</small>
                </td>
              ))}
              <td>{(100 * (ev.perClass[r]?.recall ?? 0)).toFixed(0)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
