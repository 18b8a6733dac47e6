/**
 * The one-file HTML report of a run: what ran (config, environment), per phase the stored
 * metrics, the confusion matrices as tables, pseudo-label counts, and the curves as inline SVG.
 * Self-contained (no scripts, no external resources); every string that came from the user or
 * the record (run name, class names, messages, config values) is escaped.
 */
import type { PhaseRecord, RunRecord } from '../train/run/record';
import { escapeHtml } from './escape';
import { lineChartSvg } from './svgPlot';

export { escapeHtml };

const e = escapeHtml;
const pct = (v: number | null | undefined): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(100 * v).toFixed(2)}%`;
/** A cell showing `shown` and carrying the exact stored number (tests, re-reading). */
const num = (v: number | null | undefined, shown: string): string =>
  `<td data-value="${v === null || v === undefined ? '' : String(v)}">${e(shown)}</td>`;

function phaseMetricsTable(run: RunRecord): string {
  const rows = run.phases.map((p) => {
    const ev = p.evaluation;
    return `<tr data-phase="${p.index}"><td>${e(p.name)}</td><td>${e(p.kind)}</td>${num(p.epochs.length, `${p.epochs.length} / ${p.epochsPlanned}`)}${num(p.bestEpoch, p.bestEpoch === null ? '—' : String(p.bestEpoch + 1))}${num(p.data.train, String(p.data.train))}${num(p.data.val, String(p.data.val))}${num(p.data.pseudo, String(p.data.pseudo))}${num(ev?.accuracy, pct(ev?.accuracy))}${num(ev?.macroF1, pct(ev?.macroF1))}${num(ev?.loss, ev ? ev.loss.toFixed(4) : '—')}${num(p.pseudoLabels?.hiddenAccuracy, pct(p.pseudoLabels?.hiddenAccuracy))}</tr>`;
  });
  return `<table class="metrics" data-testid="report.phases"><thead><tr><th>phase</th><th>kind</th><th>epochs</th><th>best epoch</th><th>train clips</th><th>val clips</th><th>pseudo clips</th><th>val accuracy</th><th>val macro-F1</th><th>val loss</th><th>pseudo-label accuracy (hidden labels)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function confusionTable(run: RunRecord, p: PhaseRecord): string {
  const ev = p.evaluation;
  if (!ev) return '';
  const head = run.classes.map((c) => `<th>${e(c)}</th>`).join('');
  const body = ev.confusion
    .map((row, a) => {
      const total = row.reduce((s, v) => s + v, 0);
      const cells = row
        .map(
          (v, j) =>
            `<td data-value="${v}"${a === j ? ' class="diag"' : ''}>${v}${total > 0 ? ` <small>(${((100 * v) / total).toFixed(0)}%)</small>` : ''}</td>`,
        )
        .join('');
      return `<tr><th>${e(run.classes[a] ?? String(a))}</th>${cells}</tr>`;
    })
    .join('');
  const perClass = ev.perClass
    .map(
      (c, i) =>
        `<tr><th>${e(run.classes[i] ?? String(i))}</th>${num(c.precision, pct(c.precision))}${num(c.recall, pct(c.recall))}${num(c.f1, pct(c.f1))}${num(c.support, String(c.support))}</tr>`,
    )
    .join('');
  return `<section class="phase" data-phase="${p.index}"><h3>${e(p.name)}: confusion matrix (rows: true, columns: predicted)</h3><table class="confusion" data-testid="report.confusion"><thead><tr><th></th>${head}</tr></thead><tbody>${body}</tbody></table><p>accuracy ${pct(ev.accuracy)}, macro-F1 ${pct(ev.macroF1)}, ${ev.total} clips</p><table class="per-class"><thead><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr></thead><tbody>${perClass}</tbody></table></section>`;
}

function pseudoTable(run: RunRecord): string {
  const phases = run.phases.filter((p) => p.pseudoLabels);
  if (phases.length === 0) return '';
  const head = run.classes.map((c) => `<th>${e(c)}</th>`).join('');
  const rows = phases
    .flatMap((p) => {
      const pl = p.pseudoLabels;
      if (!pl) return [];
      const cells = (xs: number[]): string =>
        xs.map((v) => `<td data-value="${v}">${v}</td>`).join('');
      return [
        `<tr><td>${e(p.name)}</td><td>before</td>${cells(pl.before)}</tr>`,
        `<tr><td>${e(p.name)}</td><td>after balancing</td>${cells(pl.after)}</tr>`,
      ];
    })
    .join('');
  return `<h2>Pseudo-labels per class</h2><table class="pseudo"><thead><tr><th>phase</th><th></th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function curves(run: RunRecord): string {
  const epochs = run.phases.flatMap((p) => p.epochs);
  if (epochs.length === 0) return '<p>No epoch finished.</p>';
  const xTitle = 'epoch (all phases in order)';
  const loss = lineChartSvg({
    title: 'Loss per epoch',
    xTitle,
    includeZero: true,
    series: [
      { name: 'train loss', color: '#2b6cb0', values: epochs.map((x) => x.trainLoss) },
      { name: 'val loss', color: '#c53030', values: epochs.map((x) => x.valLoss) },
    ],
  });
  const acc = lineChartSvg({
    title: 'Accuracy per epoch',
    xTitle,
    yMin: 0,
    yMax: 1,
    unit: 'percent',
    series: [
      { name: 'train accuracy', color: '#2b6cb0', values: epochs.map((x) => x.trainAccuracy) },
      { name: 'val accuracy', color: '#c53030', values: epochs.map((x) => x.valAccuracy) },
      { name: 'val macro-F1', color: '#2f855a', values: epochs.map((x) => x.valMacroF1) },
    ],
  });
  const lr = lineChartSvg({
    title: 'Learning rate per epoch',
    xTitle,
    unit: 'lr',
    includeZero: true,
    series: [
      { name: 'learning rate', color: '#6b46c1', values: epochs.map((x) => x.learningRate) },
    ],
  });
  return `<div class="curves">${loss}${acc}${lr}</div>`;
}

/** One start tag: a name, then attributes whose values may be quoted (and hold `>` or `on…=`). */
const START_TAG =
  /<([a-zA-Z][\w:.-]*)((?:\s+[^\s=/>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/y;
const ATTRIBUTE = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
const END_TAG = /<\/[a-zA-Z][\w:.-]*\s*>/y;
const ACTIVE_ELEMENTS = new Set(['script', 'foreignobject', 'iframe', 'object', 'embed', 'style']);

/**
 * A page chart's serialised SVG goes into the report as markup. It comes from our own DOM
 * (XMLSerializer escapes its text and attribute values), but the report is opened as a local
 * file, so markup that could run or fetch anything is left out: script, foreignObject and
 * other active elements, comments and processing instructions, event-handler attributes, and
 * links that do not point inside the document. Attribute values are read as values (a class
 * name such as `x onerror=y` inside one is text, not an attribute).
 */
export function isInertSvg(svg: string): boolean {
  const body = svg.replace(/^\s*<\?xml[^>]*\?>\s*/, '');
  if (!/^<svg[\s>]/.test(body)) return false;
  for (let at = body.indexOf('<'); at !== -1; at = body.indexOf('<', at + 1)) {
    END_TAG.lastIndex = at;
    if (END_TAG.test(body)) continue;
    START_TAG.lastIndex = at;
    const tag = START_TAG.exec(body);
    if (!tag) return false; // a comment, CDATA, processing instruction or broken markup
    if (ACTIVE_ELEMENTS.has((tag[1] ?? '').toLowerCase())) return false;
    for (const a of (tag[2] ?? '').matchAll(ATTRIBUTE)) {
      const name = (a[1] ?? '').toLowerCase();
      const value = (a[2] ?? a[3] ?? a[4] ?? '').trim();
      if (name.startsWith('on')) return false;
      if (/(^|:)(href|src)$/.test(name) && !value.startsWith('#')) return false;
    }
  }
  return true;
}

export interface ReportOptions {
  /** When the report was made (ms since epoch); default now. */
  generatedAt?: number;
  /** Charts serialised from the page ({title, svg}); inserted as they are (serialised DOM). */
  charts?: readonly { title: string; svg: string }[];
}

export function runReportHtml(run: RunRecord, opts: ReportOptions = {}): string {
  const env = run.environment;
  const envRows = env
    ? (
        [
          ['backend', env.backend],
          ['why this backend', env.backendReason],
          ['device', env.device],
          ['tfjs', env.tfjsVersion],
          ['app', env.appVersion],
          ['user agent', env.userAgent],
        ] as const
      )
        .map(([k, v]) => `<tr><th>${k}</th><td>${e(v)}</td></tr>`)
        .join('')
    : '<tr><td>not recorded</td></tr>';
  const charts = (opts.charts ?? [])
    .map(
      (c) =>
        `<figure><figcaption>${e(c.title)}</figcaption>${isInertSvg(c.svg) ? c.svg : '<p>(left out: not a plain SVG chart)</p>'}</figure>`,
    )
    .join('');
  const generated = new Date(opts.generatedAt ?? Date.now()).toISOString();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>FER Workbench run: ${e(run.name)}</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:1em auto;padding:0 1em;color:#222}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#f4f4f4}td.diag{background:#e6f4ea;font-weight:bold}pre{background:#f7f7f7;padding:.5em;overflow:auto}svg{margin:.5em}</style>
</head><body>
<h1>Run: <span data-testid="report.name">${e(run.name)}</span></h1>
<p>id ${e(run.id)} · status <strong>${e(run.status)}</strong>${run.message ? ` · ${e(run.message)}` : ''} · created ${new Date(run.createdAt).toISOString()} · training time ${(run.totalMs / 1000).toFixed(1)} s · resumed ${run.resumes.length} time(s) · report generated ${generated}</p>
<p>classes: ${run.classes.map(e).join(', ')}</p>
<h2>Per-phase metrics (best validation epoch)</h2>
${phaseMetricsTable(run)}
<h2>Confusion matrices</h2>
${run.phases.map((p) => confusionTable(run, p)).join('\n')}
${pseudoTable(run)}
<h2>Curves</h2>
${curves(run)}
${charts ? `<h2>Charts</h2>${charts}` : ''}
<h2>Environment</h2>
<table class="env">${envRows}</table>
<h2>Configuration</h2>
<pre>${e(JSON.stringify(run.config, null, 2))}</pre>
<h3>Model per phase</h3>
${run.phases.map((p) => `<h4>${e(p.name)}</h4><pre>${e(JSON.stringify(p.modelConfig, null, 2))}</pre>`).join('\n')}
</body></html>
`;
}
