/**
 * The inference worker's state and work (workers/inference.worker.ts): one loaded model (a
 * stored phase model or imported weights; a failed load keeps the previous one), predictions
 * of a stored clip or of a dropped file's crops, and spatial maps. Inputs go through the
 * training loader in eval mode (frames, 9-channel interleave, ImageNet normalisation) and the
 * shared forward pass (core.ts): the same numbers as validation.
 */
import type { BackendName } from '../compute/backend';
import { importWeightFiles, modelFromPhaseRecord } from '../export/weights';
import { paramCounts } from '../model/flops';
import { disposeModel, type FerModel } from '../model/model';
import type { FerDatabase } from '../storage/db';
import { getPhaseModel, getRun } from '../storage/runs';
import {
  frameCacheKey,
  idbFrameSource,
  imageBitmapDecoder,
  interleaveRegions,
  memoryFrameSource,
} from '../train/data/source';
import type { CrossEvalRequest, CrossEvaluationRecord } from '../evaluate/crossCorpus';
import { evaluateDataset } from './evaluateDataset';
import { clipRef, predictClip } from './predictClip';
import type {
  InferenceResult,
  LoadedModelInfo,
  MediaFrameInput,
  NamedBytes,
  StoredClipInput,
} from './protocol';

const REGIONS = ['face', 'eyes', 'mouth'] as const;

export interface InferenceEngineDeps {
  db: () => Promise<FerDatabase>;
  /** Starts the backend once (the app's choice); later calls keep it. */
  initBackend: (preferred: BackendName | null) => Promise<void>;
}

export class InferenceEngine {
  private model: FerModel | null = null;
  private info: LoadedModelInfo | null = null;

  constructor(private readonly deps: InferenceEngineDeps) {}

  /** Replaces the loaded model only once the new one exists. */
  private install(
    model: FerModel,
    source: string,
    runId: string | null,
    phase: number | null,
  ): LoadedModelInfo {
    const old = this.model;
    this.model = model;
    if (old) disposeModel(old);
    const params = paramCounts(model.config).total;
    this.info = { source, runId, phase, config: model.config, params };
    return this.info;
  }

  async loadStored(
    backend: BackendName | null,
    runId: string,
    phase: number,
  ): Promise<LoadedModelInfo> {
    await this.deps.initBackend(backend);
    const db = await this.deps.db();
    const run = await getRun(db, runId);
    const p = run?.phases.find((x) => x.index === phase);
    if (!run || !p) throw new Error(`The run ${runId} (phase ${phase}) is not stored.`);
    const rec = await getPhaseModel(db, runId, phase);
    if (!rec) throw new Error(`The model of "${p.name}" is not stored.`);
    return this.install(
      modelFromPhaseRecord(rec),
      `${run.name} / ${p.name} (stored)`,
      runId,
      phase,
    );
  }

  async importFiles(
    backend: BackendName | null,
    files: NamedBytes[],
    runId: string | null,
  ): Promise<LoadedModelInfo> {
    await this.deps.initBackend(backend);
    const model = importWeightFiles(files); // throws before anything is replaced
    return this.install(model, `imported: ${files.map((f) => f.name).join(', ')}`, runId, null);
  }

  private loaded(): FerModel {
    if (!this.model) throw new Error('Load a model first.');
    return this.model;
  }

  /** A stored clip, read and decoded as the training loader reads it. */
  async predictStored(clip: StoredClipInput): Promise<InferenceResult> {
    if (clip.frames.length === 0) throw new Error('No frame to predict from.');
    const source = idbFrameSource(await this.deps.db(), { cacheBytes: 0 });
    return predictClip(this.loaded(), source, clipRef(clip.itemId, clip.key, clip.frames));
  }

  /** A dropped file's chosen frames (their crops decoded here, at the model's input size). */
  async predictMedia(frames: MediaFrameInput[]): Promise<InferenceResult> {
    const size = this.loaded().config.backbone.inputSize;
    if (frames.length === 0) throw new Error('No frame to predict from.');
    const decode = imageBitmapDecoder();
    const bytes = new Map<string, Uint8Array>();
    for (const f of frames) {
      const rgba = [];
      for (const r of REGIONS) rgba.push(await decode(f.crops[r], size));
      bytes.set(frameCacheKey('media', f.frameIndex, size), interleaveRegions(rgba, size));
    }
    const ids = frames.map((f) => f.frameIndex);
    return predictClip(this.loaded(), memoryFrameSource(bytes), clipRef('media', 'media', ids));
  }

  /**
   * A stored phase model (`stored`; loaded for this evaluation only, so the Inference tab's
   * model stays loaded) or else the loaded model, on a stored dataset's split; the record is
   * stored (evaluateDataset.ts).
   */
  async evaluate(
    backend: BackendName | null,
    stored: { runId: string; phase: number } | null,
    req: CrossEvalRequest,
    onProgress: (done: number, total: number) => void,
  ): Promise<CrossEvaluationRecord> {
    await this.deps.initBackend(backend);
    const db = await this.deps.db();
    if (!stored) {
      const model = this.loaded();
      if (!this.info) throw new Error('Load a model first.');
      return evaluateDataset(db, model, this.info, req, onProgress);
    }
    const rec = await getPhaseModel(db, stored.runId, stored.phase);
    if (!rec)
      throw new Error(`The model of run ${stored.runId} phase ${stored.phase} is not stored.`);
    const model = modelFromPhaseRecord(rec);
    try {
      const info: LoadedModelInfo = {
        source: req.modelLabel,
        runId: stored.runId,
        phase: stored.phase,
        config: model.config,
        params: paramCounts(model.config).total,
      };
      return await evaluateDataset(db, model, info, req, onProgress);
    } finally {
      disposeModel(model);
    }
  }

  get current(): LoadedModelInfo | null {
    return this.info;
  }
}
