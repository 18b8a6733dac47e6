/**
 * `export-frames <dataset> --size S --out DIR`: in the page (window.__ferFrames,
 * src/automation/exportFrames.ts), the dataset's clips as the training loader lists them and
 * their frames decoded as training decodes them; here, written as a frames folder (./format.ts)
 * a chunk at a time, so memory stays bounded whatever the dataset's size. And the options of
 * `experiment --runtime node-webgpu` (./nodeExperiment.ts), and `import-run`, which brings a
 * run trained there into a profile.
 */
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FramesDatasetInfo, PhaseModelTransfer } from '../../../src/automation/exportFrames';
import { CliError, EXIT, type ExperimentOptions } from '../argTypes';
import type { AppSession } from '../browser';
import type { CommandOutcome } from '../commands';
import { formatBytes } from '../format';
import type { ExportFramesOptions } from './args';
import { clipsToNames, FramesWriter, MANIFEST_FILE, type FramesManifest } from './format';
import type { NodeExperimentOptions } from './nodeExperiment';

export { runNodeExperiment } from './nodeExperiment';

/** Bytes of frames per round trip from the page (base64 makes them a third more). */
const CHUNK_BYTES = 8 * 2 ** 20;

export interface ExportFramesJson {
  out: string;
  dataset: FramesManifest['dataset'];
  size: number;
  clips: number;
  frames: number;
  bytes: number;
  shards: number;
  skipped: Record<string, number>;
}

export async function runExportFrames(
  session: AppSession,
  o: ExportFramesOptions,
  note: (line: string) => void,
): Promise<CommandOutcome<ExportFramesJson>> {
  const { page } = session;
  const info: FramesDatasetInfo = await page.evaluate((ds) => {
    const api = window.__ferFrames;
    if (!api) throw new Error('window.__ferFrames is missing: rebuild the app');
    return api.clips(ds);
  }, o.dataset);
  if (info.clips.length === 0)
    throw new CliError(
      `"${info.dataset.name}" has no preprocessed clips to export (preprocess it first).`,
      EXIT.appFailure,
    );
  await mkdir(o.out, { recursive: true });
  const writer = new FramesWriter(o.out, o.size);
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / writer.frameBytes));
  const total = info.clips.reduce((a, c) => a + c.frames.length, 0);
  let done = 0;
  let lastNote = Date.now();
  const names = clipsToNames(info.clips);
  for (const [c, clip] of info.clips.entries()) {
    const named = names[c];
    if (!named) continue;
    await writer.startClip(named);
    for (let i = 0; i < clip.frames.length; i += perChunk) {
      const want = clip.frames.slice(i, i + perChunk).map((f): [number, number] => [c, f]);
      const base64 = await page.evaluate(
        (a) => {
          const api = window.__ferFrames;
          if (!api) throw new Error('window.__ferFrames is missing');
          return api.read(a.id, a.want, a.size);
        },
        { id: info.dataset.id, want, size: o.size },
      );
      await writer.frames(Buffer.from(base64, 'base64'));
      done += want.length;
    }
    if (Date.now() - lastNote > 10_000) {
      lastNote = Date.now();
      note(`  ${done}/${total} frames`);
    }
  }
  const m = await writer.finish({ dataset: info.dataset, skipped: info.skipped });
  const json: ExportFramesJson = {
    out: o.out,
    dataset: m.dataset,
    size: m.size,
    clips: m.clips.length,
    frames: done,
    bytes: done * m.frameBytes,
    shards: m.shards.length,
    skipped: m.skipped,
  };
  const skipped = Object.entries(m.skipped).map(([k, n]) => `${k} ${n}`);
  const text =
    `Exported "${m.dataset.name}": ${m.clips.length} clips, ${done} frames at ${m.size} px ` +
    `(${formatBytes(json.bytes)} in ${m.shards.length} shard${m.shards.length === 1 ? '' : 's'}) to ${o.out}` +
    (skipped.length > 0 ? `\nLeft out, as training leaves them out: ${skipped.join(', ')}` : '');
  return { exitCode: EXIT.ok, json, text };
}

async function isFramesFolder(dir: string): Promise<boolean> {
  return stat(path.join(dir, MANIFEST_FILE)).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * `--frames DIR`: an export, or a folder of exports (one per dataset the experiment uses: its
 * dataset, and an unlabelled pool or pre-training dataset if it names one).
 */
export async function framesFolders(dir: string): Promise<string[]> {
  if (await isFramesFolder(dir)) return [dir];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => {
    throw new CliError(`--frames: ${dir} is not a folder.`, EXIT.usage);
  });
  const found: string[] = [];
  for (const e of entries)
    if (e.isDirectory() && (await isFramesFolder(path.join(dir, e.name))))
      found.push(path.join(dir, e.name));
  if (found.length === 0)
    throw new CliError(
      `--frames: ${dir} holds no ${MANIFEST_FILE} (nor do its subfolders); write one with export-frames.`,
      EXIT.usage,
    );
  return found.sort();
}

export async function nodeExperimentOptions(o: ExperimentOptions): Promise<NodeExperimentOptions> {
  if (o.demo.seed !== null || o.demo.counts !== null || o.demo.faces !== null)
    throw new CliError(
      '--seed, --counts and --faces change a generated demo; the node-webgpu runtime trains on ' +
        'exported frames (generate and export the demo first).',
      EXIT.usage,
    );
  return { config: o.config, out: o.out, frames: await framesFolders(o.frames ?? '') };
}

export interface ImportRunJson {
  runId: string;
  name: string;
  phaseModels: number;
}

/**
 * `import-run <DIR/store/run.v8>`: a finished run trained by the Node runtime, stored into the
 * profile (window.__ferImportRun) with its phase models, so `runs`, `export`, `predict` and
 * the app's Results and Compare tabs have it. One phase model per round trip.
 */
export async function runImportRun(
  session: AppSession,
  file: string,
): Promise<CommandOutcome<ImportRunJson>> {
  const { readRunFile } = await import('./runStore');
  const stored = await readRunFile(file);
  if (!stored) throw new CliError(`Cannot read ${file}.`, EXIT.usage);
  const { page } = session;
  await page.evaluate((run) => {
    const api = window.__ferImportRun;
    if (!api) throw new Error('window.__ferImportRun is missing: rebuild the app');
    return api.run(run);
  }, stored.run);
  for (const m of stored.phaseModels) {
    const transfer: PhaseModelTransfer = {
      ...m,
      weights: m.weights.map((w) => ({
        name: w.name,
        shape: w.shape,
        base64: Buffer.from(w.values.buffer, w.values.byteOffset, w.values.byteLength).toString(
          'base64',
        ),
      })),
    };
    await page.evaluate(
      (a) => {
        const api = window.__ferImportRun;
        if (!api) throw new Error('window.__ferImportRun is missing');
        return api.phaseModel(a.id, a.m);
      },
      { id: stored.run.id, m: transfer },
    );
  }
  const json = {
    runId: stored.run.id,
    name: stored.run.name,
    phaseModels: stored.phaseModels.length,
  };
  return {
    exitCode: EXIT.ok,
    json,
    text: `Imported run "${json.name}" (${json.runId}) with ${json.phaseModels} phase model(s).`,
  };
}
