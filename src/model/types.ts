/**
 * The shape of the model's configuration (paper Sec. 4.1, Fig. 2, Table 2). Types only, no
 * imports: ./config.ts (defaults, schema, validation) and ./presets.ts (Table 2's rows) both
 * build on it, so neither imports the other's module for its types.
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
