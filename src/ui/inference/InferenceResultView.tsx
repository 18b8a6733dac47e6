/**
 * One prediction of the Inference tab: the class distribution, and per fed frame its
 * frame-attention weight (Eq. 6) and face / eyes / mouth weights (Eq. 4); for a stored clip,
 * the largest difference from the stored prediction.
 */
import { useObjectUrl } from '../useObjectUrl';
import type { Shown } from './inferenceStore';

const REGION_NAMES = ['face', 'eyes', 'mouth'];

function FaceThumb({ blob }: { blob: Blob }) {
  const url = useObjectUrl(blob);
  return url ? <img src={url} width={48} height={48} alt="face crop" /> : null;
}

export function InferenceResultView({
  shown,
  classNames,
}: {
  shown: Shown;
  classNames: readonly string[];
}) {
  const maxDiff =
    shown.stored !== null
      ? Math.max(...shown.result.probs.map((p, i) => Math.abs(p - (shown.stored?.probs[i] ?? NaN))))
      : null;
  return (
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
            {shown.result.regionWeights.length > 0 && REGION_NAMES.map((r) => <th key={r}>{r}</th>)}
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
  );
}
