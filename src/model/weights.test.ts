import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelConfigError } from './config';
import {
  FIXTURE_FILES,
  FIXTURE_INPUT_SHAPE,
  FIXTURE_TOLERANCE,
  type FixtureExpected,
  fixtureInput,
} from '../automation/model/fixtureSpec';
import { createModel, disposeForwardOutput, disposeModel, forward } from './model';
import { paramCounts } from './flops';
import {
  exportWeights,
  importWeights,
  MAX_WEIGHT_BYTES,
  SHARD_BYTES,
  type WeightsModelJson,
  WeightsFormatError,
} from './weights';

interface NodeFs {
  readFileSync(path: URL): Uint8Array;
}
// Node's fs, reached without Node typings in this browser-typed project.
const fsModule = 'node:fs';
async function readFixture(name: string): Promise<Uint8Array> {
  const fs = (await import(/* @vite-ignore */ fsModule)) as NodeFs;
  return fs.readFileSync(new URL(`../automation/model/fixtures/tiny/${name}`, import.meta.url));
}
const toArrayBuffer = (u: Uint8Array): ArrayBuffer =>
  u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const TINY = {
  backbone: { inputSize: 16, widthMultiplier: 1 / 32 },
  spatialAttention: { hidden: 4 },
  channelAttention: { hidden: 4 },
  frameAttention: { hidden: 4 },
};

function copyJson(m: WeightsModelJson): Record<string, unknown> {
  return JSON.parse(JSON.stringify(m)) as Record<string, unknown>;
}

describe('weights export / import', () => {
  it('round-trips: the imported model gives the same logits', async () => {
    const model = createModel(TINY);
    const { modelJson, shards } = await exportWeights(model);
    expect(modelJson.weightsManifest[0]?.paths).toEqual(['group1-shard1of1.bin']);
    const loaded = importWeights(JSON.parse(JSON.stringify(modelJson)), shards);
    const x = tf.tensor5d(fixtureInput(), [...FIXTURE_INPUT_SHAPE]);
    const a = forward(model, x);
    const b = forward(loaded, x);
    expect(Array.from(b.logits.dataSync())).toEqual(Array.from(a.logits.dataSync()));
    [a, b].forEach(disposeForwardOutput);
    x.dispose();
    [model, loaded].forEach(disposeModel);
  });

  it('rejects a wrong shape, a missing or extra tensor, short shards and a bad config', async () => {
    const model = createModel(TINY);
    const { modelJson, shards } = await exportWeights(model);
    disposeModel(model);
    const weightsOf = (j: Record<string, unknown>) =>
      (j.weightsManifest as { weights: { name: string; shape: number[] }[] }[])[0]?.weights ?? [];

    const badShape = copyJson(modelJson);
    const first = weightsOf(badShape)[0];
    if (first) first.shape = [1, 2, 3, 4];
    expect(() => importWeights(badShape, shards)).toThrow(
      /backbone\/conv1\/kernel: shape \[1, 2, 3, 4\] in the file, \[7, 7, 3, 3\] in the model/,
    );

    const missing = copyJson(modelJson);
    weightsOf(missing).pop();
    expect(() => importWeights(missing, shards)).toThrow(/classifier\/bias: missing from the file/);

    const extra = copyJson(modelJson);
    weightsOf(extra).push({ name: 'something/else', shape: [1] });
    expect(() => importWeights(extra, shards)).toThrow(/something\/else: not a tensor/);

    const short = shards.map((s) => s.slice(0, s.byteLength - 4));
    expect(() => importWeights(copyJson(modelJson), short)).toThrow(WeightsFormatError);
    expect(() => importWeights(copyJson(modelJson), [])).toThrow(/1 shard\(s\) but 0/);

    const badConfig = copyJson(modelJson);
    (badConfig.modelConfig as Record<string, unknown>).numClasses = 0;
    expect(() => importWeights(badConfig, shards)).toThrow(ModelConfigError);

    // A config of another size no longer matches the tensors: every mismatch is named.
    const otherSize = copyJson(modelJson);
    (
      (otherSize.modelConfig as Record<string, unknown>).backbone as Record<string, unknown>
    ).widthMultiplier = 1 / 16;
    expect(() => importWeights(otherSize, shards)).toThrow(/in the file, .* in the model/);

    expect(() => importWeights({ format: 'other' }, shards)).toThrow(/format/);
  });

  it('refuses absurd sizes before allocating anything: a manifest claiming 10^12 bytes, a giant config', async () => {
    const model = createModel(TINY);
    const { modelJson, shards } = await exportWeights(model);
    disposeModel(model);
    const before = tf.memory().numTensors;
    const huge = copyJson(modelJson);
    const group = (huge.weightsManifest as { weights: { name: string; shape: number[] }[] }[])[0];
    // 250e9 float32 values: 10^12 bytes.
    if (group?.weights[0]) group.weights[0].shape = [250_000, 1_000_000];
    expect(() => importWeights(huge, shards)).toThrow(
      /claims 1\.00e\+12 bytes of weights, more than the 1024 MiB an import accepts/,
    );
    // Shapes whose product is not even a safe integer.
    const overflow = copyJson(modelJson);
    const g2 = (overflow.weightsManifest as { weights: { shape: number[] }[] }[])[0];
    if (g2?.weights[0]) g2.weights[0].shape = [2 ** 40, 2 ** 40, 2 ** 40];
    expect(() => importWeights(overflow, shards)).toThrow(/more than the 1024 MiB/);
    // A config describing a network of terabytes.
    const giant = copyJson(modelJson);
    const backbone = (giant.modelConfig as Record<string, unknown>).backbone as Record<
      string,
      unknown
    >;
    backbone.stageWidths = [3_000_000, 3_000_000, 3_000_000, 3_000_000];
    backbone.widthMultiplier = 1;
    expect(() => importWeights(giant, shards)).toThrow(
      /config describes a network of \d+ MiB of weights, more than the 1024 MiB/,
    );
    expect(MAX_WEIGHT_BYTES).toBe(2 ** 30);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('splits into shards of the given size (4 MiB by default) and reads them back', async () => {
    expect(SHARD_BYTES).toBe(4 * 1024 * 1024);
    const model = createModel(TINY);
    const { modelJson, shards } = await exportWeights(model, 4096);
    const bytes = paramCounts(model.config).total * 4;
    expect(shards.length).toBe(Math.ceil(bytes / 4096));
    expect(modelJson.weightsManifest[0]?.paths.at(-1)).toBe(
      `group1-shard${shards.length}of${shards.length}.bin`,
    );
    expect(shards.slice(0, -1).every((s) => s.byteLength === 4096)).toBe(true);
    const loaded = importWeights(copyJson(modelJson), shards);
    const name = 'backbone/stage4/block2/conv2/kernel';
    expect(loaded.params.get(name).dataSync()).toEqual(model.params.get(name).dataSync());
    [model, loaded].forEach(disposeModel);
  });
});

describe('committed fixture (src/automation/model/fixtures/tiny)', () => {
  it('reproduces the expected logits and attention weights', async () => {
    const modelJson = JSON.parse(
      new TextDecoder().decode(await readFixture(FIXTURE_FILES.modelJson)),
    ) as WeightsModelJson;
    const shards = await Promise.all(
      (modelJson.weightsManifest[0]?.paths ?? []).map(async (p) =>
        toArrayBuffer(await readFixture(p)),
      ),
    );
    const expected = JSON.parse(
      new TextDecoder().decode(await readFixture(FIXTURE_FILES.expected)),
    ) as FixtureExpected;
    const input = new Float32Array(toArrayBuffer(await readFixture(FIXTURE_FILES.input)));
    expect(Array.from(input)).toEqual(Array.from(fixtureInput()));

    const model = importWeights(modelJson, shards);
    const x = tf.tensor5d(input, [...FIXTURE_INPUT_SHAPE]);
    const out = forward(model, x);
    const close = (got: ArrayLike<number>, want: readonly number[] | null) => {
      expect(want).not.toBeNull();
      expect(got.length).toBe(want?.length);
      for (let i = 0; i < got.length; i++)
        expect(Math.abs((got[i] ?? NaN) - (want?.[i] ?? NaN))).toBeLessThan(FIXTURE_TOLERANCE);
    };
    close(out.logits.dataSync(), expected.logits);
    close(out.penalty.dataSync(), [expected.penalty]);
    close(out.attention.regionAlpha?.dataSync() ?? [], expected.regionAlpha);
    close(out.attention.frameAlpha?.dataSync() ?? [], expected.frameAlpha);
    close(out.attention.frameWeights.dataSync(), expected.frameWeights);
    out.attention.spatial.forEach((s, i) => {
      expect(s.m.shape).toEqual(expected.spatial[i]?.shape);
      close(s.m.dataSync(), expected.spatial[i]?.m ?? null);
    });
    disposeForwardOutput(out);
    x.dispose();
    disposeModel(model);
  });
});
