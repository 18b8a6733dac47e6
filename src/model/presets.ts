/**
 * Named model configurations: the rows of Table 2's "Component Importance" ablation, and the
 * tiny network with the full topology that tests and the demo use. Re-exported by ./config.ts.
 */
import type { BackboneConfig, ModelConfigInput } from './types';

/** One row of Table 2's "Component Importance" ablation. */
export interface AblationPreset {
  id: AblationId;
  /** The row's label in Table 2. */
  label: string;
  /** Accuracy the paper reports for the row on AFEW 8.0 val. */
  paperAccuracy: number;
  config: ModelConfigInput;
}

export type AblationId =
  | 'baseline'
  | 'allBlocks'
  | 'spatialAttention'
  | 'multipleRegions'
  | 'channelAttention'
  | 'frameAttention';

const FACE_ONLY_RESNET18: Partial<BackboneConfig> = {
  depth: 18,
  regions: 1,
  stemWidth: 64,
  stageWidths: [64, 128, 256, 512],
};
const BASE: ModelConfigInput = {
  backbone: FACE_ONLY_RESNET18,
  features: 'lastBlock',
  stagePooling: 'average',
  regionFusion: 'average',
  frameFusion: 'average',
};

/**
 * Table 2's rows, each adding one component to the row before. The baseline is a plain
 * ResNet-18 (64..512 filters) on the face crop; "+ Multiple Regions" switches to 9 channels,
 * groups = 3 and Fig. 2's widened filters. The "+ MTCNN, Enlighten-GAN" row is preprocessing,
 * not a model change, so it has no preset here.
 */
export const ABLATION_PRESETS: readonly AblationPreset[] = Object.freeze([
  { id: 'baseline', label: 'ResNet-18 (Baseline)', paperAccuracy: 0.475, config: BASE },
  {
    id: 'allBlocks',
    label: '+ Features from all blocks',
    paperAccuracy: 0.493,
    config: { ...BASE, features: 'allBlocks' },
  },
  {
    id: 'spatialAttention',
    label: '+ Spatial-Attention',
    paperAccuracy: 0.503,
    config: { ...BASE, features: 'allBlocks', stagePooling: 'spatialAttention' },
  },
  {
    id: 'multipleRegions',
    label: '+ Multiple Regions',
    paperAccuracy: 0.512,
    config: {
      ...BASE,
      backbone: { regions: 3 },
      features: 'allBlocks',
      stagePooling: 'spatialAttention',
    },
  },
  {
    id: 'channelAttention',
    label: '+ Channel-Attention',
    paperAccuracy: 0.517,
    config: {
      ...BASE,
      backbone: { regions: 3 },
      features: 'allBlocks',
      stagePooling: 'spatialAttention',
      regionFusion: 'channelAttention',
    },
  },
  { id: 'frameAttention', label: '+ Frame-Attention', paperAccuracy: 0.525, config: {} },
] as const);

/**
 * Merges a preset (or any partial config) with overrides, one level deep for the nested
 * blocks, e.g. `mergeConfig(preset.config, { backbone: { inputSize: 32 } })`.
 */
export function mergeConfig(base: ModelConfigInput, over: ModelConfigInput): ModelConfigInput {
  return {
    ...base,
    ...over,
    backbone: { ...base.backbone, ...over.backbone },
    spatialAttention: { ...base.spatialAttention, ...over.spatialAttention },
    channelAttention: { ...base.channelAttention, ...over.channelAttention },
    frameAttention: { ...base.frameAttention, ...over.frameAttention },
  };
}

/** A tiny network with the full topology, for tests: 32x32 inputs, widths / 16. */
export const TINY_OVERRIDES: ModelConfigInput = Object.freeze({
  backbone: { inputSize: 32, widthMultiplier: 1 / 16 },
  spatialAttention: { hidden: 8 },
  channelAttention: { hidden: 8 },
  frameAttention: { hidden: 8 },
});
