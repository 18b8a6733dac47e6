/** Plain-text rendering of command results for a terminal (the default; --json skips it). */
import type { ClassCountJson, ProblemJson } from './api';

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[i] ?? ''}`;
}

export function formatDuration(sec: number | null): string {
  if (sec === null) return '-';
  if (sec < 60) return `${sec.toFixed(1)} s`;
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0
    ? `${h} h ${String(m).padStart(2, '0')} min`
    : `${m} min ${String(r).padStart(2, '0')} s`;
}

/** A left-aligned text table; columns whose every cell looks numeric are right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const numeric = header.map(
    (_h, c) => rows.length > 0 && rows.every((r) => /^-?[\d.,]+( \w+)?$|^-$/.test(r[c] ?? '')),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => {
        const w = widths[c] ?? 0;
        return numeric[c] ? cell.padStart(w) : cell.padEnd(w);
      })
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function classTable(classes: readonly ClassCountJson[]): string {
  return table(
    ['class', 'maps to', 'items'],
    classes.map((c) => [
      c.rawLabel === '' ? '(no label)' : c.rawLabel,
      c.canonical ?? '-',
      String(c.count),
    ]),
  );
}

/** The first `limit` problems, one a line, with a count of the rest. */
export function problemLines(problems: readonly ProblemJson[], limit = 20): string[] {
  const lines = problems.slice(0, limit).map((p) => `${p.path}: ${p.code}: ${p.message}`);
  if (problems.length > limit)
    lines.push(`... and ${problems.length - limit} more (--json lists them all)`);
  return lines;
}

export function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : by + l))
    .join('\n');
}
