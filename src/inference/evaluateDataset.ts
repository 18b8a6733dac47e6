/**
 * Cross-corpus evaluation in the inference worker: the loaded model on a stored dataset's split,
 * read by the training loader in eval mode and predicted by the same code as validation
 * (src/train/loop/predict.ts predictClips -> core.ts forwardBatch), with the run's batch size,
 * frames per clip and split rule, so a run's own validation split gives its stored confusion
 * matrix. The record is stored here and only here (src/storage/evaluations.ts).
 */
import * as tf from '@tensorflow/tfjs';
import {
  canonicalClasses,
  CrossEvalError,
  type CrossEvalRequest,
  type CrossEvaluationRecord,
  crossEvaluationRecord,
  readingClasses,
  selectClips,
} from '../evaluate/crossCorpus';
import { currentDatasetState } from '../evaluate/datasetState';
import { fusedKernelsActive } from '../model/kernels';
import type { FerModel } from '../model/model';
import { getDataset } from '../storage/datasets';
import type { FerDatabase } from '../storage/db';
import { putEvaluation } from '../storage/evaluations';
import { clipsPerItem, listClips } from '../train/data/clips';
import { idbFrameSource } from '../train/data/source';
import { predictClips } from '../train/loop/predict';
import { makeLoader } from '../train/run/data';
import type { LoadedModelInfo } from './protocol';

export async function evaluateDataset(
  db: FerDatabase,
  model: FerModel,
  info: LoadedModelInfo,
  req: CrossEvalRequest,
  onProgress: (done: number, total: number) => void,
): Promise<CrossEvaluationRecord> {
  const t0 = performance.now();
  const classes = canonicalClasses(req.classes);
  if (classes.length !== model.config.numClasses)
    throw new CrossEvalError(
      `The model has ${model.config.numClasses} outputs but ${classes.length} class names were given.`,
    );
  const dataset = await getDataset(db, req.datasetId);
  if (!dataset) throw new CrossEvalError(`No dataset '${req.datasetId}' is stored.`);
  if (!dataset.labelled)
    throw new CrossEvalError(`Dataset '${dataset.name}' is unlabelled: nothing to score against.`);
  const read = await listClips(db, req.datasetId, readingClasses(classes));
  const split = selectClips(read.clips, classes, req.split, req.splitOptions);
  if (req.trainedOnAllOf === dataset.id && split.split !== 'test')
    throw new CrossEvalError(
      `This k-fold run trained on every train and validation clip of '${dataset.name}': ` +
        `its ${split.split} split would score clips it learned. Evaluate on its test split ` +
        '(--split test) or on another dataset; its own held-out numbers are in the run.',
    );
  const scored = req.evalUnit === 'item' ? clipsPerItem(split.clips) : split.clips;
  const loader = makeLoader(scored, idbFrameSource(db, { cacheBytes: 0 }), {
    seed: req.splitOptions.seed,
    streamName: split.split === 'validation' ? 'val' : split.split,
    batchSize: req.batchSize,
    framesPerClip: req.framesPerClip,
    inputSize: model.config.backbone.inputSize,
    mode: 'eval',
    augment: false,
  });
  const datasetState = await currentDatasetState(db, dataset.id);
  const total = scored.length;
  onProgress(0, total);
  const predictions = await predictClips(model, loader, {
    onProgress: (done) => onProgress(done, total),
  });
  const record = crossEvaluationRecord(
    {
      runId: info.runId,
      phase: info.phase,
      modelLabel: req.modelLabel,
      weightsSource: req.weightsSource,
      datasetId: dataset.id,
      datasetName: dataset.name,
      split,
      classes,
      framesPerClip: req.framesPerClip,
      evalUnit: req.evalUnit,
    },
    predictions.map((p) => ({ label: p.label ?? 0, predicted: p.predicted })),
    {
      backend: tf.getBackend(),
      kernels: fusedKernelsActive() ? 'fused' : 'tfjs',
      seconds: (performance.now() - t0) / 1000,
      createdAt: Date.now(),
      datasetState,
    },
  );
  await putEvaluation(db, record);
  return record;
}
