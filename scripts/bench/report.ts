/**
 * The pure parts of `npm run bench` (scripts/bench.ts): Markdown tables, the generated block
 * of docs/benchmarks.md between its markers, and the tensor-growth check. No I/O here, so
 * scripts/bench/report.test.ts can test it.
 */

export const BENCH_BEGIN = '<!-- bench:begin -->';
export const BENCH_END = '<!-- bench:end -->';

export type Cell = string | number | null;

/** A cell as Markdown: null is '-', pipes are escaped, newlines become spaces. */
export function cellText(c: Cell): string {
  if (c === null) return '-';
  return String(c).replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** A GitHub-flavoured Markdown table. Rows shorter than the header are padded with '-'. */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
): string {
  const line = (cells: readonly Cell[]): string =>
    `| ${headers.map((_h, i) => cellText(cells[i] ?? null)).join(' | ')} |`;
  return [
    line(headers),
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => line(r)),
  ].join('\n');
}

/** `v` with `digits` decimals, or '-' for null / non-finite values. */
export function fixed(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);
}

/** An integer with thousands separators (14,373). */
export function grouped(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v)
    ? '-'
    : Math.round(v).toLocaleString('en-US');
}

export function mib(bytes: number | null | undefined, digits = 1): string {
  return bytes === null || bytes === undefined ? '-' : (bytes / 2 ** 20).toFixed(digits);
}

/**
 * `doc` with the text between BENCH_BEGIN and BENCH_END replaced by `generated`, everything
 * else kept byte for byte. Without markers the block is inserted before the first level-2
 * heading (or appended when there is none). Throws on a lone or reversed marker, or
 * duplicated markers, rather than guess which hand-written text may be overwritten.
 */
export function replaceGenerated(doc: string, generated: string): string {
  const block = `${BENCH_BEGIN}\n${generated.trim()}\n${BENCH_END}`;
  const begin = doc.indexOf(BENCH_BEGIN);
  const end = doc.indexOf(BENCH_END);
  const count = (m: string): number => doc.split(m).length - 1;
  if (count(BENCH_BEGIN) > 1 || count(BENCH_END) > 1)
    throw new Error('docs/benchmarks.md has more than one bench marker pair');
  if (begin < 0 && end < 0) {
    const heading = doc.search(/^## /m);
    if (heading < 0) return `${doc.replace(/\n*$/, '')}\n\n${block}\n`;
    return `${doc.slice(0, heading)}${block}\n\n${doc.slice(heading)}`;
  }
  if (begin < 0 || end < 0 || end < begin)
    throw new Error(
      `docs/benchmarks.md has ${begin < 0 ? 'no' : 'a'} ${BENCH_BEGIN} and ${end < 0 ? 'no' : 'a'} ` +
        `${BENCH_END}${end < begin ? ' (in the wrong order)' : ''}; fix the markers by hand`,
    );
  return doc.slice(0, begin) + block + doc.slice(end + BENCH_END.length);
}

export interface GrowthCheck {
  firstTensors: number;
  lastTensors: number;
  maxTensors: number;
  firstBytes: number;
  lastBytes: number;
  maxBytes: number;
  /** True when the last sample holds more tensors or more bytes than the first. */
  grew: boolean;
  message: string;
}

/**
 * Whether tf.memory() grew over a run of training steps. Sample 0 is taken after a warm-up
 * step (the optimizer's slots exist by then), so any later sample above it is a leak: a
 * training step that leaks even one tensor per step shows as last > first.
 */
export function checkGrowth(
  numTensors: readonly number[],
  numBytes: readonly number[],
): GrowthCheck {
  if (numTensors.length < 2 || numBytes.length !== numTensors.length)
    throw new Error('checkGrowth needs at least two samples of tensors and bytes');
  const firstTensors = numTensors[0] ?? NaN;
  const lastTensors = numTensors[numTensors.length - 1] ?? NaN;
  const firstBytes = numBytes[0] ?? NaN;
  const lastBytes = numBytes[numBytes.length - 1] ?? NaN;
  const grew = !(lastTensors <= firstTensors && lastBytes <= firstBytes);
  const steps = numTensors.length - 1;
  const message = grew
    ? `FAIL: grew over ${steps} steps: tensors ${firstTensors} -> ${lastTensors} ` +
      `(${signed(lastTensors - firstTensors)}), bytes ${firstBytes} -> ${lastBytes} ` +
      `(${signed(lastBytes - firstBytes)})`
    : `ok: no growth over ${steps} steps (${lastTensors} tensors, ${lastBytes} bytes)`;
  return {
    firstTensors,
    lastTensors,
    maxTensors: Math.max(...numTensors),
    firstBytes,
    lastBytes,
    maxBytes: Math.max(...numBytes),
    grew,
    message,
  };
}

function signed(n: number): string {
  return n >= 0 ? `+${n}` : String(n);
}

/** The value of `--name VALUE` in argv, or undefined. */
export function optionValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

export const SECTIONS = [
  'preprocess',
  'model',
  'storage',
  'memory',
  'inference',
  'import',
] as const;
export type Section = (typeof SECTIONS)[number];

/** The sections `--only a,b` selects (all without it); throws on an unknown name. */
export function parseOnly(value: string | undefined): Set<Section> {
  if (value === undefined) return new Set(SECTIONS);
  const out = new Set<Section>();
  for (const raw of value.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    if (!(SECTIONS as readonly string[]).includes(name))
      throw new Error(`--only: unknown section '${name}' (one of ${SECTIONS.join(', ')})`);
    out.add(name as Section);
  }
  if (out.size === 0) throw new Error('--only: no section named');
  return out;
}
