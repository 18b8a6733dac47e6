/**
 * Cost of the model, computed from the same layer list the forward pass and the parameter
 * registry use. FLOPs here = 2 x multiply-adds of the convolutions and matrix products (the
 * convention of the FLOP counts in Fig. 7's peers); element-wise work (batch norm, ReLU,
 * pooling, softmax, sigmoid, sums) is left out: under 1% of the total at 224 x 224.
 */
import {
  effectiveWidths,
  type BackboneConfig,
  type ModelConfig,
  regionFeatureLength,
} from './config';
import { modelParamSpecs, usedStages } from './model';
import { countParams, sizeOf } from './params';
import { backboneLayers, stageSizes } from './resnet';

export interface ParamCounts {
  /** Every scalar stored (weights file), including batch-norm moving statistics. */
  total: number;
  /** Scalars trained by gradients. */
  trainable: number;
  /** Weights of the backbone's convolution kernels only (the paper's "25 million" compares here). */
  backboneConvWeights: number;
  /** The same convolutions without grouping (groups = 1, same widths). */
  backboneConvWeightsUngrouped: number;
  /** By top-level block: backbone, spatialAttention, channelAttention, frameAttention, classifier. */
  byBlock: Record<string, number>;
}

/** Convolution kernel weights of the backbone; `groups` overrides the configured grouping. */
export function backboneConvWeights(config: BackboneConfig, groups?: number): number {
  return backboneLayers(config).reduce(
    (s, l) => s + l.kernel * l.kernel * (l.cin / (groups ?? l.groups)) * l.cout,
    0,
  );
}

export function paramCounts(config: ModelConfig): ParamCounts {
  const specs = modelParamSpecs(config);
  const byBlock: Record<string, number> = {};
  for (const s of specs) {
    const block = s.name.split('/')[0] ?? s.name;
    byBlock[block] = (byBlock[block] ?? 0) + sizeOf(s.shape);
  }
  return {
    total: countParams(specs),
    trainable: countParams(specs, true),
    backboneConvWeights: backboneConvWeights(config.backbone),
    backboneConvWeightsUngrouped: backboneConvWeights(config.backbone, 1),
    byBlock,
  };
}

export interface FlopCounts {
  /** Per frame: the backbone's convolutions. */
  backbone: number;
  /** Per frame: Eq. 1-2 and the penalty's M Mᵀ, all stages and regions. */
  spatialAttention: number;
  /** Per frame: Eq. 3 for the three regions and the weighted sum of Eq. 4. */
  channelAttention: number;
  /** backbone + spatialAttention + channelAttention. */
  perFrame: number;
  /** Per clip of `frames` frames: Eq. 5-6 and the classifier. */
  clipHead: number;
  /** frames x perFrame + clipHead. */
  perClip: number;
  frames: number;
  /** The same backbone without grouping, per frame (for the 25 M / 8.4 M comparison). */
  backboneUngrouped: number;
}

/** Multiply-adds of the backbone's convolutions per frame; `groups` overrides the grouping. */
export function backboneMacs(config: BackboneConfig, groups?: number): number {
  return backboneLayers(config).reduce(
    (s, l) =>
      s + l.outSize * l.outSize * l.kernel * l.kernel * (l.cin / (groups ?? l.groups)) * l.cout,
    0,
  );
}

export function modelFlops(config: ModelConfig, frames: number): FlopCounts {
  const regions = config.backbone.regions;
  const { stages } = effectiveWidths(config.backbone);
  const sizes = stageSizes(config.backbone);
  let saMacs = 0;
  if (config.stagePooling === 'spatialAttention') {
    const { hidden: u, hops: h } = config.spatialAttention;
    for (const s of usedStages(config)) {
      const r = (sizes[s - 1] ?? 0) ** 2;
      const d = (stages[s - 1] ?? 0) / regions;
      // Ws1 Lᵀ: U x D x R; Ws2 (.): h x U x R; M L: h x R x D; M Mᵀ: h x h x R.
      saMacs += regions * (u * d * r + h * u * r + h * r * d + h * h * r);
    }
  }
  const l = regionFeatureLength(config);
  const caMacs =
    config.regionFusion === 'channelAttention'
      ? regions * (l * config.channelAttention.hidden + config.channelAttention.hidden) +
        regions * l
      : 0;
  const faMacs =
    config.frameFusion === 'frameAttention'
      ? frames * (l * config.frameAttention.hidden + config.frameAttention.hidden) + frames * l
      : 0;
  const classifierMacs = l * config.numClasses;
  const backbone = 2 * backboneMacs(config.backbone);
  const spatialAttention = 2 * saMacs;
  const channelAttention = 2 * caMacs;
  const perFrame = backbone + spatialAttention + channelAttention;
  const clipHead = 2 * (faMacs + classifierMacs);
  return {
    backbone,
    spatialAttention,
    channelAttention,
    perFrame,
    clipHead,
    perClip: frames * perFrame + clipHead,
    frames,
    backboneUngrouped: 2 * backboneMacs(config.backbone, 1),
  };
}

/**
 * Fig. 7's peers (AFEW 8.0 single models from Table 1) with the backbone cost per 224 x 224
 * frame. Fig. 7's own numbers are not legible in our copy of the paper, so these are the
 * standard published multiply-add counts of each backbone (torchvision's model tables, x 2 for
 * FLOPs), as Fig. 7's caption says it estimated them ("based on the backbone network").
 */
export interface PeerModel {
  name: string;
  backbone: string;
  /** AFEW 8.0 validation accuracy from Table 1. */
  accuracy: number;
  /** GFLOPs per frame (2 x GMACs) of the backbone at 224 x 224; null when not estimable. */
  gflopsPerFrame: number | null;
}

export const PAPER_PEERS: readonly PeerModel[] = Object.freeze([
  { name: 'CNN-RNN (2016)', backbone: 'VGG-16 + RNN', accuracy: 0.4543, gflopsPerFrame: 30.9 },
  { name: 'DSN-VGGFace (2018)', backbone: 'VGG-16', accuracy: 0.4804, gflopsPerFrame: 30.9 },
  { name: 'VGG-Face + LSTM (2017)', backbone: 'VGG-16', accuracy: 0.486, gflopsPerFrame: 30.9 },
  { name: 'VGG-Face (2019)', backbone: 'VGG-16', accuracy: 0.49, gflopsPerFrame: 30.9 },
  { name: 'ResNet-18 (2018)', backbone: 'ResNet-18', accuracy: 0.497, gflopsPerFrame: 3.6 },
  { name: 'FAN (2019)', backbone: 'ResNet-18', accuracy: 0.5118, gflopsPerFrame: 3.6 },
  { name: 'DenseNet-161 (2018)', backbone: 'DenseNet-161', accuracy: 0.5144, gflopsPerFrame: 15.5 },
  { name: 'VGG-Face + BLSTM (2018)', backbone: 'VGG-16', accuracy: 0.5391, gflopsPerFrame: 30.9 },
  { name: 'DSN-HoloNet (2017)', backbone: 'HoloNet', accuracy: 0.4647, gflopsPerFrame: null },
]);

/** The paper's reported accuracies for our model (Table 1). */
export const PAPER_OUR_MODEL = Object.freeze({
  accuracyWithoutIteration: 0.5249,
  accuracyIterated: 0.5517,
  statedParams: 25e6,
});
