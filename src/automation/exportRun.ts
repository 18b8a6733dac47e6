/**
 * `window.__ferExport`: the headless runner's `export` command. It builds the files the
 * Export panel downloads, with the same code (src/export/*): the phase's weights in the
 * documented format (docs/weights-format.md) as loose files under weights/, the
 * predictions CSV, the pseudo-labels CSV (when a phase has pseudo-labels) and the one-file
 * HTML report. The report has no charts: the panel copies them from the rendered page, and
 * no page renders here.
 */
import { safeFileName } from '../export/download';
import { runReportHtml } from '../export/html';
import { predictionsCsv, pseudoLabelsCsv } from '../export/tables';
import { modelFromPhaseRecord, weightsFiles } from '../export/weights';
import { exportWeights } from '../model/weights';
import { readPhaseModel, readStoredRun } from '../runs/api';
import { pickPhase } from '../runs/phases';
import { getDb } from '../storage/db';
import { phaseModelKey } from '../storage/runs';
import { writeRunChange } from '../runs/writer';
import { snapshotModel } from '../train/loop/snapshot';
import type { RunRecord } from '../train/run/record';
import { createModel, disposeModel } from '../model/model';

/** One file to write, relative to the output folder, with its bytes as base64. */
export interface ExportFileData {
  path: string;
  bytes: number;
  base64: string;
}

export interface RunExportData {
  runId: string;
  phase: { index: number; name: string };
  files: ExportFileData[];
}

export interface ExportDebugApi {
  /** The run's export files; phase null: the best on validation (src/runs/phases.ts). */
  runFiles: (runId: string, phase: number | null) => Promise<RunExportData>;
  /**
   * Tests only: stores a hand-made run record with a freshly initialised (untrained) model
   * for each evaluated phase, as the engine stores a finished phase's model, so export and
   * inference can be tested without training.
   */
  storeUntrainedRun: (run: RunRecord) => Promise<void>;
}

declare global {
  interface Window {
    /** Installed by installExportDebugHook (src/automation/exportRun.ts). */
    __ferExport?: ExportDebugApi;
  }
}

function fileData(path: string, data: Uint8Array | string): ExportFileData {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { path, bytes: bytes.length, base64: btoa(binary) };
}

async function runFiles(runId: string, wanted: number | null): Promise<RunExportData> {
  const run = await readStoredRun(runId);
  if (!run) throw new Error(`No run with id ${runId}.`);
  if (wanted !== null && !run.phases.some((p) => p.index === wanted && p.evaluation !== null))
    throw new Error(`Run ${runId} has no finished phase ${wanted}.`);
  const phase = pickPhase(run, wanted);
  if (!phase) throw new Error(`Run ${runId} has no finished phase with a stored model yet.`);
  const model = modelFromPhaseRecord(await readPhaseModel(run, phase));
  let weights;
  try {
    weights = weightsFiles(await exportWeights(model));
  } finally {
    disposeModel(model);
  }
  const base = safeFileName(run.name);
  const files = weights.map((f) => fileData(`weights/${f.name}`, f.bytes));
  files.push(fileData(`${base}-predictions.csv`, predictionsCsv(run)));
  if (run.phases.some((p) => p.pseudoLabels))
    files.push(fileData(`${base}-pseudo-labels.csv`, pseudoLabelsCsv(run)));
  files.push(fileData(`${base}-report.html`, runReportHtml(run)));
  return { runId, phase: { index: phase.index, name: phase.name }, files };
}

async function storeUntrainedRun(run: RunRecord): Promise<void> {
  const db = await getDb();
  await writeRunChange(db, { type: 'created', run });
  for (const phase of run.phases.filter((p) => p.evaluation !== null)) {
    const model = createModel(phase.modelConfig);
    try {
      const phaseModel = {
        kind: 'phase-model' as const,
        id: phaseModelKey(run.id, phase.index),
        runId: run.id,
        phase: phase.index,
        modelConfig: phase.modelConfig,
        weights: await snapshotModel(model),
      };
      // Through the one writer of run records (scripts/runWriter.test.ts), as training does.
      await writeRunChange(db, { type: 'progress', run, phaseModel });
    } finally {
      disposeModel(model);
    }
  }
}

export function installExportDebugHook(): void {
  window.__ferExport = { runFiles, storeUntrainedRun };
}
