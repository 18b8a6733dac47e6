import { describe, expect, it } from 'vitest';
import { csvField, parseCsv, toCsv } from './csv';
import { escapeHtml, isInertSvg, runReportHtml } from './html';
import { predictionsCsv, predictionsHeader, pseudoLabelsCsv, topFrame } from './tables';
import { comparisonRows, variantLabel } from './compare';
import { makeRun } from '../automation/export/run';
import { ABLATION_PRESETS, validateModelConfig } from '../model/config';
import { modelFlops, paramCounts } from '../model/flops';

describe('csv', () => {
  it('quotes commas, quotes, newlines and edge spaces, and leaves plain fields alone', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField(' pad')).toBe('" pad"');
    expect(csvField('ünïcode ☺ 表情')).toBe('ünïcode ☺ 表情');
    expect(csvField(null)).toBe('');
    expect(csvField(0.1 + 0.2)).toBe('0.30000000000000004');
  });

  it('round-trips through a parser, CRLF rows', () => {
    const rows = [
      ['a,b', 'c"d', 'e\r\nf'],
      ['', 'ü', '"'],
    ];
    const text = toCsv(['x', 'y', 'z'], rows);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual([['x', 'y', 'z'], ...rows]);
  });
});

describe('predictions CSV', () => {
  it('has one row per stored prediction with the stored numbers, names quoted', () => {
    const run = makeRun();
    const rows = parseCsv(predictionsCsv(run));
    expect(rows[0]).toEqual(predictionsHeader(run));
    const preds = run.phases.flatMap((p) =>
      (p.evaluation?.predictions ?? []).map((x) => ({ phase: p, x })),
    );
    expect(rows.length - 1).toBe(preds.length);
    preds.forEach(({ phase, x }, i) => {
      const r = rows[i + 1] ?? [];
      expect(r[0]).toBe(run.name);
      expect(Number(r[1])).toBe(phase.index);
      expect(r[2]).toBe(phase.name);
      expect(r[3]).toBe(x.key);
      expect(r[4]).toBe(x.itemId);
      expect(r[5]).toBe(x.label === null ? '' : run.classes[x.label]);
      expect(r[6]).toBe(run.classes[x.predicted]);
      expect(r.slice(7, 10).map(Number)).toEqual(x.probs);
      const top = topFrame(x);
      expect(Number(r[10])).toBe(top?.frame);
      expect(Number(r[11])).toBe(top?.weight);
    });
    // The key with a comma and quotes, and the one with a newline, survive.
    expect(rows[1]?.[3]).toBe('val/angry/a, "one"');
    expect(rows[1]?.[10]).toBe('2'); // frame 2 has the largest weight 0.5
    expect(rows[3]?.[3]).toBe('val/neutral/c\nd');
  });

  it('filters one phase', () => {
    const run = makeRun();
    expect(parseCsv(predictionsCsv(run, 1)).length - 1).toBe(3);
  });
});

describe('pseudo-labels CSV', () => {
  it('lists every pool clip with its pseudo-label, hidden label and kept count; counts match the record', () => {
    const run = makeRun();
    const rows = parseCsv(pseudoLabelsCsv(run)).slice(1);
    expect(rows.map((r) => [r[3], r[5], Number(r[6]), r[7], Number(r[8])])).toEqual([
      ['pool/x1', 'happy', 0.8, 'happy', 2],
      ['pool/x2', 'angry', 0.6, '', 0],
      ['pool/x3', 'neutral', 0.6, 'neutral', 1],
    ]);
    const pl = run.phases[1]?.pseudoLabels;
    const after = run.classes.map((c) =>
      rows.filter((r) => r[5] === c).reduce((s, r) => s + Number(r[8]), 0),
    );
    expect(after).toEqual(pl?.after);
    expect(rows.reduce((s, r) => s + Number(r[8]), 0)).toBe(pl?.selected.length);
  });
});

/** The elements the report itself writes (svgPlot's charts included). */
const REPORT_TAGS = new Set(
  'html head meta title style body h1 h2 h3 h4 p span strong small table thead tbody tr th td section div pre figure figcaption svg g rect text line polyline'.split(
    ' ',
  ),
);

describe('HTML report', () => {
  it('escapes every user string', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
    const html = runReportHtml(makeRun(), { generatedAt: 0 });
    expect(html).not.toContain('<b>run</b>');
    expect(html).toContain('My &lt;b&gt;run&lt;/b&gt;, &quot;quoted&quot; &amp; ünïcode');
    expect(html).not.toContain('<script>');
    expect(html).toContain('test &lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('turns markup and quotes in every user string into text, never into tags or attributes', () => {
    const evil = `<img src=x onerror=alert(1)> "dq" 'sq'`;
    const escaped = '&lt;img src=x onerror=alert(1)&gt; &quot;dq&quot; &#39;sq&#39;';
    const base = makeRun();
    const env = base.environment;
    if (!env) throw new Error('makeRun has an environment');
    const run = {
      ...base,
      name: evil,
      status: 'failed' as const,
      message: evil,
      classes: base.classes.map((c) => `${c} ${evil}`),
      phases: base.phases.map((p) => ({ ...p, name: `${p.name} ${evil}` })),
      environment: { ...env, device: evil, userAgent: evil },
      config: { ...base.config, data: { ...base.config.data, datasetId: evil } },
    };
    const html = runReportHtml(run, {
      generatedAt: 0,
      charts: [
        { title: evil, svg: '<svg xmlns="http://www.w3.org/2000/svg"><text>ok</text></svg>' },
      ],
    });
    // Title, heading, message, classes (list, confusion heads, per-class rows, pseudo-label
    // heads), phase names, environment, chart caption; the config is JSON (quotes escaped).
    const count = html.split(escaped).length - 1;
    expect(count).toBeGreaterThanOrEqual(5 + 3 * base.classes.length);
    expect(html).toContain(escapeHtml(JSON.stringify(evil)));
    expect(html).not.toContain('<img');
    // Every tag is one the report writes itself, and none carries an event handler.
    const tags = [...html.matchAll(/<([a-zA-Z][\w-]*)[^>]*>/g)];
    expect(tags.filter((t) => /\son\w+\s*=/i.test(t[0])).map((t) => t[0])).toEqual([]);
    const names = new Set(tags.map((t) => (t[1] ?? '').toLowerCase()));
    expect([...names].filter((n) => !REPORT_TAGS.has(n))).toEqual([]);
  });

  it('leaves out a chart whose markup could run anything', () => {
    const plain = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>';
    expect(isInertSvg(plain)).toBe(true);
    // What recharts writes: a series named by the user is an attribute value, which is text.
    const named =
      '<svg width="10"><path name="run &lt;img src=x onerror=alert(1)&gt; &quot; onload=x" d="M0 0"/>' +
      '<rect clip-path="url(#c)" style="fill: red"></rect><use href="#c"/><text>a &lt; b</text></svg>';
    expect(isInertSvg(named)).toBe(true);
    for (const bad of [
      '<svg><script>alert(1)</script></svg>',
      '<svg onload="alert(1)"></svg>',
      '<svg><a href="javascript:alert(1)"><text>x</text></a></svg>',
      '<svg><a xlink:href=" javascript:alert(1)"><text>x</text></a></svg>',
      '<svg><foreignObject><div>x</div></foreignObject></svg>',
      '<img src=x onerror=alert(1)>',
      '<svg><image href="https://example.com/x.png"/></svg>',
      '<svg><!-- x --><g/></svg>',
      '<svg><style>@import "https://example.com/x.css";</style></svg>',
      "<svg><g ONCLICK='alert(1)'/></svg>",
      '<svg><g a="1" onmouseover=alert(1)/></svg>',
    ]) {
      expect(isInertSvg(bad), bad).toBe(false);
      const html = runReportHtml(makeRun(), { generatedAt: 0, charts: [{ title: 't', svg: bad }] });
      expect(html).not.toContain(bad);
      expect(html).toContain('(left out: not a plain SVG chart)');
    }
  });

  it('holds the record numbers: per-phase metrics, confusion cells, pseudo-label counts', () => {
    const run = makeRun();
    const html = runReportHtml(run, { generatedAt: 0 });
    for (const p of run.phases) {
      const row = new RegExp(`<tr data-phase="${p.index}">(.*?)</tr>`).exec(html)?.[1] ?? '';
      const values = [...row.matchAll(/data-value="([^"]*)"/g)].map((m) => m[1]);
      expect(values).toEqual([
        String(p.epochs.length),
        String(p.bestEpoch),
        String(p.data.train),
        String(p.data.val),
        String(p.data.pseudo),
        String(p.evaluation?.accuracy),
        String(p.evaluation?.macroF1),
        String(p.evaluation?.loss),
        p.pseudoLabels ? String(p.pseudoLabels.hiddenAccuracy) : '',
      ]);
      expect(row).toContain(`${(100 * (p.evaluation?.accuracy ?? 0)).toFixed(2)}%`);
      const section =
        new RegExp(`<section class="phase" data-phase="${p.index}">(.*?)</section>`).exec(
          html,
        )?.[1] ?? '';
      const confusion = /<table class="confusion"[^>]*>(.*?)<\/table>/.exec(section)?.[1] ?? '';
      const cells = [...confusion.matchAll(/<td data-value="(\d+)"/g)].map((m) => Number(m[1]));
      expect(cells).toEqual(p.evaluation?.confusion.flat());
    }
    const pseudo = /<table class="pseudo">(.*?)<\/table>/.exec(html)?.[1] ?? '';
    const counts = [...pseudo.matchAll(/data-value="(\d+)"/g)].map((m) => Number(m[1]));
    const pl = run.phases[1]?.pseudoLabels;
    expect(counts).toEqual([...(pl?.before ?? []), ...(pl?.after ?? [])]);
    // Curves are inline SVG, no external resource or script.
    expect((html.match(/<svg /g) ?? []).length).toBe(3);
    expect(html).not.toMatch(/<script|src=|href=/);
  });
});

describe('comparison rows', () => {
  it('takes accuracies from the record and cost from the final model config', () => {
    const run = makeRun();
    const [row] = comparisonRows([run]);
    const cfg = run.phases[1]?.modelConfig;
    if (!row || !cfg) throw new Error('no row');
    expect(row.teacherAccuracy).toBe(2 / 3);
    expect(row.finalAccuracy).toBe(0.75);
    expect(row.finalMacroF1).toBe(0.7);
    expect(row.finalPhase).toBe('student 1');
    expect(row.seed).toBe(3);
    expect(row.params).toBe(paramCounts(cfg).total);
    expect(row.flopsPerClip).toBe(modelFlops(cfg, 4).perClip);
    expect(row.variant).toBe('+ Frame-Attention');
  });

  it('names each Table 2 row by its structure', () => {
    for (const p of ABLATION_PRESETS)
      expect(variantLabel(validateModelConfig(p.config))).toBe(p.label);
  });
});
