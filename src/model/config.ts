/**
 * The model's configuration: one serialisable object describes the paper's network (Sec. 4.1,
 * Fig. 2) and every row of its ablation (Table 2). `validateModelConfig` fills defaults and
 * rejects anything inconsistent; `parseModelConfig` does the same for untrusted JSON (weights
 * files) and additionally insists that every field is present. Both are one zod schema
 * (src/schema/fields.ts: every problem names its field); the types live in ./types.ts.
 */
import * as z from 'zod/mini';
import { block, check, int, num, oneOf, oneOfNumbers } from '../schema/fields';
import type {
  BackboneConfig,
  BackboneDepth,
  ChannelAttentionConfig,
  FrameAttentionConfig,
  ModelConfig,
  ModelConfigInput,
  SpatialAttentionConfig,
} from './types';

export type * from './types';

export const DEFAULT_BACKBONE_CONFIG: Readonly<BackboneConfig> = Object.freeze({
  depth: 18,
  regions: 3,
  stemWidth: 96,
  stageWidths: [96, 192, 384, 768] as const,
  widthMultiplier: 1,
  inputSize: 224,
  batchNormMomentum: 0.1,
  batchNormEpsilon: 1e-5,
});

export const DEFAULT_SPATIAL_ATTENTION_CONFIG: Readonly<SpatialAttentionConfig> = Object.freeze({
  hops: 2,
  hidden: 64,
  penaltyCoefficient: 1e-3,
});

export const DEFAULT_CHANNEL_ATTENTION_CONFIG: Readonly<ChannelAttentionConfig> = Object.freeze({
  hidden: 128,
});

export const DEFAULT_FRAME_ATTENTION_CONFIG: Readonly<FrameAttentionConfig> = Object.freeze({
  hidden: 128,
});

/** The paper's full model (Table 2, "+ Frame-Attention" row). */
export const DEFAULT_MODEL_CONFIG: Readonly<ModelConfig> = Object.freeze({
  seed: 1,
  numClasses: 7,
  backbone: DEFAULT_BACKBONE_CONFIG,
  features: 'allBlocks',
  stagePooling: 'spatialAttention',
  spatialAttention: DEFAULT_SPATIAL_ATTENTION_CONFIG,
  regionFusion: 'channelAttention',
  channelAttention: DEFAULT_CHANNEL_ATTENTION_CONFIG,
  frameFusion: 'frameAttention',
  frameAttention: DEFAULT_FRAME_ATTENTION_CONFIG,
  dropout: 0.5,
});

export class ModelConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid model config: ${problems.join('; ')}`);
    this.name = 'ModelConfigError';
  }
}

/** Each field once: what it accepts, and (its error and description) what it expects. */
const BACKBONE_FIELDS = {
  depth: oneOfNumbers([18, 34]),
  regions: oneOfNumbers([1, 3]),
  stemWidth: int('a positive integer', { min: 1 }),
  stageWidths: z.tuple(
    [
      int('a positive integer', { min: 1 }),
      int('a positive integer', { min: 1 }),
      int('a positive integer', { min: 1 }),
      int('a positive integer', { min: 1 }),
    ],
    { error: '4 positive integers' },
  ),
  widthMultiplier: num('a number in (0, 4]', { gt: 0, max: 4 }),
  inputSize: int('an integer ≥ 8', { min: 8 }),
  batchNormMomentum: num('a number in [0, 1]', { min: 0, max: 1 }),
  batchNormEpsilon: num('a positive number', { gt: 0 }),
};
const SPATIAL_FIELDS = {
  hops: int('an integer ≥ 1', { min: 1 }),
  hidden: int('an integer ≥ 1', { min: 1 }),
  penaltyCoefficient: num('a number ≥ 0', { min: 0 }),
};
const HIDDEN_FIELDS = { hidden: int('an integer ≥ 1', { min: 1 }) };
const TOP_FIELDS = {
  seed: int('an integer'),
  numClasses: int('an integer ≥ 2', { min: 2 }),
  features: oneOf(['lastBlock', 'allBlocks']),
  stagePooling: oneOf(['average', 'spatialAttention']),
  regionFusion: oneOf(['average', 'channelAttention']),
  frameFusion: oneOf(['average', 'frameAttention']),
  dropout: num('a number in [0, 1)', { min: 0, lt: 1 }),
};

type Fields = Record<string, z.ZodMiniType>;
type Filled<F extends Fields> = { [K in keyof F]: z.ZodMiniDefault<F[K]> };

/** The same fields, each filled with (a copy of) its default when absent. */
function withDefaults<F extends Fields>(fields: F, defaults: { readonly [K in keyof F]: unknown }) {
  const out: Record<string, z.ZodMiniType> = {};
  for (const [k, s] of Object.entries(fields))
    out[k] = z._default(s, () => structuredClone(defaults[k]) as never);
  return out as Filled<F>;
}

/** "+ Channel-Attention" weighs the three regions; one region has nothing to weigh. */
function regionsFitFusion(
  c: { regionFusion: string; backbone: { regions: number } },
  ctx: z.core.$RefinementCtx,
): void {
  if (c.regionFusion === 'channelAttention' && c.backbone.regions === 1)
    ctx.addIssue({
      code: 'custom',
      path: ['regionFusion'],
      message: "must be 'average' when backbone.regions = 1 ('channelAttention' needs 3 regions)",
    });
}

const d = DEFAULT_MODEL_CONFIG;

/** Every field required, nothing filled: configs read from files (weights). */
const exactSchema = block({
  ...TOP_FIELDS,
  backbone: block(BACKBONE_FIELDS),
  spatialAttention: block(SPATIAL_FIELDS),
  channelAttention: block(HIDDEN_FIELDS),
  frameAttention: block(HIDDEN_FIELDS),
}).check(z.superRefine(regionsFitFusion));

/**
 * A `ModelConfigInput` (any subset) in, a whole `ModelConfig` out. Also the `model` block of a
 * training config, so it describes that block in experiments/schema.json.
 */
export const modelConfigSchema = block({
  ...withDefaults(TOP_FIELDS, d),
  backbone: z.prefault(block(withDefaults(BACKBONE_FIELDS, d.backbone)), {}),
  spatialAttention: z.prefault(block(withDefaults(SPATIAL_FIELDS, d.spatialAttention)), {}),
  channelAttention: z.prefault(block(withDefaults(HIDDEN_FIELDS, d.channelAttention)), {}),
  frameAttention: z.prefault(block(withDefaults(HIDDEN_FIELDS, d.frameAttention)), {}),
}).check(z.superRefine(regionsFitFusion));

/** Any subset, nothing filled: the `model` block of a training file, merged with its preset's. */
export const modelConfigInputSchema = z.partial(
  block({
    ...TOP_FIELDS,
    backbone: z.partial(block(BACKBONE_FIELDS)),
    spatialAttention: z.partial(block(SPATIAL_FIELDS)),
    channelAttention: z.partial(block(HIDDEN_FIELDS)),
    frameAttention: z.partial(block(HIDDEN_FIELDS)),
  }),
);

// The schemas produce the declared types (./types.ts keeps the documented shape).
exactSchema satisfies z.ZodMiniType<ModelConfig>;
modelConfigSchema satisfies z.ZodMiniType<ModelConfig, ModelConfigInput>;
modelConfigInputSchema satisfies z.ZodMiniType<ModelConfigInput>;

function parsed(schema: z.ZodMiniType<ModelConfig>, value: unknown): ModelConfig {
  const r = check(schema, value);
  if (!r.ok) throw new ModelConfigError(r.problems);
  return r.value;
}

/** Fills defaults and checks every field. Throws `ModelConfigError` listing all problems. */
export function validateModelConfig(input: ModelConfigInput = {}): ModelConfig {
  return parsed(modelConfigSchema, input);
}

/**
 * For configs read from files: the value must be an object with EVERY field present and valid
 * (no defaults are filled, so a file means the same network whatever our defaults become).
 */
export function parseModelConfig(json: unknown): ModelConfig {
  return parsed(exactSchema, json);
}

/** The per-region widths after the width multiplier: [stem, stage1..stage4], total over regions. */
export function effectiveWidths(b: BackboneConfig): {
  stem: number;
  stages: [number, number, number, number];
} {
  const scale = (w: number): number =>
    Math.max(1, Math.round((w * b.widthMultiplier) / b.regions)) * b.regions;
  const [s1, s2, s3, s4] = b.stageWidths;
  return { stem: scale(b.stemWidth), stages: [scale(s1), scale(s2), scale(s3), scale(s4)] };
}

/** Basic blocks per stage. */
export function blocksPerStage(depth: BackboneDepth): readonly [number, number, number, number] {
  return depth === 18 ? [2, 2, 2, 2] : [3, 4, 6, 3];
}

/** Input channels per frame: RGB per region (face, eyes, mouth). */
export function inputChannels(config: ModelConfig): number {
  return 3 * config.backbone.regions;
}

/** Length of one region's frame vector f_i (l in the paper; 960 for the full model). */
export function regionFeatureLength(config: ModelConfig): number {
  const { stages } = effectiveWidths(config.backbone);
  const perRegion = stages.map((w) => w / config.backbone.regions);
  const used = config.features === 'allBlocks' ? perRegion : perRegion.slice(3);
  const perStage = config.stagePooling === 'spatialAttention' ? config.spatialAttention.hops : 1;
  return used.reduce((s, d) => s + d * perStage, 0);
}

export { ABLATION_PRESETS, mergeConfig, TINY_OVERRIDES } from './presets'; // Table 2, tiny
export type { AblationId, AblationPreset } from './presets';
