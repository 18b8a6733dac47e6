/**
 * Runs a phase's best model on ONE clip, as the validation did: the stored phase model
 * (getPhaseModel) restored into createModel(phase.modelConfig), the clip's input built by the
 * training loader in eval mode (centre frame of each segment, no augmentation, ImageNet
 * normalisation) from the stored crops, then forward() with the frame mask. Returns the
 * spatial maps of every used stage and the clip's prediction and attention as plain arrays;
 * every tensor is disposed (the model's variables included).
 */
import * as tf from '@tensorflow/tfjs';
import { createModel, disposeForwardOutput, disposeModel, forward } from '../../model/model';
import { getDb } from '../../storage/db';
import { getPhaseModel } from '../../storage/runs';
import { listClips } from '../../train/data/clips';
import { idbFrameSource } from '../../train/data/source';
import { makeLoader } from '../../train/run/data';
import { restoreModel } from '../../train/loop/snapshot';
import type { ClipPrediction, PhaseRecord, RunRecord } from '../../train/run/record';

export interface StageMaps {
  stage: number;
  height: number;
  width: number;
  /** M of the clip: [n, regions, hops, R] flattened row-major. */
  values: Float32Array;
}

export interface ClipAttention {
  itemId: string;
  /** Stored frame indices fed (real frames first; padding repeats are marked by mask 0). */
  frames: number[];
  mask: number[];
  regions: number;
  hops: number;
  maps: StageMaps[];
  probs: number[];
  /** Over the real frames only, as ClipPrediction stores them. */
  frameWeights: number[];
  regionWeights: number[][];
  /** tf.memory().numTensors before and after (equal when nothing leaked). */
  tensorsBefore: number;
  tensorsAfter: number;
}

export async function computeClipAttention(
  run: RunRecord,
  phase: PhaseRecord,
  prediction: ClipPrediction,
): Promise<ClipAttention> {
  await tf.ready();
  const tensorsBefore = tf.memory().numTensors;
  const db = await getDb();
  const stored = await getPhaseModel(db, run.id, phase.index);
  if (!stored)
    throw new Error(
      `The best model of ${phase.name} is not stored (the phase did not finish, or the run was deleted).`,
    );
  // The clip as the run listed it (a mined clip keeps only its accepted frames); an item of
  // another dataset (the unlabelled pool) is looked up there.
  let clip = (await listClips(db, run.config.data.datasetId, run.config.classes)).clips.find(
    (c) => c.itemId === prediction.itemId,
  );
  if (!clip && run.config.data.unlabelledDatasetId)
    clip = (
      await listClips(db, run.config.data.unlabelledDatasetId, run.config.classes)
    ).clips.find((c) => c.itemId === prediction.itemId);
  if (!clip) throw new Error(`The clip ${prediction.key} is no longer stored or preprocessed.`);
  const model = createModel(stored.modelConfig);
  try {
    restoreModel(model, stored.weights);
    const loader = makeLoader([clip], idbFrameSource(db, { cacheBytes: 0 }), {
      seed: run.config.seed,
      streamName: 'val',
      batchSize: 1,
      framesPerClip: phase.kind === 'pretrain' ? 1 : run.config.data.framesPerClip,
      inputSize: stored.modelConfig.backbone.inputSize,
      mode: 'eval',
      augment: false,
    });
    for await (const batch of loader.epoch(0)) {
      try {
        const fwd = forward(model, batch.x, { training: false, frameMask: batch.mask });
        try {
          const probsT = tf.softmax(fwd.logits);
          const [probs, frameW, regionW, mask, ...maps] = await Promise.all([
            probsT.data(),
            fwd.attention.frameWeights.data(),
            fwd.attention.regionWeights ? fwd.attention.regionWeights.data() : null,
            batch.mask.data(),
            ...fwd.attention.spatial.map((s) => s.m.data()),
          ]);
          probsT.dispose();
          const regions = model.config.backbone.regions;
          const frames = batch.frameIndices[0] ?? [];
          const real = frames.map((_, j) => j).filter((j) => (mask[j] ?? 0) > 0);
          return {
            itemId: clip.itemId,
            frames,
            mask: Array.from(mask),
            regions,
            hops: model.config.spatialAttention.hops,
            maps: fwd.attention.spatial.map((s, i) => ({
              stage: s.stage,
              height: s.height,
              width: s.width,
              values: Float32Array.from(maps[i] ?? []),
            })),
            probs: Array.from(probs),
            frameWeights: real.map((j) => frameW[j] ?? 0),
            regionWeights: regionW
              ? real.map((j) => Array.from(regionW.subarray(j * regions, (j + 1) * regions)))
              : [],
            tensorsBefore,
            tensorsAfter: -1,
          };
        } finally {
          disposeForwardOutput(fwd);
        }
      } finally {
        tf.dispose([batch.x, batch.mask]);
      }
    }
    throw new Error('The loader produced no batch for the clip.');
  } finally {
    disposeModel(model);
  }
}

/** computeClipAttention with the tensor count after everything was disposed. */
export async function computeClipAttentionChecked(
  run: RunRecord,
  phase: PhaseRecord,
  prediction: ClipPrediction,
): Promise<ClipAttention> {
  const r = await computeClipAttention(run, phase, prediction);
  return { ...r, tensorsAfter: tf.memory().numTensors };
}
