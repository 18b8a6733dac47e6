/**
 * `window.__ferPredict`: the headless runner's `predict` command. It drives the Inference
 * tab's path (src/inference: the inference worker through its client, mediaClip for
 * preprocessing): load a stored phase model or imported weights, then preprocess and predict
 * each file on the hidden test input. Files without a usable face get the preprocessing note.
 */
import { importModel, loadStoredModel, predictMediaFrames } from '../inference/client';
import { mediaClip } from '../inference/media';
import type { InferenceResult, LoadedModelInfo } from '../inference/protocol';
import { readStoredRun } from '../runs/api';
import { pickPhase } from '../runs/phases';
import { computeChoice } from '../ui/store';
import { base64ToBytes } from './base64';

export interface PredictFileResult {
  name: string;
  /** Null when the file could not be used; `note` says why. */
  result: InferenceResult | null;
  note: string | null;
  sampled: number;
  withFace: number;
}

export interface PredictDebugApi {
  /** Loads a run's phase model (null: best on validation); resolves the frames per clip. */
  loadRun: (
    runId: string,
    phase: number | null,
  ) => Promise<{ model: LoadedModelInfo; phase: { index: number; name: string }; frames: number }>;
  /** Loads exported weights (model.json + shards, bytes as base64). */
  loadWeights: (files: { name: string; base64: string }[]) => Promise<LoadedModelInfo>;
  /** Predicts every file on the test input `testapi.files` with the loaded model. */
  predictTestFiles: (framesPerClip: number) => Promise<PredictFileResult[]>;
}

declare global {
  interface Window {
    /** Installed by installPredictDebugHook (src/automation/predict.ts). */
    __ferPredict?: PredictDebugApi;
  }
}

const compute = computeChoice;

export function installPredictDebugHook(): void {
  window.__ferPredict = {
    loadRun: async (runId, wanted) => {
      const run = await readStoredRun(runId);
      if (!run) throw new Error(`No run with id ${runId}.`);
      const phase = pickPhase(run, wanted);
      if (!phase) throw new Error(`Run ${runId} has no finished phase with a stored model.`);
      const model = await loadStoredModel(compute(), runId, phase.index);
      return {
        model,
        phase: { index: phase.index, name: phase.name },
        frames: run.config.data.framesPerClip,
      };
    },
    loadWeights: async (files) =>
      importModel(
        compute(),
        files.map((f) => ({ name: f.name, bytes: base64ToBytes(f.base64) })),
        null,
      ),
    predictTestFiles: async (framesPerClip) => {
      const input = document.querySelector<HTMLInputElement>('[data-testid="testapi.files"]');
      const out: PredictFileResult[] = [];
      for (const file of Array.from(input?.files ?? [])) {
        try {
          const clip = await mediaClip(file, framesPerClip);
          const result = await predictMediaFrames(clip.frames);
          out.push({
            name: file.name,
            result,
            note: null,
            sampled: clip.report.sampled,
            withFace: clip.report.kept,
          });
        } catch (e) {
          const note = e instanceof Error ? e.message : String(e);
          out.push({ name: file.name, result: null, note, sampled: 0, withFace: 0 });
        }
      }
      return out;
    },
  };
}
