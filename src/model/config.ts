/**
 * The model's configuration: one serialisable object describes the paper's network (Sec. 4.1,
 * Fig. 2) and every row of its ablation (Table 2). `validateModelConfig` fills defaults and
 * rejects anything inconsistent; `parseModelConfig` does the same for untrusted JSON (weights
 * files) and additionally insists that every field is present.
 */

/** ResNet depth: 18 = basic blocks 2-2-2-2 (the paper's teacher), 34 = 3-4-6-3 (larger student). */
export type BackboneDepth = 18 | 34;

export interface BackboneConfig {
  /** 18 or 34. */
  depth: BackboneDepth;
  /**
   * 3 = face, eyes and mouth crops stacked as 9 input channels, every convolution grouped with
   * groups = 3 (one group per region, Sec. 4.1). 1 = face only (3 channels, plain convolutions).
   */
  regions: 1 | 3;
  /** Filters of conv1 (7x7, stride 2), summed over the regions. Fig. 2: 96 = 3 x 32. */
  stemWidth: number;
  /** Filters of conv2_x..conv5_x, summed over the regions. Fig. 2: 96, 192, 384, 768. */
  stageWidths: readonly [number, number, number, number];
  /**
   * Scales every width (rounded to a multiple of `regions`, at least one filter per region), so
   * tests can run a tiny network with the same topology. 1 = the paper's widths.
   */
  widthMultiplier: number;
  /** Square input side in pixels per region crop. The paper: 224. */
  inputSize: number;
  /** Batch-norm momentum for the moving statistics (PyTorch convention: new = (1-m) old + m batch). */
  batchNormMomentum: number;
  /** Batch-norm epsilon added to the variance. */
  batchNormEpsilon: number;
}

/** Spatial attention, Eq. 1-2 (Lin et al. 2017), one module per stage and region. */
export interface SpatialAttentionConfig {
  /** h: attention hops (rows of M). The paper's l = 960 = h x (32+64+128+256) implies h = 2. */
  hops: number;
  /** U: hidden size of Ws1 (U x D). The paper: "set arbitrarily". */
  hidden: number;
  /** Coefficient of the penalty ||M Mᵀ − I||²_F in the loss. */
  penaltyCoefficient: number;
}

/** Channel (region) attention, Eq. 3-4. */
export interface ChannelAttentionConfig {
  /** r: hidden size (W is l x r, w has length r). The paper: "set arbitrarily". */
  hidden: number;
}

/** Frame attention, Eq. 5-6. */
export interface FrameAttentionConfig {
  /** r-hat: hidden size (Ŵ is l̂ x r̂, ŵ has length r̂). The paper: "set arbitrarily". */
  hidden: number;
}

/** How a stage's feature map becomes a vector. */
export type StagePooling = 'average' | 'spatialAttention';
/** Which stages feed the frame feature: the last one only, or all four concatenated. */
export type FeatureSource = 'lastBlock' | 'allBlocks';
/** How the per-region vectors f1, f2, f3 become one frame vector. */
export type RegionFusion = 'average' | 'channelAttention';
/** How the frame vectors become one clip vector. */
export type FrameFusion = 'average' | 'frameAttention';

export interface ModelConfig {
  /** The one seed every initialiser derives its own seed from. */
  seed: number;
  /** 7 (AFEW classes) or 8 (with contempt). */
  numClasses: number;
  backbone: BackboneConfig;
  features: FeatureSource;
  stagePooling: StagePooling;
  spatialAttention: SpatialAttentionConfig;
  regionFusion: RegionFusion;
  channelAttention: ChannelAttentionConfig;
  frameFusion: FrameFusion;
  frameAttention: FrameAttentionConfig;
  /** Dropout rate on the clip vector f_v before the classifier (Sec. 4.2: 0.5 for the student). */
  dropout: number;
}

/** What a caller may pass: any subset; `validateModelConfig` fills the rest. */
export interface ModelConfigInput {
  seed?: number;
  numClasses?: number;
  backbone?: Partial<BackboneConfig>;
  features?: FeatureSource;
  stagePooling?: StagePooling;
  spatialAttention?: Partial<SpatialAttentionConfig>;
  regionFusion?: RegionFusion;
  channelAttention?: Partial<ChannelAttentionConfig>;
  frameFusion?: FrameFusion;
  frameAttention?: Partial<FrameAttentionConfig>;
  dropout?: number;
}

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

type Raw = Record<string, unknown>;

function isRecord(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Fills defaults and checks every field. Throws `ModelConfigError` listing all problems.
 */
export function validateModelConfig(input: ModelConfigInput = {}): ModelConfig {
  return fill(input as unknown as Raw, false);
}

/**
 * For configs read from files: the value must be an object with EVERY field present and valid
 * (no defaults are filled, so a file means the same network whatever our defaults become).
 */
export function parseModelConfig(json: unknown): ModelConfig {
  if (!isRecord(json)) throw new ModelConfigError(['config is not an object']);
  return fill(json, true);
}

function fill(raw: Raw, requireAll: boolean): ModelConfig {
  const problems: string[] = [];
  const known = (obj: Raw, path: string, keys: readonly string[]): void => {
    for (const k of Object.keys(obj))
      if (!keys.includes(k)) problems.push(`${path}${k}: unknown field`);
  };
  const field = <T>(
    obj: Raw,
    path: string,
    key: string,
    fallback: T,
    check: (v: unknown) => v is T,
    expected: string,
  ): T => {
    const v = obj[key];
    if (v === undefined) {
      if (requireAll) problems.push(`${path}${key}: missing`);
      return fallback;
    }
    if (!check(v)) {
      problems.push(`${path}${key}: expected ${expected}, got ${JSON.stringify(v)}`);
      return fallback;
    }
    return v;
  };
  const sub = (key: string): Raw => {
    const v = raw[key];
    if (v === undefined) {
      if (requireAll) problems.push(`${key}: missing`);
      return {};
    }
    if (!isRecord(v)) {
      problems.push(`${key}: expected an object`);
      return {};
    }
    return v;
  };
  const posInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
  const int = (v: unknown): v is number => Number.isInteger(v);
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const oneOf =
    <T extends string | number>(values: readonly T[]) =>
    (v: unknown): v is T =>
      values.includes(v as T);
  const widths = (v: unknown): v is readonly [number, number, number, number] =>
    Array.isArray(v) && v.length === 4 && v.every(posInt);

  known(raw, '', [
    'seed',
    'numClasses',
    'backbone',
    'features',
    'stagePooling',
    'spatialAttention',
    'regionFusion',
    'channelAttention',
    'frameFusion',
    'frameAttention',
    'dropout',
  ] as const);
  const d = DEFAULT_MODEL_CONFIG;
  const b = sub('backbone');
  known(b, 'backbone.', Object.keys(DEFAULT_BACKBONE_CONFIG));
  const sa = sub('spatialAttention');
  known(sa, 'spatialAttention.', Object.keys(DEFAULT_SPATIAL_ATTENTION_CONFIG));
  const ca = sub('channelAttention');
  known(ca, 'channelAttention.', Object.keys(DEFAULT_CHANNEL_ATTENTION_CONFIG));
  const fa = sub('frameAttention');
  known(fa, 'frameAttention.', Object.keys(DEFAULT_FRAME_ATTENTION_CONFIG));

  const db = d.backbone;
  const backbone: BackboneConfig = {
    depth: field(b, 'backbone.', 'depth', db.depth, oneOf([18, 34] as const), '18 or 34'),
    regions: field(b, 'backbone.', 'regions', db.regions, oneOf([1, 3] as const), '1 or 3'),
    stemWidth: field(b, 'backbone.', 'stemWidth', db.stemWidth, posInt, 'a positive integer'),
    stageWidths: [
      ...field(b, 'backbone.', 'stageWidths', db.stageWidths, widths, '4 positive integers'),
    ] as unknown as readonly [number, number, number, number],
    widthMultiplier: field(
      b,
      'backbone.',
      'widthMultiplier',
      db.widthMultiplier,
      (v): v is number => finite(v) && v > 0 && v <= 4,
      'a number in (0, 4]',
    ),
    inputSize: field(
      b,
      'backbone.',
      'inputSize',
      db.inputSize,
      (v): v is number => posInt(v) && v >= 8,
      'an integer >= 8',
    ),
    batchNormMomentum: field(
      b,
      'backbone.',
      'batchNormMomentum',
      db.batchNormMomentum,
      (v): v is number => finite(v) && v >= 0 && v <= 1,
      'a number in [0, 1]',
    ),
    batchNormEpsilon: field(
      b,
      'backbone.',
      'batchNormEpsilon',
      db.batchNormEpsilon,
      (v): v is number => finite(v) && v > 0,
      'a positive number',
    ),
  };
  const config: ModelConfig = {
    seed: field(raw, '', 'seed', d.seed, int, 'an integer'),
    numClasses: field(
      raw,
      '',
      'numClasses',
      d.numClasses,
      (v): v is number => posInt(v) && v >= 2,
      'an integer >= 2',
    ),
    backbone,
    features: field(
      raw,
      '',
      'features',
      d.features,
      oneOf(['lastBlock', 'allBlocks'] as const),
      "'lastBlock' or 'allBlocks'",
    ),
    stagePooling: field(
      raw,
      '',
      'stagePooling',
      d.stagePooling,
      oneOf(['average', 'spatialAttention'] as const),
      "'average' or 'spatialAttention'",
    ),
    spatialAttention: {
      hops: field(sa, 'spatialAttention.', 'hops', d.spatialAttention.hops, posInt, 'int > 0'),
      hidden: field(
        sa,
        'spatialAttention.',
        'hidden',
        d.spatialAttention.hidden,
        posInt,
        'int > 0',
      ),
      penaltyCoefficient: field(
        sa,
        'spatialAttention.',
        'penaltyCoefficient',
        d.spatialAttention.penaltyCoefficient,
        (v): v is number => finite(v) && v >= 0,
        'a number >= 0',
      ),
    },
    regionFusion: field(
      raw,
      '',
      'regionFusion',
      d.regionFusion,
      oneOf(['average', 'channelAttention'] as const),
      "'average' or 'channelAttention'",
    ),
    channelAttention: {
      hidden: field(
        ca,
        'channelAttention.',
        'hidden',
        d.channelAttention.hidden,
        posInt,
        'int > 0',
      ),
    },
    frameFusion: field(
      raw,
      '',
      'frameFusion',
      d.frameFusion,
      oneOf(['average', 'frameAttention'] as const),
      "'average' or 'frameAttention'",
    ),
    frameAttention: {
      hidden: field(fa, 'frameAttention.', 'hidden', d.frameAttention.hidden, posInt, 'int > 0'),
    },
    dropout: field(
      raw,
      '',
      'dropout',
      d.dropout,
      (v): v is number => finite(v) && v >= 0 && v < 1,
      'a number in [0, 1)',
    ),
  };
  if (config.regionFusion === 'channelAttention' && config.backbone.regions === 1)
    problems.push("regionFusion: 'channelAttention' needs backbone.regions = 3");
  if (problems.length > 0) throw new ModelConfigError(problems);
  return config;
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
export type { AblationPreset, AblationId } from './presets';
