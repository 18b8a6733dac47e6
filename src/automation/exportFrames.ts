/**
 * `window.__ferFrames`: the headless runner's `export-frames` command (scripts/lib/frames). The
 * dataset's clips exactly as the training loader lists them (listClips, with every canonical
 * class: the Node runtime maps them to a run's classes), and their frames decoded by the
 * training data's own frame source (idbFrameSource: the same decoder and resize), so training
 * in Node sees the pixels browser training sees. Frames travel to Node in chunks, as base64.
 * `window.__ferImportRun` (`import-run`): a run trained in Node, stored into this profile.
 */
import { CANONICAL_CLASSES } from '../ingest/labels';
import { getDataset, listDatasets } from '../storage/datasets';
import { writeRunChange } from '../runs/writer';
import { getDb } from '../storage/db';
import { getPhaseModel, getRun } from '../storage/runs';
import { base64ToBytes } from './base64';
import { type ClipRef, listClips } from '../train/data/clips';
import { idbFrameSource, type FrameSource } from '../train/data/source';
import type { PhaseModelRecord, RunRecord } from '../train/run/record';

export interface FramesDatasetInfo {
  dataset: { id: string; name: string; labelled: boolean };
  /** Labels are indices into CANONICAL_CLASSES. */
  clips: ClipRef[];
  skipped: Record<string, number>;
}

export interface FramesDebugApi {
  /** The dataset (its id or exact name) and its clips; remembered for `read`. */
  clips: (dataset: string) => Promise<FramesDatasetInfo>;
  /**
   * Frames of the listed clips, decoded at `size` px, back to back (S*S*9 bytes each), as
   * base64. `want`: [clip index in the `clips` answer, frame index] pairs.
   */
  read: (datasetId: string, want: [number, number][], size: number) => Promise<string>;
}

declare global {
  interface Window {
    /** Installed by installFramesDebugHook (src/automation/exportFrames.ts). */
    __ferFrames?: FramesDebugApi;
  }
}

let listed: { datasetId: string; clips: ClipRef[] } | null = null;
let source: FrameSource | null = null;

async function clips(dataset: string): Promise<FramesDatasetInfo> {
  const db = await getDb();
  const found =
    (await getDataset(db, dataset)) ?? (await listDatasets(db)).find((d) => d.name === dataset);
  if (!found) throw new Error(`No stored dataset named "${dataset}" (see: datasets).`);
  const index = await listClips(db, found.id, CANONICAL_CLASSES);
  listed = { datasetId: found.id, clips: index.clips };
  return {
    dataset: { id: found.id, name: found.name, labelled: found.labelled },
    clips: index.clips,
    skipped: index.skipped,
  };
}

async function read(datasetId: string, want: [number, number][], size: number): Promise<string> {
  if (listed?.datasetId !== datasetId) throw new Error(`List the clips of ${datasetId} first.`);
  // No cache: each frame is read once.
  source ??= idbFrameSource(await getDb(), { cacheBytes: 0 });
  const all = listed.clips;
  const frames = await Promise.all(
    want.map(([c, f]) => {
      const clip = all[c];
      if (!clip) throw new Error(`No clip ${c} in ${datasetId}.`);
      return (source as FrameSource).load(clip, f, size);
    }),
  );
  let binary = '';
  for (const bytes of frames)
    for (let i = 0; i < bytes.length; i += 0x8000)
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** A phase model with its tensors' values as base64 (little-endian float32), for import-run. */
export interface PhaseModelTransfer extends Omit<PhaseModelRecord, 'weights'> {
  weights: { name: string; shape: number[]; base64: string }[];
}

export interface ImportRunApi {
  /** Stores a finished run trained elsewhere (the Node runtime), then each phase model. */
  run: (run: RunRecord) => Promise<void>;
  phaseModel: (runId: string, model: PhaseModelTransfer) => Promise<void>;
}

declare global {
  interface Window {
    /** Installed by installFramesDebugHook (src/automation/exportFrames.ts). */
    __ferImportRun?: ImportRunApi;
  }
}

const importing = new Map<string, RunRecord>();

async function importRunRecord(run: RunRecord): Promise<void> {
  const db = await getDb();
  if (run.status !== 'done')
    throw new Error(`Run "${run.name}" is ${run.status}: finish it where it trained first.`);
  if (await getRun(db, run.id)) {
    // An import that stopped part-way (a phase model failed to store) is completed by running
    // it again; a complete one is refused.
    const have = await Promise.all(run.phases.map((p) => getPhaseModel(db, run.id, p.index)));
    if (have.every((m) => m !== undefined))
      throw new Error(`Run ${run.id} is already in this profile.`);
    importing.set(run.id, run);
    return;
  }
  // Through the one writer of run records (scripts/runWriter.test.ts), as training does.
  await writeRunChange(db, { type: 'created', run });
  importing.set(run.id, run);
}

async function importPhaseModel(runId: string, m: PhaseModelTransfer): Promise<void> {
  const run = importing.get(runId);
  if (!run) throw new Error(`Import run ${runId} first.`);
  const weights = m.weights.map((w) => ({
    name: w.name,
    shape: w.shape,
    values: new Float32Array(base64ToBytes(w.base64).buffer),
  }));
  await writeRunChange(await getDb(), {
    type: 'progress',
    run,
    phaseModel: { ...m, weights },
  });
}

export function installFramesDebugHook(): void {
  window.__ferFrames = { clips, read };
  window.__ferImportRun = { run: importRunRecord, phaseModel: importPhaseModel };
}
