/**
 * Spatial attention of one clip (Eq. 1-2), recomputed as validation computed it: the phase's
 * stored best model restored, the clip as the run listed it (a mined clip keeps only its
 * accepted frames) through the training loader in eval mode (centre frame of each segment, no
 * augmentation, ImageNet normalisation), then the shared forward pass (core.ts) with the maps.
 * Runs in the inference worker; every tensor is disposed, the model's variables included.
 */
import * as tf from '@tensorflow/tfjs';
import { createModel, disposeModel } from '../model/model';
import type { FerDatabase } from '../storage/db';
import { getPhaseModel, getRun } from '../storage/runs';
import { listClips, scoredClipOf } from '../train/data/clips';
import { idbFrameSource } from '../train/data/source';
import { restoreModel } from '../train/loop/snapshot';
import { makeLoader } from '../train/run/data';
import { forwardBatch } from './core';
import type { ClipAttention } from './protocol';

export async function clipAttention(
  db: FerDatabase,
  runId: string,
  phaseIndex: number,
  itemId: string,
  /** The clip's key (ClipPrediction.key): which of a mined item's clips; default its first. */
  clipKey?: string,
): Promise<ClipAttention> {
  const tensorsBefore = tf.memory().numTensors;
  const run = await getRun(db, runId);
  const phase = run?.phases.find((p) => p.index === phaseIndex);
  if (!run || !phase) throw new Error(`The run ${runId} (phase ${phaseIndex}) is not stored.`);
  const stored = await getPhaseModel(db, run.id, phase.index);
  if (!stored)
    throw new Error(
      `The best model of ${phase.name} is not stored (the phase did not finish, or the run was deleted).`,
    );
  // An item of another dataset (the unlabelled pool) is looked up there.
  const datasets = [run.config.data.datasetId, run.config.data.unlabelledDatasetId ?? null];
  let clip = null;
  for (const d of datasets) {
    if (clip || d === null) continue;
    const { clips } = await listClips(db, d, run.config.classes);
    // The labelled dataset's example as validation scored it (per item unless evalUnit 'clip').
    const unit = d === run.config.data.datasetId ? (run.config.data.evalUnit ?? 'item') : 'clip';
    clip = scoredClipOf(clips, itemId, unit, clipKey);
  }
  if (!clip) throw new Error(`The clip ${itemId} is no longer stored or preprocessed.`);
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
        const [o] = await forwardBatch(model, batch, { spatial: true });
        if (!o) break;
        return {
          itemId: clip.itemId,
          frames: o.fed,
          mask: o.mask,
          regions: model.config.backbone.regions,
          hops: model.config.spatialAttention.hops,
          maps: o.maps,
          probs: o.probs,
          frameWeights: o.frameWeights,
          regionWeights: o.regionWeights,
          tensorsBefore,
          tensorsAfter: -1,
        };
      } finally {
        tf.dispose([batch.x, batch.mask]);
      }
    }
    throw new Error('The loader produced no batch for the clip.');
  } finally {
    disposeModel(model);
  }
}

/** clipAttention with the tensor count after everything was disposed. */
export async function clipAttentionChecked(
  db: FerDatabase,
  runId: string,
  phaseIndex: number,
  itemId: string,
  clipKey?: string,
): Promise<ClipAttention> {
  const r = await clipAttention(db, runId, phaseIndex, itemId, clipKey);
  return { ...r, tensorsAfter: tf.memory().numTensors };
}
