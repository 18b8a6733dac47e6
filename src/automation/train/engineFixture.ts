/**
 * The engine tests' fixture: a tiny separable task (a bright square in a class-specific corner
 * of the mouth crop), a seeded dataset in fake IndexedDB with train / val / pool items, frames
 * from memory, and the tiny config at 32 px.
 */
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import { stream } from '../../compute/random';
import { openFerDb, type FerDatabase } from '../../storage/db';
import { writeRunChange } from '../../runs/writer';
import { mergeConfig } from '../../model/config';
import { useFastTestBackend } from '../compute/testBackend';
import { tinyTrainConfig, type TrainConfig } from '../../train/config';
import { memoryFrameSource, frameCacheKey } from '../../train/data/source';
import { seedDataset, type SeedItem } from './data';
import type { EngineDeps } from '../../train/run/engine';
import { newRunRecord } from '../../train/run/plan';
import type { RunEnvironment, RunRecord } from '../../train/run/record';

export const SIZE = 32;
export const CLASSES = ['happy', 'sad', 'surprise'] as const;
export const FRAMES = [0, 1, 2, 3, 4, 5];

/**
 * Class c: a bright 10x10 square in a class-specific corner of the mouth crop, over noise; the
 * face and eyes crops are noise only. Easy for a convnet, impossible by chance.
 */
export function frameBytes(cls: number, seed: string): Uint8Array {
  const rng = stream(7, seed);
  const out = new Uint8Array(SIZE * SIZE * 9);
  for (let i = 0; i < out.length; i++) out[i] = 40 + rng.int(60);
  const corners: [number, number][] = [
    [2, 2],
    [20, 2],
    [11, 20],
  ];
  const [x0, y0] = corners[cls] ?? [0, 0];
  for (let y = y0; y < y0 + 10; y++)
    for (let x = x0; x < x0 + 10; x++)
      for (let ch = 6; ch < 9; ch++) out[(y * SIZE + x) * 9 + ch] = 250;
  return out;
}

export const environment: RunEnvironment = {
  backend: 'test',
  backendReason: 'unit test',
  device: 'node',
  tfjsVersion: tf.version.tfjs,
  appVersion: 'test',
  userAgent: 'vitest',
};

/** The current test's database and frames (set by installEngineFixture's beforeEach). */
export let db: FerDatabase;
export let frames: Map<string, Uint8Array>;

export function seedItems(): SeedItem[] {
  const items: SeedItem[] = [];
  CLASSES.forEach((cls, c) => {
    for (let i = 0; i < 4; i++)
      items.push({
        key: `train/${cls}/${i}`,
        rawLabel: cls,
        split: 'train',
        status: 'done',
        frames: FRAMES,
      });
    for (let i = 0; i < 2; i++)
      items.push({
        key: `val/${cls}/${i}`,
        rawLabel: cls,
        split: 'val',
        status: 'done',
        frames: FRAMES,
      });
    for (let i = 0; i < 4; i++)
      items.push({
        key: `pool/${c}-${i}`,
        rawLabel: null,
        hiddenLabel: cls,
        status: 'done',
        frames: FRAMES,
      });
  });
  return items;
}

export function config(over: Partial<TrainConfig['optim']> = {}, iterations = 1): TrainConfig {
  const c = tinyTrainConfig('demo', 5);
  return {
    ...c,
    classes: [...CLASSES],
    model: mergeConfig(c.model, { backbone: { inputSize: SIZE } }),
    data: { ...c.data, framesPerClip: 3 },
    optim: { ...c.optim, epochs: 10, batchSize: 4, learningRate: 3e-3, ...over },
    noisyStudent: { ...c.noisyStudent, iterations, studentEpochs: 2, batchRatio: 1 },
  };
}

export async function newRun(c: TrainConfig, id: string): Promise<RunRecord> {
  const run = newRunRecord(c, id, id, 0);
  await writeRunChange(db, { type: 'created', run });
  return run;
}

export function deps(over: Partial<EngineDeps> = {}): EngineDeps {
  return {
    db,
    source: memoryFrameSource(frames),
    environment,
    signal: new AbortController().signal,
    ...over,
  };
}

/** Registers the hooks: the fast test backend, a fresh database with the seeded dataset per test. */
export function installEngineFixture(extra: SeedItem[] = []): void {
  beforeAll(async () => {
    await useFastTestBackend();
  });

  beforeEach(async () => {
    globalThis.indexedDB = new IDBFactory();
    db = await openFerDb();
    const items = [...seedItems(), ...extra];
    await seedDataset(db, 'demo', { labelled: true, items });
    frames = new Map();
    for (const it of items) {
      const cls = CLASSES.indexOf((it.rawLabel ?? it.hiddenLabel) as (typeof CLASSES)[number]);
      for (const f of FRAMES)
        frames.set(frameCacheKey(`demo:${it.key}`, f, SIZE), frameBytes(cls, `${it.key}/${f}`));
    }
  });
  afterEach(() => db.close());
}
