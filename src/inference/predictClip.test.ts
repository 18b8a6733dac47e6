import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, disposeModel } from '../model/model';
import { useFastTestBackend } from '../automation/compute/testBackend';
import { frameCacheKey, memoryFrameSource } from '../train/data/source';
import { predictClips } from '../train/loop/predict';
import { makeLoader } from '../train/run/data';
import { config, frameBytes, SIZE } from '../automation/train/engineFixture';
import { forwardBatch } from './core';
import { clipRef, predictClip } from './predictClip';

const FRAMES = [0, 1, 2, 3, 4, 5, 6];

function clips() {
  const frames = new Map<string, Uint8Array>();
  const refs = [0, 1, 2].map((c) => {
    const ref = { ...clipRef(`item${c}`, `clip${c}`, FRAMES), label: c };
    for (const f of FRAMES)
      frames.set(frameCacheKey(ref.itemId, f, SIZE), frameBytes(c, `${c}/${f}`));
    return ref;
  });
  return { refs, source: memoryFrameSource(frames) };
}

describe('the inference path', () => {
  beforeAll(async () => {
    await useFastTestBackend();
  });

  it('predicting one clip from its stored frames reproduces what validation stored for it', async () => {
    const c = config();
    const model = createModel(c.model);
    const { refs, source } = clips();
    try {
      const loader = makeLoader(refs, source, {
        seed: 1,
        streamName: 'val',
        batchSize: 2,
        framesPerClip: c.data.framesPerClip,
        inputSize: SIZE,
        mode: 'eval',
        augment: false,
      });
      const stored = await predictClips(model, loader);
      expect(stored).toHaveLength(3);
      const before = tf.memory().numTensors;
      for (const p of stored) {
        const r = await predictClip(model, source, clipRef(p.itemId, p.key, p.frames));
        expect(r.frames).toEqual(p.frames);
        expect(r.predicted).toBe(p.predicted);
        r.probs.forEach((v, i) => expect(Math.abs(v - (p.probs[i] ?? NaN))).toBeLessThan(1e-5));
        r.frameWeights.forEach((v, i) =>
          expect(Math.abs(v - (p.frameWeights[i] ?? NaN))).toBeLessThan(1e-5),
        );
      }
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      disposeModel(model);
    }
  }, 60_000);

  it('reads back spatial maps whose every hop sums to 1 over the positions', async () => {
    const c = config();
    const model = createModel(c.model);
    const { refs, source } = clips();
    try {
      const loader = makeLoader(refs.slice(0, 1), source, {
        seed: 1,
        streamName: 'val',
        batchSize: 1,
        framesPerClip: 3,
        inputSize: SIZE,
        mode: 'eval',
        augment: false,
      });
      for await (const batch of loader.epoch(0)) {
        const [o] = await forwardBatch(model, batch, { spatial: true });
        tf.dispose([batch.x, batch.mask]);
        expect(o?.maps.length).toBeGreaterThan(0);
        for (const m of o?.maps ?? []) {
          const R = m.height * m.width;
          for (let i = 0; i < m.values.length; i += R) {
            const sum = m.values.subarray(i, i + R).reduce((a, b) => a + b, 0);
            expect(sum).toBeCloseTo(1, 4);
          }
        }
      }
    } finally {
      disposeModel(model);
    }
  }, 60_000);
});
