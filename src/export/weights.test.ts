import * as tf from '@tensorflow/tfjs';
import { strFromU8, strToU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_CONFIG } from '../automation/model/fixtureSpec';
import { createModel, disposeModel, type FerModel } from '../model/model';
import { exportWeights, WeightsFormatError } from '../model/weights';
import { snapshotModel } from '../train/loop/snapshot';
import type { PhaseModelRecord } from '../train/run/record';
import {
  checkWeightFileSizes,
  importWeightFiles,
  modelFromPhaseRecord,
  phaseModelZip,
} from './weights';

async function values(m: FerModel): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const s of m.params.specs) out[s.name] = Array.from(await m.params.get(s.name).data());
  return out;
}

describe('weights export / import', () => {
  let rec: PhaseModelRecord;
  let zip: Uint8Array;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const m = createModel({ ...FIXTURE_CONFIG, seed: 11 });
    rec = {
      kind: 'phase-model',
      id: 'r/phase0',
      runId: 'r',
      phase: 0,
      modelConfig: m.config,
      weights: await snapshotModel(m),
    };
    disposeModel(m);
    zip = await phaseModelZip(rec);
  });

  it('zips model.json and the shards; re-import gives the stored values exactly, leaking no tensor', async () => {
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    const before = tf.memory().numTensors;
    const back = importWeightFiles([{ name: 'w.zip', bytes: zip }]);
    const original = modelFromPhaseRecord(rec);
    expect(back.config).toEqual(rec.modelConfig);
    expect(await values(back)).toEqual(await values(original));
    const stored = Object.fromEntries(rec.weights.map((w) => [w.name, Array.from(w.values)]));
    expect(await values(back)).toEqual(stored);
    disposeModel(back);
    disposeModel(original);
    expect(tf.memory().numTensors).toBe(before);
    // Loose files work too.
    const loose = importWeightFiles(
      Object.entries(files).map(([name, bytes]) => ({ name, bytes })),
    );
    disposeModel(loose);
  });

  it('rejects a truncated shard, a missing shard, a wrong config and a non-zip, creating nothing', () => {
    const files = unzipSync(zip);
    const json = files['model.json'] as Uint8Array;
    const shard = files['group1-shard1of1.bin'] as Uint8Array;
    const before = tf.memory().numTensors;
    const attempt = (list: { name: string; bytes: Uint8Array }[]): unknown => {
      try {
        importWeightFiles(list);
      } catch (e) {
        return e;
      }
      return null;
    };
    const truncated = attempt([
      { name: 'model.json', bytes: json },
      { name: 'group1-shard1of1.bin', bytes: shard.slice(0, shard.length - 4) },
    ]);
    expect(truncated).toBeInstanceOf(WeightsFormatError);
    expect(String(truncated)).toMatch(/bytes/);
    expect(String(attempt([{ name: 'model.json', bytes: json }]))).toMatch(
      /missing: group1-shard1of1\.bin/,
    );
    const parsed = JSON.parse(strFromU8(json)) as { modelConfig: { numClasses: number } };
    parsed.modelConfig.numClasses = 8;
    const wrong = attempt([
      { name: 'model.json', bytes: strToU8(JSON.stringify(parsed)) },
      { name: 'group1-shard1of1.bin', bytes: shard },
    ]);
    expect(wrong).toBeInstanceOf(WeightsFormatError);
    expect(String(wrong)).toMatch(/classifier\/kernel: shape/);
    expect(String(attempt([{ name: 'x.zip', bytes: strToU8('not a zip') }]))).toMatch(/zip/);
    expect(String(attempt([{ name: 'a.bin', bytes: shard }]))).toMatch(/No model\.json/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a zip whose directory claims an absurd size, and oversized files, before reading them', () => {
    // The exported zip with its shard's uncompressed size rewritten to 4 GiB - 1 in the central
    // directory (the local header too): fflate reads the sizes before inflating anything.
    const bomb = zip.slice();
    const view = new DataView(bomb.buffer);
    let patched = 0;
    for (let i = 0; i + 46 < bomb.length; i++) {
      const sig = view.getUint32(i, true);
      if (sig === 0x02014b50 || sig === 0x04034b50) {
        const nameAt = i + (sig === 0x02014b50 ? 46 : 30);
        const nameLen = view.getUint16(i + (sig === 0x02014b50 ? 28 : 26), true);
        const name = strFromU8(bomb.subarray(nameAt, nameAt + nameLen));
        if (name.endsWith('.bin')) {
          view.setUint32(i + (sig === 0x02014b50 ? 24 : 22), 0xffff_fffe, true);
          patched++;
        }
      }
    }
    expect(patched).toBeGreaterThanOrEqual(1);
    expect(() => importWeightFiles([{ name: 'bomb.zip', bytes: bomb }])).toThrow(
      /group1-shard1of1\.bin claims more than the 1024 MiB an import accepts/,
    );
    expect(() =>
      checkWeightFileSizes([
        { name: 'model.json', size: 2_000 },
        { name: 'group1-shard1of1.bin', size: 1e12 },
      ]),
    ).toThrow(/more than the 1024 MiB of weights an import accepts; nothing was read/);
    expect(() => checkWeightFileSizes([{ name: 'w.zip', size: zip.length }])).not.toThrow();
  });

  it('refuses to export NaN / Infinity weights, naming the tensors and counts, leaking no tensor', async () => {
    const poison = (names: Record<string, number>): PhaseModelRecord => ({
      ...rec,
      weights: rec.weights.map((w) => {
        const bad = names[w.name] ?? 0;
        if (bad === 0) return w;
        const values = w.values.slice();
        for (let i = 0; i < bad; i++) values[i] = i % 2 === 0 ? NaN : -Infinity;
        return { ...w, values };
      }),
    });
    const before = tf.memory().numTensors;
    await expect(
      phaseModelZip(poison({ 'classifier/bias': 1, 'frameAttention/w': 3 })),
    ).rejects.toThrow(
      /2 tensors hold non-finite values.*frameAttention\/w \(3 of \d+ values\).*classifier\/bias \(1 of 7 values\)/,
    );
    expect(tf.memory().numTensors).toBe(before);

    // Many bad tensors: the first few are named and the rest counted.
    const m = modelFromPhaseRecord(rec);
    const names = m.params.specs.map((s) => s.name);
    for (const name of names.slice(0, 8)) {
      const v = m.params.get(name);
      tf.tidy(() => v.assign(tf.fill(v.shape, NaN)));
    }
    const err: unknown = await exportWeights(m).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    const msg = String(err);
    expect(msg).toMatch(/8 tensors hold non-finite values/);
    expect(msg).toContain(names[0]);
    expect(msg).toMatch(/and 3 more/);
    disposeModel(m);
    expect(tf.memory().numTensors).toBe(before);
  });
});
