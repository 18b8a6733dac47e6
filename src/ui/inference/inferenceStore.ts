/**
 * The Inference tab's state and the Results tab's spatial maps: what model is loaded in the
 * inference worker, what was predicted, what is running. Every forward pass runs in the worker
 * (src/inference/client.ts); this store holds plain results only, no tensors.
 */
import { clipFramesNote } from '../../preprocess/outcomeNotes';
import { create } from 'zustand';
import {
  importModel,
  loadStoredModel,
  onInferenceCrash,
  predictMediaFrames,
  predictStoredClip,
  spatialAttention,
} from '../../inference/client';
import { mediaClip } from '../../inference/media';
import type { ClipAttention, InferenceResult, LoadedModelInfo } from '../../inference/protocol';
import { checkWeightFileSizes } from '../../export/weights';
import type { ClipPrediction } from '../../train/run/record';
import { computeChoice } from '../store';

export interface Shown {
  result: InferenceResult;
  what: string;
  /** The stored prediction of the same clip, when the input was a stored clip. */
  stored: ClipPrediction | null;
  /** Face crops of the fed frames (dropped media), for display. */
  faces: Blob[];
}

/** The spatial maps of one (run, phase, clip), computed on demand. */
export interface SpatialState {
  key: string;
  busy: boolean;
  result: ClipAttention | null;
  error: string | null;
}

export interface InferenceState {
  /** The picked run and phase (null: the newest run, its best phase) and stored clip. */
  runId: string | null;
  phase: number | null;
  clipKey: string | null;
  loaded: LoadedModelInfo | null;
  busy: string | null;
  error: string | null;
  shown: Shown | null;
  spatial: SpatialState | null;
  pickRun: (runId: string) => void;
  pickPhase: (phase: number) => void;
  pickClip: (key: string) => void;
  loadStored: (runId: string, phase: number) => Promise<void>;
  importFiles: (files: readonly File[], runId: string | null) => Promise<void>;
  predictStored: (clip: ClipPrediction) => Promise<void>;
  predictMedia: (file: File, framesPerClip: number) => Promise<void>;
  computeSpatial: (runId: string, phase: number, itemId: string, clipKey: string) => Promise<void>;
}

const compute = computeChoice;
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
export const spatialKey = (runId: string, phase: number, clipKey: string): string =>
  `${runId}/${phase}/${clipKey}`;

export const useInferenceStore = create<InferenceState>((set, get) => {
  onInferenceCrash((m) => set({ loaded: null, shown: null, busy: null, error: m }));
  const act = async (label: string, what: () => Promise<Partial<InferenceState>>) => {
    set({ busy: label, error: null });
    try {
      set({ ...(await what()), busy: null });
    } catch (e) {
      set({ busy: null, error: message(e) });
    }
  };
  return {
    runId: null,
    phase: null,
    clipKey: null,
    loaded: null,
    busy: null,
    error: null,
    shown: null,
    spatial: null,
    pickRun: (runId) => set({ runId, phase: null }),
    pickPhase: (phase) => set({ phase }),
    pickClip: (clipKey) => set({ clipKey }),
    loadStored: (runId, phase) =>
      act('loading', async () => ({
        loaded: await loadStoredModel(compute(), runId, phase),
        shown: null,
      })),
    importFiles: (files, runId) =>
      act('importing', async () => {
        if (files.length === 0) return {};
        checkWeightFileSizes(files);
        const named = await Promise.all(
          files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
        );
        return { loaded: await importModel(compute(), named, runId), shown: null };
      }),
    predictStored: (clip) =>
      act('predicting', async () => {
        if (!get().loaded) throw new Error('Load a model first.');
        const result = await predictStoredClip({
          itemId: clip.itemId,
          key: clip.key,
          frames: clip.frames,
        });
        return { shown: { result, what: `stored clip ${clip.key}`, stored: clip, faces: [] } };
      }),
    predictMedia: (file, framesPerClip) =>
      act('preprocessing and predicting', async () => {
        if (!get().loaded) throw new Error('Load a model first.');
        const clip = await mediaClip(file, framesPerClip);
        const result = await predictMediaFrames(clip.frames);
        return {
          shown: {
            result,
            what: clipFramesNote({
              name: file.name,
              sampled: clip.report.sampled,
              withFace: clip.report.kept,
              used: clip.frames.length,
              perClip: framesPerClip,
            }),
            stored: null,
            faces: clip.frames.map((f) => f.crops.face),
          },
        };
      }),
    computeSpatial: async (runId, phase, itemId, clipKey) => {
      const key = spatialKey(runId, phase, clipKey);
      set({ spatial: { key, busy: true, result: null, error: null } });
      let next: SpatialState;
      try {
        const result = await spatialAttention(compute(), runId, phase, itemId, clipKey);
        next = { key, busy: false, result, error: null };
      } catch (e) {
        next = { key, busy: false, result: null, error: message(e) };
      }
      // A later request (another clip) owns the state now: this answer is dropped.
      if (get().spatial?.key === key) set({ spatial: next });
    },
  };
});
