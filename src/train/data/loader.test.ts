import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RAND_AUGMENT } from '../augment/randAugment';
import type { ClipRef } from './clips';
import { ClipLoader, type ClipBatch, type LoaderConfig } from './loader';
import { FrameLoadError, memoryFrameSource, type FrameSource } from './source';

const S = 4;
const T = 3;

function clip(i: number, frames: number[]): ClipRef {
  const key = `train/c${String(i).padStart(2, '0')}`;
  return {
    itemId: `d:${key}`,
    datasetId: 'd',
    key,
    label: i % 2,
    hiddenLabel: null,
    subject: null,
    split: null,
    frames,
  };
}

/** Clip i has frames 0..(i % 5 + 1) * 2 - 1; every byte of frame f of clip i is i * 10 + f. */
const CLIPS = Array.from({ length: 10 }, (_, i) =>
  clip(
    i,
    Array.from({ length: ((i % 5) + 1) * 2 }, (_, f) => f),
  ),
);
const byteOf = (c: ClipRef, f: number): number => Number(c.key.slice(-2)) * 10 + f;

function source(clips: readonly ClipRef[] = CLIPS): FrameSource {
  const m = new Map<string, Uint8Array>();
  for (const c of clips)
    for (const f of c.frames)
      m.set(`${c.itemId}/${f}/${S}`, new Uint8Array(S * S * 9).fill(byteOf(c, f)));
  return memoryFrameSource(m);
}

const CONFIG: LoaderConfig = {
  framesPerClip: T,
  inputSize: S,
  batchSize: 4,
  seed: 11,
  streamName: 'labelled',
  shuffle: true,
  mode: 'train',
  augment: null,
  normalise: { mean: [0, 0, 0], std: [1, 1, 1] },
  prefetch: 1,
};

interface Plain {
  keys: string[];
  frames: number[][];
  x: number[];
  mask: number[];
  index: number;
}

async function collect(gen: AsyncGenerator<ClipBatch>): Promise<Plain[]> {
  const out: Plain[] = [];
  for await (const b of gen) {
    out.push({
      keys: b.clips.map((c) => c.key),
      frames: b.frameIndices,
      x: Array.from(await b.x.data()),
      mask: Array.from(await b.mask.data()),
      index: b.index,
    });
    tf.dispose([b.x, b.mask]);
  }
  return out;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ClipLoader', () => {
  it('gives batches of [B, T, S, S, 9] with masks, every clip once per epoch', async () => {
    const loader = new ClipLoader(CLIPS, source(), CONFIG);
    expect(loader.batchesPerEpoch()).toBe(3);
    const seen: string[] = [];
    const shapes: number[][] = [];
    for await (const b of loader.epoch(0)) {
      shapes.push(b.x.shape, b.mask.shape);
      seen.push(...b.clips.map((c) => c.key));
      const x = b.x.arraySync();
      const mask = b.mask.arraySync();
      b.clips.forEach((c, i) => {
        b.frameIndices[i]?.forEach((f, t) => {
          expect(c.frames).toContain(f);
          expect(x[i]?.[t]?.[1]?.[2]?.[7]).toBeCloseTo(byteOf(c, f) / 255, 6);
        });
        // Clip 0 and 5 have 2 frames: the third is padding.
        expect(mask[i]).toEqual(c.frames.length < T ? [1, 1, 0] : [1, 1, 1]);
      });
      tf.dispose([b.x, b.mask]);
    }
    expect(shapes).toEqual([
      [4, T, S, S, 9],
      [4, T],
      [4, T, S, S, 9],
      [4, T],
      [2, T, S, S, 9],
      [2, T],
    ]);
    expect(seen.sort()).toEqual(CLIPS.map((c) => c.key));
    expect(new ClipLoader(CLIPS, source(), { ...CONFIG, dropLast: true }).batchesPerEpoch()).toBe(
      2,
    );
  });

  it('same seed: identical batches; other epochs and streams differ; input order does not matter', async () => {
    const config = { ...CONFIG, augment: DEFAULT_RAND_AUGMENT };
    const a = await collect(new ClipLoader(CLIPS, source(), config).epoch(2));
    const b = await collect(new ClipLoader([...CLIPS].reverse(), source(), config).epoch(2));
    expect(b).toEqual(a);
    const other = await collect(new ClipLoader(CLIPS, source(), config).epoch(3));
    expect(other.map((p) => p.keys)).not.toEqual(a.map((p) => p.keys));
    const pseudo = await collect(
      new ClipLoader(CLIPS, source(), { ...config, streamName: 'pseudo' }).epoch(2),
    );
    expect(pseudo.map((p) => p.keys)).not.toEqual(a.map((p) => p.keys));
  });

  it('resuming at batch k gives the tail of the full epoch', async () => {
    const config = { ...CONFIG, augment: DEFAULT_RAND_AUGMENT, prefetch: 2 };
    const full = await collect(new ClipLoader(CLIPS, source(), config).epoch(5));
    const tail = await collect(
      new ClipLoader(CLIPS, source(), { ...config, prefetch: 0 }).epoch(5, 1),
    );
    expect(tail).toEqual(full.slice(1));
    expect(tail[0]?.index).toBe(1);
  });

  it('eval without shuffle keeps the given order and takes segment centres', async () => {
    const loader = new ClipLoader(CLIPS, source(), { ...CONFIG, shuffle: false, mode: 'eval' });
    const batches = await collect(loader.epoch(0));
    expect(batches.flatMap((b) => b.keys)).toEqual(CLIPS.map((c) => c.key));
    expect(batches[0]?.frames[3]).toEqual([1, 3, 6]); // 8 frames in 3 segments: 0-1, 2-4, 5-7
  });

  it('leaves no tensors behind when the consumer stops early or a frame fails', async () => {
    const start = tf.memory().numTensors;
    const loader = new ClipLoader(CLIPS, source(), {
      ...CONFIG,
      augment: DEFAULT_RAND_AUGMENT,
      prefetch: 2,
    });
    for await (const b of loader.epoch(0)) {
      tf.dispose([b.x, b.mask]);
      break;
    }
    expect(tf.memory().numTensors).toBe(start);
    const broken = source(CLIPS.slice(0, 3)); // frames of later clips are missing
    const failing = new ClipLoader(CLIPS, broken, { ...CONFIG, shuffle: false });
    await expect(collect(failing.epoch(0))).rejects.toThrow(FrameLoadError);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('prefetch: the next batch is loading before the consumer asks for it', async () => {
    const started = new Set<string>();
    const inner = source();
    const slow: FrameSource = {
      async load(c, f, size) {
        started.add(c.key);
        await new Promise((r) => setTimeout(r, 5));
        return inner.load(c, f, size);
      },
    };
    for (const prefetch of [1, 0]) {
      started.clear();
      const loader = new ClipLoader(CLIPS, slow, { ...CONFIG, prefetch });
      const second = loader
        .order(0)
        .slice(4, 8)
        .map((c) => c.key);
      const gen = loader.epoch(0);
      const first = await gen.next();
      if (first.done) throw new Error('no batch');
      tf.dispose([first.value.x, first.value.mask]);
      await new Promise((r) => setTimeout(r, 20)); // the consumer "trains"
      expect(second.every((k) => started.has(k))).toBe(prefetch > 0);
      await gen.return(undefined);
    }
  });

  it('gives repeated clips (balancing duplicates) their own frames and noise', async () => {
    const one = CLIPS[9] as ClipRef;
    const loader = new ClipLoader([one, one, one], source(), { ...CONFIG, batchSize: 3 });
    const [b] = await collect(loader.epoch(0));
    expect(new Set(b?.frames.map((f) => f.join())).size).toBeGreaterThan(1);
  });
});
