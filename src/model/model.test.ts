import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFastTestBackend } from '../automation/compute/testBackend';
import {
  ABLATION_PRESETS,
  DEFAULT_BACKBONE_CONFIG,
  DEFAULT_SPATIAL_ATTENTION_CONFIG,
  mergeConfig,
  type ModelConfigInput,
  ModelConfigError,
  parseModelConfig,
  regionFeatureLength,
  TINY_OVERRIDES,
  validateModelConfig,
} from './config';
import { backboneConvWeights, modelFlops, paramCounts } from './flops';
import { modelLoss, weightedCrossEntropy } from './loss';
import { createModel, disposeForwardOutput, disposeModel, forward } from './model';
import { mulberry32 } from './params';
import { trainStep } from '../automation/model/trainStep';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Tiny: 16x16 crops, widths / 16 (stem 6, stages 6/12/24/48), hidden sizes 8. */
const TINY: ModelConfigInput = mergeConfig(TINY_OVERRIDES, { backbone: { inputSize: 16 } });

function clip(b: number, n: number, size: number, channels: number, seed: number): tf.Tensor5D {
  const r = mulberry32(seed);
  const data = Float32Array.from({ length: b * n * size * size * channels }, () => r());
  return tf.tensor5d(data, [b, n, size, size, channels]);
}

/**
 * Conv weights of the grouped ResNet written out by hand (independent of resnet.ts):
 * conv1 7x7 over 9/g channels, then per stage a first 3x3 conv from the previous width, the
 * remaining 2 x blocks - 1 3x3 convs at the stage width, and a 1x1 shortcut in stages 2-4.
 */
function analyticConvWeights(blocks: number[], g: number): number {
  const stem = 96;
  const widths = [96, 192, 384, 768];
  let total = 7 * 7 * (9 / g) * stem;
  let prev = stem;
  widths.forEach((w, s) => {
    total += 9 * (prev / g) * w + 9 * (w / g) * w * (2 * (blocks[s] ?? 0) - 1);
    if (s > 0) total += (prev / g) * w;
    prev = w;
  });
  return total;
}

describe('parameter and FLOP counts', () => {
  it('ResNet-18 at Fig. 2 widths: 8,382,240 conv weights with groups = 3, 25,146,720 without', () => {
    // conv1 7*7*3*96 = 14,112; stage1 4 * 9*32*96 = 110,592; stage2 9*32*192 + 3 * 9*64*192
    // + 32*192 = 393,216; stage3 = 1,572,864; stage4 = 6,291,456. Sum 8,382,240.
    const config = validateModelConfig();
    expect(backboneConvWeights(config.backbone)).toBe(8_382_240);
    expect(analyticConvWeights([2, 2, 2, 2], 3)).toBe(8_382_240);
    expect(backboneConvWeights(config.backbone, 1)).toBe(25_146_720);
    expect(analyticConvWeights([2, 2, 2, 2], 1)).toBe(25_146_720);
  });

  it('ResNet-34 at Fig. 2 widths matches the analytic formula (about 16.0 M / 47.9 M)', () => {
    const config = validateModelConfig({ backbone: { depth: 34 } });
    expect(backboneConvWeights(config.backbone)).toBe(analyticConvWeights([3, 4, 6, 3], 3));
    expect(backboneConvWeights(config.backbone, 1)).toBe(analyticConvWeights([3, 4, 6, 3], 1));
    expect(backboneConvWeights(config.backbone) / 1e6).toBeCloseTo(15.96, 2);
  });

  it('counts every tensor of the full model: backbone + BN + attention + classifier', () => {
    const counts = paramCounts(validateModelConfig());
    // BN: 4 per channel of each conv; channels 96 + 4*96 + 5*192 + 5*384 + 5*768 = 7,200.
    expect(counts.byBlock.backbone).toBe(8_382_240 + 4 * 7_200);
    // Spatial attention: 4 stages x 3 regions of Ws1 (U x D) + Ws2 (h x U), U = 64, h = 2.
    expect(counts.byBlock.spatialAttention).toBe(3 * (64 * (32 + 64 + 128 + 256) + 4 * 2 * 64));
    expect(counts.byBlock.channelAttention).toBe(960 * 128 + 128);
    expect(counts.byBlock.frameAttention).toBe(960 * 128 + 128);
    expect(counts.byBlock.classifier).toBe(960 * 7 + 7);
    expect(counts.total).toBe(8_757_479);
    expect(counts.trainable).toBe(8_757_479 - 2 * 7_200);
  });

  it('the created variables hold exactly the counted scalars', () => {
    const model = createModel(TINY);
    let n = 0;
    for (const v of model.params.variables.values()) n += v.size;
    expect(n).toBe(paramCounts(model.config).total);
    disposeModel(model);
  });

  it('FLOPs per frame at 224: 2 x 1,448,681,472 backbone multiply-adds, plus the heads', () => {
    // MACs = out² x k² x cin/g x cout: conv1 112² x 14,112 = 177,020,928; stage1 56² x 110,592
    // = 346,816,512; stages 2, 3, 4 each 28² x 393,216 = 14² x 1,572,864 = 7² x 6,291,456
    // = 308,281,344.
    const config = validateModelConfig();
    const f = modelFlops(config, 16);
    expect(f.backbone).toBe(2 * (177_020_928 + 346_816_512 + 3 * 308_281_344));
    // Spatial attention per region and stage: R (U D + h U + h D + h h), R = 56², 28², 14², 7².
    const sa = [
      [3136, 32],
      [784, 64],
      [196, 128],
      [49, 256],
    ].reduce((s, [r = 0, d = 0]) => s + 3 * r * (64 * d + 2 * 64 + 2 * d + 4), 0);
    expect(f.spatialAttention).toBe(2 * sa);
    expect(f.channelAttention).toBe(2 * (3 * (960 * 128 + 128) + 3 * 960));
    expect(f.clipHead).toBe(2 * (16 * (960 * 128 + 128) + 16 * 960 + 960 * 7));
    expect(f.perClip).toBe(16 * f.perFrame + f.clipHead);
    expect(f.backboneUngrouped).toBe(3 * f.backbone);
  });
});

describe('config', () => {
  it('fills defaults: the paper model has l = 960 per region', () => {
    const c = validateModelConfig();
    expect(c.backbone).toMatchObject({ depth: 18, regions: 3, stemWidth: 96, inputSize: 224 });
    expect(regionFeatureLength(c)).toBe(960);
  });

  it('reports every invalid field', () => {
    expect(() =>
      validateModelConfig({ numClasses: 1, backbone: { regions: 2 as 3 }, dropout: 1 }),
    ).toThrow(ModelConfigError);
    let problems: readonly string[] = [];
    try {
      validateModelConfig({ numClasses: 1, dropout: 1 });
    } catch (e) {
      if (e instanceof ModelConfigError) problems = e.problems;
    }
    expect(problems).toEqual([
      'numClasses must be an integer ≥ 2, got 1',
      'dropout must be a number in [0, 1), got 1',
    ]);
    expect(() => validateModelConfig({ backbone: { regions: 1 } })).toThrow(
      /regionFusion must be 'average' when backbone.regions = 1/,
    );
    expect(() => validateModelConfig({ backbone: { stageWidths: [8, 8, 8, 0] } })).toThrow(
      /backbone.stageWidths\[3\] must be a positive integer, got 0/,
    );
    expect(() => validateModelConfig({ features: 'middle' as 'allBlocks' })).toThrow(
      /features must be 'lastBlock' or 'allBlocks', got "middle"/,
    );
  });

  it('fills nested defaults afresh, leaving the defaults untouched', () => {
    const a = validateModelConfig({ backbone: { depth: 34 } });
    expect(a.backbone).toEqual({ ...DEFAULT_BACKBONE_CONFIG, depth: 34 });
    expect(a.spatialAttention).toEqual(DEFAULT_SPATIAL_ATTENTION_CONFIG);
    expect(a.backbone.stageWidths).not.toBe(DEFAULT_BACKBONE_CONFIG.stageWidths);
    expect(validateModelConfig().backbone).not.toBe(validateModelConfig().backbone);
  });

  it('parseModelConfig needs every field and rejects unknown ones', () => {
    const full = JSON.parse(JSON.stringify(validateModelConfig())) as Record<string, unknown>;
    expect(parseModelConfig(full)).toEqual(validateModelConfig());
    const missing = { ...full };
    delete missing.dropout;
    expect(() => parseModelConfig(missing)).toThrow(/dropout is missing/);
    expect(() => parseModelConfig({ ...full, extra: 1 })).toThrow(/extra is not a known field/);
    const backbone = { ...(full.backbone as Record<string, unknown>) };
    delete backbone.depth;
    expect(() => parseModelConfig({ ...full, backbone })).toThrow(/backbone.depth is missing/);
    expect(() => parseModelConfig([])).toThrow(/must be an object/);
  });

  it('Table 2 presets give the expected feature lengths', () => {
    const lengths = ABLATION_PRESETS.map((p) => regionFeatureLength(validateModelConfig(p.config)));
    // baseline: last block 512; all blocks 64+128+256+512; x2 hops; per region 2 x 480.
    expect(lengths).toEqual([512, 960, 1920, 960, 960, 960]);
  });
});

describe('forward (tiny config, CPU)', () => {
  it('returns logits and normalised attention of the documented shapes', () => {
    const model = createModel(TINY);
    const x = clip(2, 3, 16, 9, 1);
    const out = forward(model, x);
    expect(out.logits.shape).toEqual([2, 7]);
    expect(out.attention.spatial.map((s) => s.m.shape)).toEqual([
      [2, 3, 3, 2, 16],
      [2, 3, 3, 2, 4],
      [2, 3, 3, 2, 1],
      [2, 3, 3, 2, 1],
    ]);
    for (const s of out.attention.spatial)
      tf.sum(s.m, 4)
        .dataSync()
        .forEach((v) => {
          expect(v).toBeCloseTo(1, 5);
        });
    const rw = out.attention.regionWeights;
    expect(rw?.shape).toEqual([2, 3, 3]);
    if (rw)
      tf.sum(rw, 2)
        .dataSync()
        .forEach((v) => {
          expect(v).toBeCloseTo(1, 5);
        });
    expect(out.attention.frameAlpha?.shape).toEqual([2, 3]);
    tf.sum(out.attention.frameWeights, 1)
      .dataSync()
      .forEach((v) => {
        expect(v).toBeCloseTo(1, 5);
      });
    expect(out.penalty.dataSync()[0]).toBeGreaterThanOrEqual(0);
    disposeForwardOutput(out);
    x.dispose();
    disposeModel(model);
  });

  it('a masked padding frame changes nothing: [a, b, pad] with mask [1,1,0] = [a, b]', () => {
    const model = createModel(TINY);
    const x3 = clip(1, 3, 16, 9, 2);
    const x2 = tf.slice(x3, [0, 0, 0, 0, 0], [1, 2, 16, 16, 9]);
    const mask = tf.tensor2d([[1, 1, 0]]);
    const a = forward(model, x3, { frameMask: mask });
    const b = forward(model, x2);
    const la = a.logits.dataSync();
    b.logits.dataSync().forEach((v, i) => {
      expect(la[i]).toBeCloseTo(v, 5);
    });
    expect(a.attention.frameWeights.dataSync()[2]).toBe(0);
    disposeForwardOutput(a);
    disposeForwardOutput(b);
    tf.dispose([x3, x2, mask]);
    disposeModel(model);
  });

  it('every frame alpha underflowing (Eq. 6) leaves logits, loss and gradients finite', () => {
    // The frame vectors are averages of post-ReLU maps (≥ 0), so with Ŵ all 1 and ŵ all -1e6
    // every frame score is hugely negative and every alpha-hat is 0 in float32.
    const model = createModel(mergeConfig(TINY, { dropout: 0 }));
    const p = model.params;
    p.get('frameAttention/W').assign(tf.onesLike(p.get('frameAttention/W')));
    p.get('frameAttention/w').assign(tf.fill(p.get('frameAttention/w').shape, -1e6));
    const x = clip(2, 3, 16, 9, 5);
    const mask = tf.tensor2d([
      [1, 1, 1],
      [1, 1, 0],
    ]);
    const y = tf.tensor2d([
      [1, 0, 0, 0, 0, 0, 0],
      [0, 0, 1, 0, 0, 0, 0],
    ]);
    const out = forward(model, x, { frameMask: mask });
    expect(Array.from(out.attention.frameAlpha?.dataSync() ?? [1])).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(out.logits.dataSync()).every(Number.isFinite)).toBe(true);
    disposeForwardOutput(out);
    const { value, grads } = tf.variableGrads(
      () =>
        tf.tidy(() => {
          const o = forward(model, x, { training: true, frameMask: mask });
          return modelLoss(model.config, o, y).total;
        }),
      p.trainable(),
    );
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    for (const [name, g] of Object.entries(grads))
      expect([name, Array.from(g.dataSync()).every(Number.isFinite)]).toEqual([name, true]);
    tf.dispose([value, ...Object.values(grads), x, mask, y]);
    disposeModel(model);
  });

  it('the spatial-attention penalty averages over real frames only, and padding gets no gradient', () => {
    // Eval mode: every frame goes through the network on its own, so the penalty of the real
    // frames alone is the penalty of a clip holding just them (clip 0's three, clip 1's first).
    const model = createModel(TINY);
    const x = clip(2, 3, 16, 9, 6);
    const mask = tf.tensor2d([
      [1, 1, 1],
      [1, 0, 0],
    ]);
    const realOnly = tf.concat(
      [
        tf.slice(x, [0, 0, 0, 0, 0], [1, 3, 16, 16, 9]),
        tf.slice(x, [1, 0, 0, 0, 0], [1, 1, 16, 16, 9]),
      ],
      1,
    ); // (1, 4, S, S, 9)
    const a = forward(model, x, { frameMask: mask });
    const r = forward(model, realOnly);
    const pa = a.penalty.dataSync()[0] ?? NaN;
    const pr = r.penalty.dataSync()[0] ?? NaN;
    expect(Math.abs(pa - pr)).toBeLessThan(1e-6 * pr);
    disposeForwardOutput(a);
    disposeForwardOutput(r);
    // Other content in clip 1's padding frames: the same penalty, and no gradient reaches them.
    const before = tf.memory().numTensors;
    const other = tf.tidy(() =>
      tf.concat(
        [
          tf.slice(x, [0, 0, 0, 0, 0], [2, 1, 16, 16, 9]), // (2, 1, S, S, 9): the first frames
          tf.concat([tf.slice(x, [0, 1, 0, 0, 0], [1, 2, 16, 16, 9]), clip(1, 2, 16, 9, 7)]),
        ],
        1,
      ),
    ); // (2, 3, S, S, 9): x with clip 1's frames 1-2 replaced
    const penaltyOf = (input: tf.Tensor): tf.Scalar =>
      tf.tidy(() => tf.clone(forward(model, input as tf.Tensor5D, { frameMask: mask }).penalty));
    const po = penaltyOf(other);
    expect(Math.abs((po.dataSync()[0] ?? NaN) - pr)).toBeLessThan(1e-6 * pr);
    const g = tf.grad(penaltyOf)(other);
    const padGrad = tf.tidy(() => tf.max(tf.abs(tf.slice(g, [1, 1, 0, 0, 0], [1, 2, 16, 16, 9]))));
    const realGrad = tf.tidy(() => tf.max(tf.abs(tf.slice(g, [1, 0, 0, 0, 0], [1, 1, 16, 16, 9]))));
    expect(padGrad.dataSync()[0]).toBe(0);
    expect(realGrad.dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([other, po, g, padGrad, realGrad]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, mask, realOnly]);
    disposeModel(model);
  });

  it('the same seed gives the same weights, another seed other weights', () => {
    const a = createModel(TINY);
    const b = createModel(TINY);
    const c = createModel(mergeConfig(TINY, { seed: 2 }));
    const name = 'backbone/stage1/block1/conv1/kernel';
    const va = a.params.get(name).dataSync();
    expect(Array.from(b.params.get(name).dataSync())).toEqual(Array.from(va));
    expect(Array.from(c.params.get(name).dataSync())).not.toEqual(Array.from(va));
    [a, b, c].forEach(disposeModel);
  });

  it.each(ABLATION_PRESETS.map((p) => [p.id, p] as const))(
    'Table 2 row %s runs and returns only the attention it has',
    (_id, preset) => {
      const model = createModel(mergeConfig(preset.config, TINY));
      const out = forward(model, clip(1, 2, 16, 9, 3));
      expect(out.logits.shape).toEqual([1, 7]);
      expect(Array.from(out.logits.dataSync()).every(Number.isFinite)).toBe(true);
      const c = model.config;
      expect(out.attention.spatial.length).toBe(
        c.stagePooling === 'spatialAttention' ? (c.features === 'allBlocks' ? 4 : 1) : 0,
      );
      expect(out.attention.regionAlpha !== null).toBe(c.regionFusion === 'channelAttention');
      expect(out.attention.frameAlpha !== null).toBe(c.frameFusion === 'frameAttention');
      disposeForwardOutput(out);
      disposeModel(model);
    },
  );
});

describe('loss', () => {
  it('weighted cross-entropy matches hand values', () => {
    // Sample 1: logits [0, ln 3] -> p = [1/4, 3/4], target class 1: CE = -ln(3/4).
    // Sample 2: logits [0, 0], target class 0: CE = ln 2. Class weights [1, 2]:
    // (2 (-ln 3/4) + 1 ln 2) / (2 + 1).
    const logits = tf.tensor2d([
      [0, Math.log(3)],
      [0, 0],
    ]);
    const targets = tf.tensor2d([
      [0, 1],
      [1, 0],
    ]);
    const plain = weightedCrossEntropy(logits, targets);
    const weighted = weightedCrossEntropy(logits, targets, [1, 2]);
    expect(plain.dataSync()[0]).toBeCloseTo((-Math.log(0.75) + Math.log(2)) / 2, 6);
    expect(weighted.dataSync()[0]).toBeCloseTo((-2 * Math.log(0.75) + Math.log(2)) / 3, 6);
    tf.dispose([logits, targets, plain, weighted]);
  });
});

describe('training step (tiny config, the fastest test backend: wasm, else cpu)', () => {
  beforeAll(async () => {
    await useFastTestBackend();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('leaks no tensors over 20 steps and lowers the loss on a fixed batch', () => {
    const model = createModel(mergeConfig(TINY, { dropout: 0 }));
    const x = clip(2, 2, 16, 9, 4);
    const y = tf.tensor2d([
      [1, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 1, 0, 0, 0],
    ]);
    const optimizer = tf.train.adam(1e-2);
    // The first step creates Adam's moment variables; count from after it.
    const first = trainStep(model, optimizer, x, y);
    const firstLoss = first.dataSync()[0] ?? NaN;
    first.dispose();
    const before = tf.memory().numTensors;
    let last = NaN;
    for (let step = 0; step < 20; step++) {
      const loss = trainStep(model, optimizer, x, y, { dropoutSeed: step });
      last = loss.dataSync()[0] ?? NaN;
      loss.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(0.7 * firstLoss);
    optimizer.dispose();
    tf.dispose([x, y]);
    disposeModel(model);
  });
});
