/**
 * The whole network of Sec. 4.1 / Fig. 2, top to bottom:
 *
 *   clip x: [B, n, S, S, 9]  (face RGB, eyes RGB, mouth RGB per frame)
 *   -> backbone (grouped ResNet)                  4 stage maps per frame
 *   -> per stage and region: spatial attention     v = flatten(M L)        (Eq. 1-2)
 *      (or average pooling), concatenated          f_1, f_2, f_3: l = 960 each
 *   -> channel attention over the regions         f̂ per frame            (Eq. 3-4)
 *   -> frame attention over the n frames          f_v per clip            (Eq. 5-6)
 *   -> dropout -> dense                           logits: [B, classes]
 *
 * Every switch of Table 2's ablation is a field of `ModelConfig`. The parameters live in a
 * registry of named variables (params.ts), so training can use tf.variableGrads or
 * optimizer.minimize on `model.params.trainable()`.
 */
import * as tf from '@tensorflow/tfjs';
import { averagePool } from './attentionPool';
import { channelAttention, channelAttentionParamSpecs } from './channelAttention';
import {
  effectiveWidths,
  type ModelConfig,
  type ModelConfigInput,
  regionFeatureLength,
  validateModelConfig,
} from './config';
import { frameAttention, frameAttentionParamSpecs } from './frameAttention';
import { createParams, type ParamSpec, type Params } from './params';
import { backboneForward, backboneParamSpecs } from './resnet';
import { spatialAttention, spatialAttentionParamSpecs } from './spatialAttention';

export interface FerModel {
  readonly config: ModelConfig;
  readonly params: Params;
}

/** The stages whose outputs feed the frame vector (1-based). */
export function usedStages(config: ModelConfig): number[] {
  return config.features === 'allBlocks' ? [1, 2, 3, 4] : [4];
}

/** Every tensor of the model in weights-format order. */
export function modelParamSpecs(config: ModelConfig): ParamSpec[] {
  const regions = config.backbone.regions;
  const { stages } = effectiveWidths(config.backbone);
  const specs = backboneParamSpecs(config.backbone);
  if (config.stagePooling === 'spatialAttention')
    for (const s of usedStages(config))
      for (let g = 0; g < regions; g++)
        specs.push(
          ...spatialAttentionParamSpecs(`spatialAttention/stage${s}/region${g + 1}`, {
            depth: (stages[s - 1] ?? 0) / regions,
            hidden: config.spatialAttention.hidden,
            hops: config.spatialAttention.hops,
          }),
        );
  const l = regionFeatureLength(config);
  if (config.regionFusion === 'channelAttention')
    specs.push(...channelAttentionParamSpecs(l, config.channelAttention.hidden));
  if (config.frameFusion === 'frameAttention')
    specs.push(...frameAttentionParamSpecs(l, config.frameAttention.hidden));
  specs.push(
    {
      name: 'classifier/kernel',
      shape: [l, config.numClasses],
      init: { kind: 'glorotUniform', fanIn: l, fanOut: config.numClasses },
      trainable: true,
    },
    {
      name: 'classifier/bias',
      shape: [config.numClasses],
      init: { kind: 'zeros' },
      trainable: true,
    },
  );
  return specs;
}

/** Validates the config (filling defaults) and creates seeded variables for it. */
export function createModel(input: ModelConfigInput | ModelConfig = {}): FerModel {
  const config = validateModelConfig(input);
  return { config, params: createParams(modelParamSpecs(config), config.seed) };
}

export function disposeModel(model: FerModel): void {
  model.params.dispose();
}

/** Spatial attention maps of one stage for the whole batch. */
export interface SpatialAttentionMaps {
  /** 1..4 (conv2_x..conv5_x). */
  stage: number;
  /** The stage's map size: R = height x width positions, row-major. */
  height: number;
  width: number;
  /** M: [B, n, regions, hops, R]; each hop's row sums to 1 over R. */
  m: tf.Tensor;
}

export interface ModelAttention {
  /** Per used stage; empty when stagePooling is 'average'. */
  spatial: SpatialAttentionMaps[];
  /** alpha_i (Eq. 3): [B, n, regions]; null without channel attention. */
  regionAlpha: tf.Tensor3D | null;
  /** alpha_i / Σ alpha (the weights of Eq. 4): [B, n, regions]; null without channel attention. */
  regionWeights: tf.Tensor3D | null;
  /** alpha-hat_i (Eq. 5): [B, n]; null without frame attention. */
  frameAlpha: tf.Tensor2D | null;
  /** The weights of Eq. 6 (or of the plain average): [B, n], rows sum to 1. */
  frameWeights: tf.Tensor2D;
}

export interface ForwardOutput {
  /** [B, classes], before softmax. */
  logits: tf.Tensor2D;
  /**
   * Σ over stages and regions of the mean of ‖M Mᵀ − I‖²_F over the batch's real frames (padding
   * frames of `frameMask` excluded); 0 without spatial attention.
   */
  penalty: tf.Scalar;
  /** The frame vectors f̂ fed to frame fusion: [B, n, l̂]. */
  frameFeatures: tf.Tensor3D;
  attention: ModelAttention;
}

export interface ForwardOptions {
  /** Batch norm on batch statistics (and moving-statistics update), dropout on. Default false. */
  training?: boolean;
  /** Seed for this step's dropout mask; required when training with dropout > 0. */
  dropoutSeed?: number;
  /** [B, n] of 0/1: 1 = real frame, 0 = padding. Every clip needs at least one real frame. */
  frameMask?: tf.Tensor2D | null;
}

/**
 * The forward pass. x: [B, n, S, S, 3 x regions], or [B, n, S, S, 9] for a face-only model (the
 * face channels 0..2 are used). All intermediates are disposed; the caller owns every tensor of
 * the result (dispose with `disposeForwardOutput`).
 */
export function forward(model: FerModel, x: tf.Tensor5D, opts: ForwardOptions = {}): ForwardOutput {
  const { config, params } = model;
  const training = opts.training ?? false;
  const regions = config.backbone.regions;
  const [b, n, height, width, channels] = x.shape;
  if (channels !== 3 * regions && !(regions === 1 && channels === 9))
    throw new Error(`forward: input has ${channels} channels, the model expects ${3 * regions}`);
  if (height !== config.backbone.inputSize || width !== config.backbone.inputSize)
    throw new Error(
      `forward: input is ${height}x${width}, the model expects ${config.backbone.inputSize}`,
    );
  if (training && config.dropout > 0 && opts.dropoutSeed === undefined)
    throw new Error(
      'forward: training with dropout needs a dropoutSeed (derive it from the run seed)',
    );
  let out: ForwardOutput | undefined;
  tf.tidy(() => {
    const clip =
      channels === 3 * regions ? x : tf.slice(x, [0, 0, 0, 0, 0], [b, n, height, width, 3]);
    const frames = clip.reshape<tf.Tensor4D>([b * n, height, width, 3 * regions]); // (B n, S, S, C)
    const stageMaps = backboneForward(params, config.backbone, frames, { training });
    const mask = opts.frameMask ?? null;
    // The penalty's mean over frames counts real frames only (padding frames weigh 0).
    const realFrames = mask ? mask.reshape<tf.Tensor1D>([b * n]) : null; // (B n) of 0/1
    const frameMean = (p: tf.Tensor1D): tf.Scalar =>
      realFrames ? tf.div(tf.sum(tf.mul(p, realFrames)), tf.sum(realFrames)) : tf.mean(p);

    // Per region: one vector per used stage, concatenated -> f_g: (B n, l).
    const spatial: SpatialAttentionMaps[] = [];
    const penalties: tf.Scalar[] = [];
    const perRegion: tf.Tensor2D[][] = Array.from({ length: regions }, () => []);
    for (const s of usedStages(config)) {
      const parts = stageMaps[s - 1]; // G x (B n, H, W, D): the stage output per region
      const first = parts?.[0];
      if (!parts || !first) throw new Error(`missing stage ${s}`);
      const [, sh, sw] = first.shape;
      if (config.stagePooling === 'spatialAttention') {
        const ms: tf.Tensor3D[] = [];
        parts.forEach((c, g) => {
          const sa = spatialAttention(params, `spatialAttention/stage${s}/region${g + 1}`, c);
          perRegion[g]?.push(sa.v);
          ms.push(sa.m); // (B n, h, R)
          penalties.push(frameMean(sa.penalty)); // Eq. 1's ‖M Mᵀ − I‖²_F, mean over real frames
        });
        const hops = config.spatialAttention.hops;
        const m = tf.stack(ms, 1).reshape([b, n, regions, hops, sh * sw]); // (B, n, G, h, R)
        spatial.push({ stage: s, height: sh, width: sw, m });
      } else {
        // global average pool per region: (B n, D)
        parts.forEach((c, g) => perRegion[g]?.push(tf.mean<tf.Tensor2D>(c, [1, 2])));
      }
    }
    const regionVectors = perRegion.map((vs) => tf.concat(vs, 1)); // G x (B n, l)
    const f = tf.stack(regionVectors, 1) as tf.Tensor3D; // (B n, G, l)
    const l = f.shape[2];

    // Regions -> one vector per frame (Eq. 3-4, or the plain mean).
    let frameVec: tf.Tensor2D; // (B n, l)
    let regionAlpha: tf.Tensor3D | null = null;
    let regionWeights: tf.Tensor3D | null = null;
    if (config.regionFusion === 'channelAttention') {
      const ca = channelAttention(params, f);
      frameVec = ca.pooled;
      regionAlpha = ca.alpha.reshape<tf.Tensor3D>([b, n, regions]);
      regionWeights = ca.weights.reshape<tf.Tensor3D>([b, n, regions]);
    } else {
      frameVec = averagePool(f, null);
    }
    const frameFeatures = frameVec.reshape<tf.Tensor3D>([b, n, l]); // (B, n, l)

    // Frames -> one vector per clip (Eq. 5-6, or the plain / masked mean).
    let clipVec: tf.Tensor2D; // (B, l)
    let frameAlpha: tf.Tensor2D | null = null;
    let frameWeights: tf.Tensor2D;
    if (config.frameFusion === 'frameAttention') {
      const fa = frameAttention(params, frameFeatures, mask);
      clipVec = fa.pooled;
      frameAlpha = fa.alpha;
      frameWeights = fa.weights;
    } else {
      clipVec = averagePool(frameFeatures, mask);
      frameWeights = mask
        ? tf.div<tf.Tensor2D>(mask, tf.sum(mask, 1, true))
        : tf.fill<tf.Rank.R2>([b, n], 1 / n);
    }

    if (training && config.dropout > 0)
      clipVec = tf.dropout(clipVec, config.dropout, undefined, opts.dropoutSeed) as tf.Tensor2D;
    const logits = tf.add<tf.Tensor2D>(
      tf.matMul(clipVec, params.get('classifier/kernel')),
      params.get('classifier/bias'),
    ); // (B, classes)
    // A chain of adds, not tf.addN: WebGPU's AddN binds one storage buffer per input and fails
    // (silently, taking its command batch with it) beyond the device's limit of 8 per shader.
    const penalty = penalties.reduce<tf.Scalar>((acc, p) => tf.add(acc, p), tf.scalar(0));

    out = {
      logits,
      penalty,
      frameFeatures,
      attention: { spatial, regionAlpha, regionWeights, frameAlpha, frameWeights },
    };
    return forwardOutputTensors(out);
  });
  if (!out) throw new Error('forward produced no output');
  return out;
}

/** Every tensor a ForwardOutput holds. */
export function forwardOutputTensors(o: ForwardOutput): tf.Tensor[] {
  const a = o.attention;
  const all: tf.Tensor[] = [o.logits, o.penalty, o.frameFeatures, a.frameWeights];
  for (const s of a.spatial) all.push(s.m);
  for (const t of [a.regionAlpha, a.regionWeights, a.frameAlpha]) if (t) all.push(t);
  return all;
}

export function disposeForwardOutput(o: ForwardOutput): void {
  tf.dispose(forwardOutputTensors(o));
}
