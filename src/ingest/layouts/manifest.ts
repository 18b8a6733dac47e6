/**
 * A CSV manifest: header `path,label[,subject][,split]` (any order, any case), one row per
 * video or image, paths relative to the manifest's folder ('/' or '\' separated, "./"
 * allowed). An empty label makes an unlabelled item. Rows naming files that were not dropped
 * become 'missing-file' problems; dropped media the manifest does not list are 'ignored'.
 */
import { canonicalSplit } from '../aliases';
import { CsvError, csvRecords } from '../csv';
import { dirname, isCsvPath, isJunkPath, isManifestHeader, segments } from '../detect';
import { extensionKind } from '../extensions';
import type { FileProblem, LayoutPlan, PlannedItem, SourceFile } from '../types';

export interface ManifestOptions {
  /** Which CSV is the manifest; default: the one with a path,label header nearest the top. */
  manifestPath?: string;
}

/** Resolves `rel` against folder `base`, handling "./", "../" and backslashes. Null if it escapes. */
export function resolveRelative(base: string, rel: string): string | null {
  const out = rel.trim().startsWith('/') ? [] : segments(base);
  for (const seg of rel.trim().replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else {
      out.push(seg);
    }
  }
  return out.join('/');
}

async function readHeader(src: SourceFile): Promise<string[] | null> {
  try {
    for await (const rec of csvRecords(src.file, { maxBytes: 64 * 1024 })) return rec;
  } catch {
    return null;
  }
  return null;
}

async function chooseManifest(
  files: SourceFile[],
  wanted: string | undefined,
): Promise<SourceFile | undefined> {
  if (wanted !== undefined) return files.find((f) => f.path === wanted);
  const csvs = files
    .filter((f) => isCsvPath(f.path) && !isJunkPath(f.path))
    .sort((a, b) => segments(a.path).length - segments(b.path).length);
  for (const c of csvs) if (isManifestHeader(await readHeader(c))) return c;
  return csvs[0];
}

export async function planManifest(
  files: SourceFile[],
  opts: ManifestOptions = {},
): Promise<LayoutPlan> {
  const items: PlannedItem[] = [];
  const problems: FileProblem[] = [];
  const manifest = await chooseManifest(files, opts.manifestPath);
  if (!manifest) {
    problems.push({
      path: opts.manifestPath ?? 'manifest.csv',
      code: 'missing-file',
      message: 'no CSV manifest was dropped',
    });
    return { items, problems };
  }
  const byPath = new Map(files.map((f) => [f.path, f]));
  const byLowerPath = new Map(files.map((f) => [f.path.toLowerCase(), f]));
  const base = dirname(manifest.path);
  const used = new Set<string>([manifest.path]);

  let cols: { path: number; label: number; subject: number; split: number; count: number } | null =
    null;
  let row = 0;
  try {
    for await (const rec of csvRecords(manifest.file)) {
      if (!cols) {
        const lower = rec.map((c) => c.trim().toLowerCase());
        cols = {
          path: lower.indexOf('path'),
          label: lower.indexOf('label'),
          subject: lower.indexOf('subject'),
          split: lower.indexOf('split'),
          count: rec.length,
        };
        if (cols.path < 0 || cols.label < 0) {
          problems.push({
            path: manifest.path,
            code: 'parse-error',
            message: `the header must have path and label columns (found: ${rec.join(', ')})`,
          });
          return { items, problems };
        }
        continue;
      }
      const r = row++;
      const where = `${manifest.path}#${r}`;
      const line = `line ${r + 2}`;
      if (rec.length !== cols.count) {
        problems.push({
          path: where,
          code: 'parse-error',
          message: `${line}: ${rec.length} fields, the header has ${cols.count}`,
        });
        continue;
      }
      const rel = (rec[cols.path] ?? '').trim();
      if (rel === '') {
        problems.push({ path: where, code: 'parse-error', message: `${line}: empty path` });
        continue;
      }
      const full = resolveRelative(base, rel);
      if (full === null) {
        problems.push({
          path: where,
          code: 'parse-error',
          message: `${line}: "${rel}" points outside the drop`,
        });
        continue;
      }
      const src = byPath.get(full) ?? byLowerPath.get(full.toLowerCase());
      if (!src) {
        problems.push({
          path: full,
          code: 'missing-file',
          message: `${line} of ${manifest.path} lists it, but it was not dropped`,
        });
        continue;
      }
      if (used.has(src.path)) {
        problems.push({
          path: where,
          code: 'parse-error',
          message: `${line}: ${rel} is listed twice; the first row is used`,
        });
        continue;
      }
      const kind = extensionKind(src.path);
      if (kind !== 'video' && kind !== 'image') {
        problems.push({
          path: src.path,
          code: 'unsupported',
          message: `${line}: not a video or image`,
        });
        used.add(src.path);
        continue;
      }
      used.add(src.path);
      const label = (rec[cols.label] ?? '').trim();
      const item: PlannedItem = {
        key: src.path,
        kind,
        sources: [src],
        rawLabel: label === '' ? null : label,
      };
      const subject = cols.subject >= 0 ? (rec[cols.subject] ?? '').trim() : '';
      if (subject !== '') item.subject = subject;
      const splitText = cols.split >= 0 ? (rec[cols.split] ?? '').trim() : '';
      if (splitText !== '') {
        const split = canonicalSplit(splitText);
        if (split) item.split = split;
        else {
          problems.push({
            path: where,
            code: 'parse-error',
            message: `${line}: split "${splitText}" is not train, val or test; the item has no split`,
          });
        }
      }
      items.push(item);
    }
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    problems.push({
      path: manifest.path,
      code: 'parse-error',
      message: `${e.message}; rows after it are lost`,
    });
  }
  if (!cols) {
    problems.push({ path: manifest.path, code: 'parse-error', message: 'the manifest is empty' });
  }
  for (const f of files) {
    if (used.has(f.path) || isJunkPath(f.path)) continue;
    problems.push({ path: f.path, code: 'ignored', message: `not listed in ${manifest.path}` });
  }
  return { items, problems };
}
