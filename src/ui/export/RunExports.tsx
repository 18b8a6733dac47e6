/**
 * Export buttons for one run (issue #6): a phase's trained weights in the documented format
 * (one .zip: model.json + shards), the run record JSON, per-clip predictions and pseudo-labels
 * as CSV, every chart on the page as SVG or PNG, and a one-file HTML report. Everything is
 * built from the stored record (and the stored phase model) by src/export/*.
 */
import { useEffect, useState } from 'react';
import { findCharts, serialiseSvg, type PageChart } from '../../export/charts';
import { downloadBlob, safeFileName } from '../../export/download';
import { runReportHtml } from '../../export/html';
import { predictionsCsv, pseudoLabelsCsv } from '../../export/tables';
import { phaseModelZip } from '../../export/weights';
import { pickPhase } from '../../runs/phases';
import type { RunRecord } from '../../train/run/record';
import { PhaseSelect } from '../runs/PhaseSelect';
import { useRunsStore } from '../runs/runsStore';
import { ChartExports } from './ChartExports';

function usePageCharts(): PageChart[] {
  const [charts, setCharts] = useState<PageChart[]>([]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const scan = (): void => {
      const found = findCharts(document);
      setCharts((old) =>
        old.length === found.length && old.every((c, i) => c.svg === found[i]?.svg) ? old : found,
      );
    };
    scan();
    const observer = new MutationObserver(() => {
      clearTimeout(timer);
      timer = setTimeout(scan, 200);
    });
    observer.observe(document.body, { childList: true, subtree: true });
    return () => {
      observer.disconnect();
      clearTimeout(timer);
    };
  }, []);
  return charts;
}

export function RunExports({ run }: { run: RunRecord }) {
  const [phase, setPhase] = useState<number | null>(null);
  const phaseModel = useRunsStore((s) => s.phaseModel);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const charts = usePageCharts();
  // The phase picked, else the best on validation (issue 17 item 10).
  const chosen = pickPhase(run, phase);
  const base = safeFileName(run.name);

  const act = async (what: () => Promise<void> | void): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const exportWeights = () =>
    act(async () => {
      if (!chosen) throw new Error('No finished phase has a stored model yet.');
      const rec = await phaseModel(run, chosen.index);
      const zip = await phaseModelZip(rec);
      downloadBlob(`${base}-${safeFileName(chosen.name)}-weights.zip`, zip, 'application/zip');
    });

  const pageCharts = (): { title: string; svg: string }[] =>
    charts.map((c) => ({
      title: c.title,
      svg: serialiseSvg(c.svg).text.replace(/^<\?xml[^>]*>\s*/, ''),
    }));

  return (
    <section className="run-exports" data-testid="export.panel" aria-label="Exports">
      <h3>Export</h3>
      <div className="row">
        <PhaseSelect run={run} value={phase} onChange={setPhase} testId="export.phase" />{' '}
        <button
          type="button"
          data-testid="export.weights"
          disabled={busy || !chosen}
          onClick={() => void exportWeights()}
          title="model.json + shards (docs/weights-format.md), zipped"
        >
          Weights (.zip)
        </button>
      </div>
      <div className="row">
        <button
          type="button"
          data-testid="export.record"
          disabled={busy}
          onClick={() =>
            void act(() =>
              downloadBlob(`${base}-run.json`, JSON.stringify(run, null, 1), 'application/json'),
            )
          }
        >
          Run record (JSON)
        </button>{' '}
        <button
          type="button"
          data-testid="export.predictions"
          disabled={busy}
          onClick={() =>
            void act(() =>
              downloadBlob(
                `${base}-predictions.csv`,
                predictionsCsv(run),
                'text/csv;charset=utf-8',
              ),
            )
          }
        >
          Predictions (CSV)
        </button>{' '}
        <button
          type="button"
          data-testid="export.pseudo"
          disabled={busy || !run.phases.some((p) => p.pseudoLabels)}
          onClick={() =>
            void act(() =>
              downloadBlob(
                `${base}-pseudo-labels.csv`,
                pseudoLabelsCsv(run),
                'text/csv;charset=utf-8',
              ),
            )
          }
        >
          Pseudo-labels (CSV)
        </button>{' '}
        <button
          type="button"
          data-testid="export.report"
          disabled={busy}
          onClick={() =>
            void act(() =>
              downloadBlob(
                `${base}-report.html`,
                runReportHtml(run, { charts: pageCharts() }),
                'text/html;charset=utf-8',
              ),
            )
          }
        >
          Report (HTML)
        </button>
      </div>
      <ChartExports charts={charts} run={run} phase={chosen?.name ?? null} act={act} />
      {error && (
        <p className="error" role="alert" data-testid="export.error">
          {error}
        </p>
      )}
    </section>
  );
}
