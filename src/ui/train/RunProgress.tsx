/** Live progress of the training run: phase, epoch and batch bars, speed, ETA, memory. */
import type { TrainProgress } from '../../train/run/engine';

const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

function eta(sec: number | null): string {
  if (sec === null) return 'measuring…';
  if (sec < 90) return `${Math.round(sec)} s`;
  if (sec < 5400) return `${Math.round(sec / 60)} min`;
  return `${(sec / 3600).toFixed(1)} h`;
}

export function RunProgress({ p, onPause }: { p: TrainProgress; onPause: () => void }) {
  return (
    <section className="run-progress" data-testid="train.progress" aria-live="polite">
      <h3>
        {p.phaseName} ({p.phase + 1} of {p.phases}) — {p.stage}
      </h3>
      <label>
        Epoch {Math.min(p.epoch + 1, p.epochs)} of {p.epochs}
        <progress max={p.epochs} value={p.epoch} data-testid="train.epochBar" />
      </label>
      <label>
        Batch {p.batch} of {p.batches}
        <progress max={Math.max(p.batches, 1)} value={p.batch} data-testid="train.batchBar" />
      </label>
      <dl className="stats">
        <dt>Loss</dt>
        <dd data-testid="train.loss">{p.loss === null ? '—' : p.loss.toFixed(4)}</dd>
        <dt>Clips/s</dt>
        <dd data-testid="train.speed">{p.clipsPerSec === null ? '—' : p.clipsPerSec.toFixed(2)}</dd>
        <dt>Time left</dt>
        <dd data-testid="train.eta">{eta(p.etaSec)}</dd>
        <dt>Tensors</dt>
        <dd data-testid="train.tensors">{p.numTensors}</dd>
        <dt>Memory</dt>
        <dd>
          {mib(p.numBytes)}
          {p.gpuBytes !== null && ` (GPU ${mib(p.gpuBytes)})`}
        </dd>
      </dl>
      <button type="button" onClick={onPause} data-testid="train.pause">
        Pause
      </button>
    </section>
  );
}
