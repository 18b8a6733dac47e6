/**
 * The page's charts as files (issue 17 items 1 and 3): each chart as SVG or PNG, in the
 * current theme or the print theme (white background, black text), at screen size or at a
 * printed width in mm (PNG at the chosen dpi, with pHYs); the run, seed, phase and chart are in
 * the file name and in the file's metadata (src/export/figure.ts).
 */
import { useState } from 'react';
import { type PageChart, serialiseSvg, svgToPng } from '../../export/charts';
import type { ExportTheme } from '../../export/chartTheme';
import { downloadBlob } from '../../export/download';
import {
  DEFAULT_FIGURE,
  figureFileName,
  type FigureMeta,
  pixelsFor,
  pngWithMetadata,
} from '../../export/figure';
import type { RunRecord } from '../../train/run/record';

/** CSS pixels per inch: a screen-size PNG at scale 2 is 192 dpi. */
const CSS_DPI = 96;

export function ChartExports({
  charts,
  run,
  phase,
  act,
}: {
  charts: readonly PageChart[];
  run: RunRecord;
  /** The phase the export panel has picked (caption data), or null. */
  phase: string | null;
  /** Runs an export, showing its error (RunExports' busy / error handling). */
  act: (what: () => Promise<void> | void) => Promise<void>;
}) {
  const [theme, setTheme] = useState<ExportTheme>('current');
  const [widthMm, setWidthMm] = useState<string>('');
  const [dpi, setDpi] = useState<number>(DEFAULT_FIGURE.dpi);
  if (charts.length === 0) return null;
  const mm = Number(widthMm) > 0 ? Number(widthMm) : undefined;
  const metaFor = (c: PageChart): FigureMeta => ({
    run: run.name,
    seed: Number.isFinite(run.config.seed) ? run.config.seed : null,
    phase,
    chart: c.title,
    created: new Date().toISOString(),
  });
  const svgFile = (c: PageChart) =>
    act(() => {
      const meta = metaFor(c);
      const s = serialiseSvg(c.svg, { theme, widthMm: mm, meta });
      downloadBlob(figureFileName(meta, 'svg', mm), s.text, 'image/svg+xml');
    });
  const pngFile = (c: PageChart) =>
    act(async () => {
      const meta = metaFor(c);
      const s = serialiseSvg(c.svg, { theme, meta });
      const scale = mm === undefined ? 2 : pixelsFor(mm, dpi) / s.width;
      const png = await svgToPng(s.text, s.width, s.height, scale);
      const bytes = new Uint8Array(await png.arrayBuffer());
      downloadBlob(
        figureFileName(meta, 'png', mm),
        pngWithMetadata(bytes, mm === undefined ? 2 * CSS_DPI : dpi, meta),
        'image/png',
      );
    });
  return (
    <div className="chart-exports" data-testid="export.charts.panel">
      <h4>Figures</h4>
      <div className="row">
        <label>
          Theme{' '}
          <select
            data-testid="export.chart.theme"
            value={theme}
            onChange={(e) => setTheme(e.target.value as ExportTheme)}
          >
            <option value="current">as shown</option>
            <option value="print">print (white, black text)</option>
          </select>
        </label>{' '}
        <label>
          Width (mm){' '}
          <input
            type="number"
            min={20}
            max={400}
            step={1}
            placeholder="screen size"
            data-testid="export.chart.width"
            value={widthMm}
            onChange={(e) => setWidthMm(e.target.value)}
            title="85 mm: one journal column; 170 mm: the full page width"
          />
        </label>{' '}
        <label>
          PNG resolution{' '}
          <select
            data-testid="export.chart.dpi"
            value={dpi}
            onChange={(e) => setDpi(Number(e.target.value))}
            disabled={mm === undefined}
          >
            <option value={150}>150 dpi</option>
            <option value={300}>300 dpi</option>
            <option value={600}>600 dpi</option>
          </select>
        </label>
      </div>
      <ul data-testid="export.charts">
        {charts.map((c, i) => (
          <li key={`${c.testId}-${i}`} data-chart={c.testId}>
            {c.title}{' '}
            <button type="button" data-testid="export.chart.svg" onClick={() => void svgFile(c)}>
              SVG
            </button>{' '}
            <button type="button" data-testid="export.chart.png" onClick={() => void pngFile(c)}>
              PNG
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
