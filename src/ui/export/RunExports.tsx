import type { RunRecord } from '../../train/run/record';

/**
 * Export buttons for one run: weights of a phase, the run record, per-clip predictions and
 * pseudo-labels as CSV, charts as SVG/PNG and a one-file HTML report. The Results tab renders it.
 */
export function RunExports({ run }: { run: RunRecord }) {
  return (
    <section className="run-exports" data-testid="export.panel" aria-label="Exports">
      <h3>Export “{run.name}”</h3>
      <p className="muted">Exports are being added.</p>
    </section>
  );
}
