/**
 * `experiment <file> --runtime node-webgpu --frames DIR --out DIR`: the experiment's runs
 * trained in Node, with no browser: WebGPU from Dawn (../nodeWebgpu.ts), the app's training
 * engine unchanged (src/train/run/engine.ts runTraining: same loop, step, checkpoints), an
 * in-memory IndexedDB (fake-indexeddb) as its run store, saved to `<out>/store/` after every
 * save (./runStore.ts), and frames from exported folders (./format.ts) instead of the
 * preprocessed dataset. Writes the same run records and summary as the browser path.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { KernelMode } from '../../../src/model/kernelModes';
import type { RunRecord } from '../../../src/train/run/record';
import { CliError, EXIT } from '../argTypes';
import type { CommandOutcome } from '../commands';
import { readExperiment, runConfig } from '../experiment';
import {
  type ExperimentJson,
  type ExperimentRow,
  pct,
  rowOf,
  writeExperimentSummary,
} from '../experimentSummary';
import { formatDuration } from '../format';
import { describeNodeAdapter, initNodeWebgpu } from '../nodeWebgpu';
import {
  folderClipLister,
  folderFrameSource,
  readFramesManifest,
  type FramesFolder,
} from './format';
import { dumpRun, readRunFile, restoreRun } from './runStore';

export interface NodeExperimentOptions {
  /** The experiment file. */
  config: string;
  out: string;
  /** Exported frames folders: the experiment's dataset, and any pool / pre-training dataset. */
  frames: string[];
  /** The kernel mode the runs train with (`--kernels`; src/model/kernels.ts); default 'auto'. */
  kernels?: KernelMode;
  /** Tests only: after each save of a run record (e.g. to lose the device mid-run). */
  afterSave?: (run: RunRecord) => void;
}

interface LostDevice {
  device?: { lost?: Promise<{ reason?: string; message?: string }> };
}

/** The GPU device was lost: no run can go on in this process. */
class DeviceLostError extends Error {}

export async function runNodeExperiment(
  opts: NodeExperimentOptions,
  note: (line: string) => void,
): Promise<CommandOutcome<ExperimentJson>> {
  const started = Date.now();
  const exp = await readExperiment(opts.config);
  if (opts.frames.length === 0)
    throw new CliError(
      '--runtime node-webgpu needs --frames DIR (a folder written by export-frames).',
      EXIT.usage,
    );
  let folders: FramesFolder[];
  try {
    folders = await Promise.all(
      opts.frames.map(async (dir) => ({ dir, manifest: await readFramesManifest(dir) })),
    );
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e), EXIT.usage);
  }
  const wanted =
    exp.dataset.demo !== undefined
      ? (exp.dataset.demo.name ?? 'Demo (synthetic)')
      : (exp.dataset.name ?? '');
  const folder = folders.find(
    (f) => f.manifest.dataset.name === wanted || f.manifest.dataset.id === wanted,
  );
  if (!folder)
    throw new CliError(
      `No frames folder holds the dataset "${wanted}" (the folders hold: ` +
        `${folders.map((f) => `"${f.manifest.dataset.name}"`).join(', ')}). Export it with export-frames.`,
      EXIT.usage,
    );
  const datasetId = folder.manifest.dataset.id;
  note(
    `Frames of "${folder.manifest.dataset.name}" (${datasetId}) from ${folder.dir}: ` +
      `${folder.manifest.clips.length} clips at ${folder.manifest.size} px.`,
  );
  if (exp.preprocess !== undefined)
    note(
      '  (the file\'s "preprocess" settings do not apply: the frames were preprocessed before export)',
    );
  if ((exp.parallel ?? 1) > 1) note('  (runs train one after another on this runtime)');

  let runtime;
  try {
    runtime = await initNodeWebgpu();
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e), EXIT.appFailure);
  }
  note(describeNodeAdapter(runtime.adapter));
  // Only now: the engine's imports reach the model, which must not load before navigator.gpu.
  // fake-indexeddb's types do not resolve under Node's exports rules; its globals are all we use.
  const fakeIdb: string = 'fake-indexeddb/auto';
  await import(fakeIdb);
  const tf = await import('@tensorflow/tfjs');
  const { openFerDb } = await import('../../../src/storage/db');
  const { parseTrainConfig } = await import('../../../src/train/config');
  const { runTraining } = await import('../../../src/train/run/engine');
  const { newRunRecord } = await import('../../../src/train/run/plan');
  const { runEnvironment } = await import('../../../src/train/run/environment');
  const { explainBackend, describeBackend } = await import('../../../src/compute/backendInfo');
  const { setKernelMode } = await import('../../../src/model/kernels');
  setKernelMode(opts.kernels ?? 'auto'); // before runEnvironment, which records it resolved
  const info = runtime.backend;
  const environment = runEnvironment(
    { ...info, reason: explainBackend(info) },
    `${describeBackend(info)}; Dawn: ${[runtime.adapter.vendor, runtime.adapter.architecture, runtime.adapter.description].filter(Boolean).join(' / ')}`,
    `Node ${process.version} (node-webgpu runtime)`,
  );
  const db = await openFerDb(`fer-node-${randomUUID()}`);
  const source = folderFrameSource(folders);
  const clips = folderClipLister(folders);
  let controller = new AbortController();
  const lost: { message: string | null } = { message: null };
  void (tf.backend() as unknown as LostDevice).device?.lost?.then((l) => {
    const why = [l.reason, l.message].filter(Boolean).join(': ') || 'no reason given';
    lost.message = `The GPU device was lost (${why}). Training stopped at its last checkpoint.`;
    controller.abort(new DeviceLostError(lost.message));
  });

  await mkdir(path.join(opts.out, 'runs'), { recursive: true });
  await mkdir(path.join(opts.out, 'store'), { recursive: true });
  const rows: ExperimentRow[] = [];
  const records: { record: RunRecord; run: string; seed: number }[] = [];
  const stages: ExperimentJson['timings']['stages'] = [];
  try {
    for (const spec of exp.runs)
      for (const seed of exp.seeds) {
        const label = `${spec.name} (seed ${seed})`;
        const base = `${spec.name}-seed${seed}`;
        const storeFile = path.join(opts.out, 'store', `${base}.v8`);
        const t0 = Date.now();
        let runId: string;
        const stored = await readRunFile(storeFile);
        if (stored) {
          await restoreRun(db, stored);
          runId = stored.run.id;
          note(
            stored.run.status === 'done'
              ? `${label}: done before (${storeFile}).`
              : `Resuming ${label} from ${storeFile} (${stored.run.status}: ${stored.run.message ?? ''}) ...`,
          );
        } else {
          const config = parseTrainConfig(runConfig(exp, spec, seed), datasetId);
          runId = randomUUID();
          const { writeRunChange } = await import('../../../src/runs/writer');
          await writeRunChange(db, {
            type: 'created',
            run: newRunRecord(config, runId, `${exp.name}: ${label}`, Date.now()),
          });
          note(`Training ${label} ...`);
        }
        if (lost.message !== null) throw new DeviceLostError(lost.message);
        controller = new AbortController();
        // Each save is written to the store file in order; a failed write (disk full) is kept
        // and reported, and later saves still try (a chain that rejects would skip them all).
        const dumped: { error: string | null } = { error: null };
        const dump = (): Promise<void> =>
          dumpRun(db, runId, storeFile).then(
            () => {
              dumped.error = null;
            },
            (e: unknown) => {
              dumped.error = e instanceof Error ? e.message : 'unknown error';
            },
          );
        let saving: Promise<void> = dump();
        let lastNote = 0;
        const run = await runTraining(runId, {
          db,
          source,
          clips,
          environment,
          signal: controller.signal,
          onProgress: (p) => {
            if (Date.now() - lastNote < 15_000) return;
            lastNote = Date.now();
            note(
              `  ${p.phaseName} epoch ${p.epoch + 1}/${p.epochs} batch ${p.batch}/${p.batches} ${p.stage}` +
                (p.loss === null ? '' : ` loss ${p.loss.toFixed(3)}`),
            );
          },
          onSaved: (r) => {
            saving = saving.then(dump);
            opts.afterSave?.(r);
          },
        }).catch(async (e: unknown) => {
          await saving;
          const reason: unknown = controller.signal.reason;
          if (reason instanceof DeviceLostError || lost.message !== null)
            throw new DeviceLostError(
              `${lost.message ?? String(reason)} Run the same command again to resume ${label} ` +
                `from its checkpoint (${storeFile}).`,
            );
          note(`  ${label} failed: ${e instanceof Error ? e.message : String(e)}`);
          return (await readRunFile(storeFile))?.run ?? null;
        });
        await saving;
        if (dumped.error !== null)
          note(
            `  ${label}: its store file ${storeFile} could not be written ` +
              `(${dumped.error}); ` +
              'the run cannot be resumed or imported from it.',
          );
        if (!run) continue;
        stages.push({ stage: `run ${label}`, seconds: (Date.now() - t0) / 1000 });
        const file = `runs/${base}.json`;
        await writeFile(path.join(opts.out, file), JSON.stringify(run, null, 1));
        const row = rowOf(run, spec.name, seed, file);
        rows.push(row);
        records.push({ record: run, run: spec.name, seed });
        note(
          `  ${label} ${run.status}: teacher ${pct(row.teacherAccuracy)}%, final ${pct(row.finalAccuracy)}% on validation` +
            (run.message ? ` (${run.message})` : ''),
        );
      }
  } catch (e) {
    if (e instanceof DeviceLostError) throw new CliError(e.message, EXIT.appFailure);
    throw e;
  } finally {
    await source.close();
    db.close();
  }
  const totalSeconds = (Date.now() - started) / 1000;
  note(`Total wall time ${formatDuration(totalSeconds)}.`);
  const { json, md } = await writeExperimentSummary(opts.out, {
    experiment: exp.name,
    datasetId,
    rows,
    records,
    timings: { stages, totalSeconds },
  });
  const failed =
    rows.length < exp.runs.length * exp.seeds.length || rows.some((r) => r.status !== 'done');
  return { exitCode: failed ? EXIT.appFailure : EXIT.ok, json, text: md };
}
