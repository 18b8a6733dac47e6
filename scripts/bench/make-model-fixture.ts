/**
 * Regenerates the committed tiny-model fixture (src/automation/model/fixtures/tiny/): a small model
 * trained for a few steps on random data (so batch-norm statistics and attention weights are
 * not at their initial values), exported in the weights format, an input clip, and the logits
 * and attention the CPU backend computes for it. Run: npx tsx scripts/bench/make-model-fixture.ts
 * Only regenerate when the forward computation changes on purpose, and say so in the commit.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { format, resolveConfig } from 'prettier';
import {
  FIXTURE_CONFIG,
  FIXTURE_INPUT_SHAPE,
  fixtureInput,
} from '../../src/automation/model/fixtureSpec';
import { createModel, disposeForwardOutput, forward } from '../../src/model/model';
import { trainStep } from '../../src/automation/model/trainStep';
import { exportWeights } from '../../src/model/weights';

const dir = new URL('../../src/automation/model/fixtures/tiny/', import.meta.url);

await tf.setBackend('cpu');
const model = createModel(FIXTURE_CONFIG);
const optimizer = tf.train.adam(3e-2);
const train = tf.randomUniform<tf.Rank.R5>([...FIXTURE_INPUT_SHAPE], 0, 1, 'float32', 11);
const labels = tf.oneHot([2], model.config.numClasses).toFloat() as tf.Tensor2D;
for (let step = 0; step < 5; step++)
  tf.dispose(trainStep(model, optimizer, train, labels, { dropoutSeed: 100 + step }));

const { modelJson, shards } = await exportWeights(model);
mkdirSync(dir, { recursive: true });
// Formatted as prettier would, so `npm run format:check` passes on the committed files.
const prettierOptions = (await resolveConfig(new URL('expected.json', dir))) ?? {};
const json = (v: unknown) => format(JSON.stringify(v), { ...prettierOptions, parser: 'json' });
writeFileSync(new URL('model.json', dir), await json(modelJson));
modelJson.weightsManifest[0]?.paths.forEach((p, i) => {
  writeFileSync(new URL(p, dir), new Uint8Array(shards[i] ?? new ArrayBuffer(0)));
});
const input = fixtureInput();
writeFileSync(new URL('input.bin', dir), new Uint8Array(input.buffer));

const x = tf.tensor5d(input, [...FIXTURE_INPUT_SHAPE]);
const out = forward(model, x);
const a = out.attention;
const expected = {
  note: 'Inference-mode forward (batch norm on moving statistics, no dropout) of model.json on input.bin (float32 little-endian, shape inputShape), computed by tfjs on the CPU backend.',
  inputShape: FIXTURE_INPUT_SHAPE,
  logits: Array.from(out.logits.dataSync()),
  penalty: out.penalty.dataSync()[0],
  regionAlpha: a.regionAlpha ? Array.from(a.regionAlpha.dataSync()) : null,
  regionWeights: a.regionWeights ? Array.from(a.regionWeights.dataSync()) : null,
  frameAlpha: a.frameAlpha ? Array.from(a.frameAlpha.dataSync()) : null,
  frameWeights: Array.from(a.frameWeights.dataSync()),
  spatial: a.spatial.map((s) => ({
    stage: s.stage,
    height: s.height,
    width: s.width,
    shape: s.m.shape,
    m: Array.from(s.m.dataSync()),
  })),
};
writeFileSync(new URL('expected.json', dir), await json(expected));
disposeForwardOutput(out);
console.log('logits', expected.logits);
