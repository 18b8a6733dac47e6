/**
 * The training engine end to end in Node (fake IndexedDB, frames from memory, tiny network on
 * the fastest test backend): it learns a separable task, records what it must, reproduces
 * itself from the seed, and a paused run resumed from its checkpoint ends with exactly the
 * numbers of an uninterrupted one.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { getCheckpoint, getPhaseModel, putRun } from '../../storage/runs';
import { frameCacheKey } from '../data/source';
import { seedDataset, type SeedItem } from '../../automation/train/data';
import { runTraining } from './engine';
import {
  CLASSES,
  config,
  db,
  deps,
  environment,
  frameBytes,
  FRAMES,
  frames,
  installEngineFixture,
  newRun,
  SIZE,
} from '../../automation/train/engineFixture';
import type { RunRecord } from './record';

installEngineFixture();

describe('runTraining', () => {
  it('trains a teacher and a student, records every phase, and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    await newRun(config(), 'r1');
    const run = await runTraining('r1', deps());
    expect(tf.memory().numTensors).toBe(before);
    expect(run.status).toBe('done');
    expect(run.phases.map((p) => p.kind)).toEqual(['teacher', 'student']);
    const [teacher, student] = run.phases;
    expect(teacher?.epochs).toHaveLength(10);
    expect(teacher?.data).toEqual({ train: 12, val: 6, pseudo: 0, test: 0 });
    expect(teacher?.classCounts).toEqual([4, 4, 4]);
    // Learned: well above chance (1/3) on held-out clips.
    expect(teacher?.evaluation?.accuracy).toBeGreaterThanOrEqual(0.8);
    // The confusion matrix covers exactly the validation clips, and matches the predictions.
    const ev = teacher?.evaluation;
    expect(ev?.confusion.flat().reduce((a, b) => a + b, 0)).toBe(6);
    const correct = ev?.predictions.filter((p) => p.label === p.predicted).length ?? -1;
    expect(correct / 6).toBeCloseTo(ev?.accuracy ?? -1, 10);
    // Per-clip attention: frame weights of the real frames sum to 1.
    for (const p of ev?.predictions ?? []) {
      expect(p.frames).toHaveLength(3);
      expect(p.frameWeights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(p.regionWeights).toHaveLength(3);
    }
    // Pseudo-labels: the pool (12 clips, 4 per hidden class), balanced to the labelled mix.
    const pl = student?.pseudoLabels;
    expect(pl?.unlabelled).toBe(12);
    expect(pl?.after).toEqual([4, 4, 4]);
    expect(pl?.hiddenAccuracy).not.toBeNull();
    expect(student?.data.pseudo).toBe(12);
    expect(student?.epochs).toHaveLength(2);
    expect(await getPhaseModel(db, 'r1', 1)).toBeDefined();
  }, 120_000);

  it('reproduces its numbers from the seed, and a paused run resumes to the same numbers', async () => {
    const c = config({ epochs: 3 }, 0);
    await newRun(c, 'a');
    const a = await runTraining('a', deps());

    await newRun(c, 'b');
    const controller = new AbortController();
    const paused = await runTraining(
      'b',
      deps({
        signal: controller.signal,
        onSaved: (r) => {
          if (r.position.epoch === 1) controller.abort('pause');
        },
      }),
    );
    expect(paused.status).toBe('paused');
    expect(paused.phases[0]?.epochs).toHaveLength(1);
    expect((await getCheckpoint(db, 'b'))?.epoch).toBe(1);
    const b = await runTraining('b', deps());
    expect(b.status).toBe('done');
    expect(b.resumes).toHaveLength(1);
    const losses = (r: RunRecord) =>
      r.phases.flatMap((p) => p.epochs.map((e) => [e.trainLoss, e.valLoss, e.valAccuracy]));
    expect(losses(b)).toEqual(losses(a));
    expect(b.phases[0]?.evaluation?.predictions.map((p) => p.probs)).toEqual(
      a.phases[0]?.evaluation?.predictions.map((p) => p.probs),
    );
  }, 120_000);

  it('pre-trains on an image dataset (one-frame clips), then fine-tunes the teacher from it', async () => {
    const images: SeedItem[] = CLASSES.flatMap((cls) =>
      [0, 1, 2, 3].map((i) => ({
        key: `img/${cls}/${i}`,
        rawLabel: cls,
        status: 'done' as const,
        frames: [0],
      })),
    );
    await seedDataset(db, 'img', { labelled: true, items: images });
    for (const it of images)
      frames.set(
        frameCacheKey(`img:${it.key}`, 0, SIZE),
        frameBytes(CLASSES.indexOf(it.rawLabel as (typeof CLASSES)[number]), it.key),
      );
    const c = config({ epochs: 2 }, 0);
    await newRun({ ...c, pretrain: { datasetId: 'img', epochs: 2 } }, 'pre');
    const run = await runTraining('pre', deps());
    expect(run.status).toBe('done');
    expect(run.phases.map((p) => p.kind)).toEqual(['pretrain', 'teacher']);
    // A seeded 80/20 split of the 12 images; every clip one frame.
    expect(run.phases[0]?.data.train).toBeGreaterThan(0);
    expect((run.phases[0]?.data.train ?? 0) + (run.phases[0]?.data.val ?? 0)).toBe(12);
    expect(run.phases[0]?.evaluation?.predictions.every((p) => p.frames.length === 1)).toBe(true);
    expect(await getPhaseModel(db, 'pre', 0)).toBeDefined();
    expect(run.phases[1]?.epochs).toHaveLength(2);
  }, 120_000);

  it('k-fold cross-validation: a teacher per fold, every labelled clip validated once, mean and spread', async () => {
    const c = config({ epochs: 2 }, 0);
    await newRun({ ...c, data: { ...c.data, folds: 3 } }, 'cv');
    const run = await runTraining('cv', deps());
    expect(run.status).toBe('done');
    expect(run.phases.map((p) => [p.kind, p.fold])).toEqual([
      ['teacher', 0],
      ['teacher', 1],
      ['teacher', 2],
    ]);
    const validated = run.phases.flatMap((p) => p.evaluation?.predictions.map((q) => q.key) ?? []);
    expect(validated).toHaveLength(18);
    expect(new Set(validated).size).toBe(18);
    for (const p of run.phases) expect(p.data.train + p.data.val).toBe(18);
    const accs = run.phases.map((p) => p.evaluation?.accuracy ?? Number.NaN);
    const cv = run.crossValidation;
    expect(cv?.teacher).toEqual(accs);
    expect(cv?.teacherMean).toBeCloseTo(accs.reduce((a, b) => a + b, 0) / 3, 12);
  }, 120_000);

  it('a run whose data is missing fails at once with the reason, instead of staying queued', async () => {
    const c = config({}, 0);
    await seedDataset(db, 'raw', {
      labelled: true,
      items: [{ key: 'train/happy/0', rawLabel: 'happy', split: 'train' }],
    });
    await newRun({ ...c, data: { ...c.data, datasetId: 'raw' } }, 'empty');
    await expect(runTraining('empty', deps())).rejects.toThrow(
      /no preprocessed labelled training clips/,
    );
    const { getRun } = await import('../../storage/runs');
    const stored = await getRun(db, 'empty');
    expect(stored?.status).toBe('failed');
    expect(stored?.message).toMatch(/Preprocess it first/);
  });

  it('a NaN / infinite loss pauses the run at its last checkpoint; a lower rate resumes it', async () => {
    const { getRun } = await import('../../storage/runs');
    await newRun(config({ epochs: 3 }, 0), 'nan');
    const controller = new AbortController();
    await runTraining(
      'nan',
      deps({
        signal: controller.signal,
        onSaved: (r) => {
          if (r.position.epoch === 1) controller.abort('pause');
        },
      }),
    );
    // Resumed with an absurd learning rate (as the Train tab allows), epoch 2 blows up.
    const before = await getRun(db, 'nan');
    if (!before) throw new Error('no run');
    before.config.optim.learningRate = 1e30;
    await putRun(db, before);
    const paused = await runTraining('nan', deps());
    expect(paused.status).toBe('paused');
    expect(paused.message).toMatch(/NaN or infinite.*epoch 2.*lower the learning rate/s);
    expect(paused.message).toMatch(/resumes from epoch 2/);
    const stored = await getRun(db, 'nan');
    expect(stored?.status).toBe('paused');
    // No epoch was recorded past the checkpoint, which is still the one of epoch 1.
    expect(stored?.phases[0]?.epochs.map((e) => e.epoch)).toEqual([0]);
    expect(stored?.position).toEqual({ phase: 0, epoch: 1 });
    const ckpt = await getCheckpoint(db, 'nan');
    expect(ckpt?.epoch).toBe(1);
    expect(ckpt?.weights.every((w) => w.values.every((v) => Number.isFinite(v)))).toBe(true);
    // A sane rate again: it finishes from there, every epoch once.
    if (!stored) throw new Error('no run');
    stored.config.optim.learningRate = 3e-3;
    await putRun(db, stored);
    const done = await runTraining('nan', deps());
    expect(done.status).toBe('done');
    expect(done.phases[0]?.epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(done.resumes.map((r) => r.epoch)).toEqual([1, 1]);
  }, 120_000);

  it('a full disk while checkpointing stops the run; the previous checkpoint stays; it resumes', async () => {
    const { getRun } = await import('../../storage/runs');
    const { failPutsInto } = await import('../../automation/storage/quota');
    await newRun(config({ epochs: 4 }, 0), 'full');
    let restore: (() => void) | null = null;
    const controller = new AbortController();
    const e: unknown = await runTraining(
      'full',
      deps({
        signal: controller.signal,
        onSaved: (r) => {
          // After epoch 2's checkpoint, the disk is full.
          if (r.position.epoch === 2 && !restore) restore = failPutsInto('checkpoints');
        },
      }),
    ).catch((x: unknown) => x);
    (restore as (() => void) | null)?.();
    expect(e).toMatchObject({ kind: 'quota' });
    expect((e as Error).message).toMatch(/could not be checkpointed/);
    const stored = await getRun(db, 'full');
    expect(stored?.status).toBe('failed');
    expect(stored?.message).toMatch(/could not be checkpointed.*resumable from epoch 3/s);
    expect(stored?.position).toEqual({ phase: 0, epoch: 2 });
    expect(stored?.phases[0]?.epochs.map((x) => x.epoch)).toEqual([0, 1]);
    expect((await getCheckpoint(db, 'full'))?.epoch).toBe(2);
    // Space again: the run resumes from epoch 3, with no epoch twice.
    const done = await runTraining('full', deps());
    expect(done.status).toBe('done');
    expect(done.phases[0]?.epochs.map((x) => x.epoch)).toEqual([0, 1, 2, 3]);
  }, 120_000);
});

describe('held-out test split and teacher reuse', () => {
  it('evaluates each phase once on the test split at the epoch chosen on validation', async () => {
    await seedDataset(db, 'demo', {
      labelled: true,
      items: CLASSES.flatMap((cls) =>
        [0, 1].map((i) => ({
          key: `test/${cls}/${i}`,
          rawLabel: cls,
          split: 'test' as const,
          status: 'done' as const,
          frames: FRAMES,
        })),
      ),
    });
    for (const cls of CLASSES)
      for (const i of [0, 1])
        for (const f of FRAMES)
          frames.set(
            frameCacheKey(`demo:test/${cls}/${i}`, f, SIZE),
            frameBytes(CLASSES.indexOf(cls), `test/${cls}/${i}/${f}`),
          );
    await newRun(config({ epochs: 3 }, 1), 't');
    const run = await runTraining('t', deps());
    for (const p of run.phases) {
      expect(p.data.test).toBe(6);
      expect(p.test?.predictions.map((q) => q.key).sort()).toEqual(
        CLASSES.flatMap((cls) => [`test/${cls}/0`, `test/${cls}/1`]).sort(),
      );
      // Validation stays the 6 val clips: the test clips chose nothing.
      expect(p.evaluation?.predictions.every((q) => q.key.startsWith('val/'))).toBe(true);
    }
  }, 120_000);

  it('reuseTeacher copies an identical stored teacher; a different seed or model trains its own', async () => {
    const base = config({ epochs: 3 }, 1);
    await newRun(base, 'donor');
    const donor = await runTraining('donor', deps());
    const variant = {
      ...base,
      reuseTeacher: true,
      noisyStudent: { ...base.noisyStudent, noise: { randAugment: false, dropout: 0 } },
    };
    await newRun(variant, 'taker');
    const taker = await runTraining('taker', deps());
    expect(taker.phases[0]?.reusedFrom).toEqual({ runId: 'donor', runName: 'donor' });
    expect(taker.phases[0]?.evaluation).toEqual(donor.phases[0]?.evaluation);
    expect((await getPhaseModel(db, 'taker', 0))?.weights).toEqual(
      (await getPhaseModel(db, 'donor', 0))?.weights,
    );
    // The student trained from the copied teacher, as usual.
    expect(taker.phases[1]?.epochs).toHaveLength(2);
    await newRun({ ...variant, seed: 6 }, 'other-seed');
    expect((await runTraining('other-seed', deps())).phases[0]?.reusedFrom ?? null).toBeNull();
    // Nor a teacher trained with the other kernel mode (the donor's environment: 'tfjs').
    await newRun(variant, 'fused-kernels');
    const fused = await runTraining(
      'fused-kernels',
      deps({ environment: { ...environment, kernels: 'fused' } }),
    );
    expect(fused.phases[0]?.reusedFrom ?? null).toBeNull();
  }, 120_000);
});
