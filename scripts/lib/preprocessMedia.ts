/**
 * `preprocess-media <files...> --out DIR`: the app's preprocessing of loose image and video
 * files (src/automation/preprocess.ts `mediaWithCrops`), their crops written under DIR with a
 * result.json. Node only writes files; every frame is decoded, detected, cropped and encoded in
 * the app's workers, as in the UI. (`preprocess <dataset>`: ./preprocess.ts.)
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CliPreprocessWindow, CropData, MediaFileJson, MediaResultJson, Region } from './api';
import { TEST_INPUT_IDS } from './api';
import { EXIT, usageError, type PreprocessMediaOptions } from './args';
import type { AppSession } from './browser';
import type { CommandOutcome } from './commands';
import { formatBytes, table } from './format';
import { REGIONS, requirePreprocessHook } from './preprocess';

/** Relative paths (from the output folder) of one kept frame's crop files. */
export type CropPaths = Record<Region, string>;

export type MediaFileOut = MediaFileJson<string> & {
  /** The input file, absolute. */
  path: string;
  /** The folder (relative to --out) holding this file's crops. */
  cropDir: string;
};

export type MediaResultOut = Omit<MediaResultJson<string>, 'files'> & {
  files: MediaFileOut[];
};

export interface MediaJson {
  out: string;
  /** result.json's path. */
  resultPath: string;
  result: MediaResultOut;
}

/** Files in one call to the page: bounds the size of one message (crops travel as base64). */
const MEDIA_BATCH = 8;

/** Resolves and checks the input files (exit 2 for a missing one or a folder). */
export async function resolveMediaFiles(
  files: readonly string[],
  cwd: string = process.cwd(),
): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    const abs = path.resolve(cwd, f);
    let s;
    try {
      s = await stat(abs);
    } catch {
      throw usageError(`No such file: ${f}`);
    }
    if (!s.isFile())
      throw usageError(`Not a file: ${f} (preprocess-media takes image and video files).`);
    out.push(abs);
  }
  return out;
}

/**
 * A folder name per input file: its stem with unsafe characters replaced, made unique
 * (`clip`, `clip-2`, ...) so two files with one stem never share crops.
 */
export function cropDirNames(files: readonly string[]): string[] {
  const used = new Set<string>();
  return files.map((f) => {
    const stem =
      path
        .parse(f)
        .name.replace(/[^\w.-]+/g, '_')
        .replace(/^\.+/, '') || 'file';
    let name = stem;
    for (let i = 2; used.has(name.toLowerCase()); i++) name = `${stem}-${i}`;
    used.add(name.toLowerCase());
    return name;
  });
}

function extensionOf(type: string): string {
  if (type === 'image/webp') return 'webp';
  if (type === 'image/jpeg') return 'jpg';
  if (type === 'image/png') return 'png';
  return 'bin';
}

/** Writes one file's crops under `out/dir` and returns its report with crop paths. */
async function writeFileCrops(
  file: MediaFileJson<CropData>,
  input: string,
  dir: string,
  out: string,
): Promise<MediaFileOut> {
  const frames = [];
  let madeDir = false;
  for (const frame of file.frames) {
    let crops: CropPaths | null = null;
    if (frame.crops !== null) {
      if (!madeDir) {
        await mkdir(path.join(out, dir), { recursive: true });
        madeDir = true;
      }
      const paths: Partial<CropPaths> = {};
      for (const region of REGIONS) {
        const crop = frame.crops[region];
        const rel = `${dir}/${frame.frameIndex}_${region}.${extensionOf(crop.type)}`;
        await writeFile(path.join(out, rel), Buffer.from(crop.base64, 'base64'));
        paths[region] = rel;
      }
      crops = paths as CropPaths;
    }
    frames.push({ ...frame, crops });
  }
  return { ...file, path: input, cropDir: dir, frames };
}

export function mediaText(doc: MediaJson): string {
  const files = doc.result.files;
  const lines = [
    table(
      ['file', 'kind', 'size', 'sampled', 'kept', 'no-face', 'no-landmarks', 'max faces', 'mining'],
      files.map((f) => {
        const most = f.frames.reduce((n, fr) => Math.max(n, fr.faces.length), 0);
        const mining =
          f.mining === null ? '-' : f.mining.accepted ? 'accepted' : `rejected: ${f.mining.reason}`;
        return [
          f.name,
          f.kind,
          f.error === null ? `${f.sourceWidth}x${f.sourceHeight}` : '-',
          String(f.sampled),
          String(f.kept),
          String(f.dropped['no-face']),
          String(f.dropped['no-landmarks']),
          f.error === null ? String(most) : '-',
          f.kind === 'video' ? mining : '-',
        ];
      }),
    ),
    ...files.filter((f) => f.error !== null).map((f) => `FAILED ${f.name}: ${f.error ?? ''}`),
    `Crops (${doc.result.config.crop.size} px, ${doc.result.config.encode.format}) and ` +
      `result.json written to ${doc.out}`,
  ];
  return lines.join('\n');
}

export async function runPreprocessMedia(
  session: AppSession,
  opts: PreprocessMediaOptions,
  progress: (line: string) => void,
): Promise<CommandOutcome<MediaJson>> {
  const inputs = await resolveMediaFiles(opts.files);
  const { page } = session;
  await requirePreprocessHook(session, ['setWorkers', 'mediaWithCrops']);
  const workers = await page.evaluate((n) => {
    const hook = (window as CliPreprocessWindow).__ferPreprocess;
    if (!hook?.setWorkers) throw new Error('window.__ferPreprocess.setWorkers is missing');
    return hook.setWorkers(n);
  }, opts.workers);
  await mkdir(opts.out, { recursive: true });
  const dirs = cropDirNames(inputs);
  const files: MediaFileOut[] = [];
  let head: Omit<MediaResultJson<CropData>, 'files'> | null = null;
  const t0 = performance.now();
  let cropBytes = 0;
  for (let start = 0; start < inputs.length; start += MEDIA_BATCH) {
    const batch = inputs.slice(start, start + MEDIA_BATCH);
    progress(
      `preprocess-media: files ${start + 1}-${start + batch.length} of ${inputs.length} ` +
        `(${workers} worker${workers === 1 ? '' : 's'}) ...`,
    );
    await page.getByTestId(TEST_INPUT_IDS.files).setInputFiles(batch, { timeout: 60_000 });
    const result = await page.evaluate((config) => {
      const hook = (window as CliPreprocessWindow).__ferPreprocess;
      if (!hook?.mediaWithCrops)
        throw new Error('window.__ferPreprocess.mediaWithCrops is missing');
      return hook.mediaWithCrops(config);
    }, opts.config);
    const { files: reports, ...rest } = result;
    head ??= rest;
    if (reports.length !== batch.length)
      throw new Error(`The app returned ${reports.length} reports for ${batch.length} files.`);
    for (const [i, report] of reports.entries()) {
      const k = start + i;
      for (const fr of report.frames)
        for (const region of REGIONS) cropBytes += fr.crops?.[region].bytes ?? 0;
      files.push(await writeFileCrops(report, inputs[k] ?? '', dirs[k] ?? `file-${k}`, opts.out));
    }
    const frames = files.reduce((n, f) => n + f.sampled, 0);
    const sec = (performance.now() - t0) / 1000;
    progress(
      `preprocess-media: ${files.length}/${inputs.length} files, ${frames} frames, ` +
        `${(frames / sec).toFixed(1)} frames/s`,
    );
  }
  if (head === null) throw new Error('No files were processed.');
  const resultDoc: MediaResultOut = { ...head, files };
  const resultPath = path.join(opts.out, 'result.json');
  await writeFile(resultPath, `${JSON.stringify(resultDoc, null, 2)}\n`);
  const doc: MediaJson = { out: opts.out, resultPath, result: resultDoc };
  progress(
    `preprocess-media: ${files.reduce((n, f) => n + f.kept, 0)} kept frames, ` +
      `${formatBytes(cropBytes)} of crops in ${opts.out}`,
  );
  return {
    exitCode: files.some((f) => f.error !== null) ? EXIT.appFailure : EXIT.ok,
    json: doc,
    text: mediaText(doc),
  };
}
