/**
 * The one phase picker (Results, Export, Inference, Compare): the run's phases with a
 * validation result, the best on validation marked "(best on validation)" and picked when the
 * caller has no choice yet (`value` null; src/runs/phases.ts).
 */
import { phaseLabel, pickPhase, selectablePhases } from '../../runs/phases';
import type { RunRecord } from '../../train/run/record';

export function PhaseSelect({
  run,
  value,
  onChange,
  testId,
  label = 'Phase',
  disabled = false,
}: {
  run: RunRecord | null;
  /** The picked phase index; null = the default (the best). */
  value: number | null;
  onChange: (phase: number) => void;
  testId: string;
  label?: string;
  disabled?: boolean;
}) {
  const phases = run ? selectablePhases(run) : [];
  const chosen = run ? pickPhase(run, value) : null;
  return (
    <label>
      {label}{' '}
      <select
        data-testid={testId}
        value={chosen?.index ?? ''}
        data-best={run ? (pickPhase(run, null)?.index ?? '') : ''}
        disabled={disabled || phases.length === 0}
        onChange={(e) => onChange(Number(e.target.value))}
      >
        {run &&
          phases.map((p) => (
            <option key={p.index} value={p.index}>
              {phaseLabel(run, p)}
            </option>
          ))}
      </select>
    </label>
  );
}
