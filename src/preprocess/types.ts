/**
 * Shared types of the preprocessing pipeline (paper Sec. 3, "Pre-Processing").
 * Pixel coordinates are in source-image pixels unless a name says otherwise.
 */
import type { FaceResult, Point } from './faceModels';
import type { TiledDetection } from './steps/tiles';

export type { FaceResult, Point };

/** An RGBA image in memory (same layout as ImageData, usable in Node tests). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/**
 * A 2x3 affine matrix [a, b, c, d, e, f] mapping a source pixel (x, y) to the crop:
 * x' = a*x + b*y + c, y' = d*x + e*y + f. Pixel centres are at integer + 0.5.
 */
export type Affine = readonly [number, number, number, number, number, number];

export type Region = 'face' | 'eyes' | 'mouth';
export const REGIONS: readonly Region[] = ['face', 'eyes', 'mouth'];

export type IlluminationMethod = 'none' | 'clahe' | 'gamma';

export interface IlluminationConfig {
  method: IlluminationMethod;
  /** CLAHE clip limit (Emotion-FAN uses 2.5) and tile grid (8x8). */
  claheClipLimit: number;
  claheTiles: number;
  /** Automatic gamma: the gamma that moves the mean lightness to this target (0..1). */
  gammaTargetMean: number;
}

export interface CropConfig {
  /** Output side in pixels (the paper: 224). */
  size: number;
  /** Face crop: the detector box padded by this fraction on each side (FAN: 0.25). */
  facePadding: number;
  /** Eyes crop: where the person's right and left eye centres land, normalised (paper: 0.2,0.6 / 0.8,0.6). */
  eyesTarget: { right: Point; left: Point };
  /** Mouth crop: where the right and left mouth corners land, normalised (ours; see docs/preprocessing.md). */
  mouthTarget: { right: Point; left: Point };
}

export interface EncodeConfig {
  format: 'webp' | 'jpeg';
  /** 0..1 */
  quality: number;
}

export interface PreprocessConfig {
  crop: CropConfig;
  illumination: IlluminationConfig;
  encode: EncodeConfig;
  /** Frames sampled per second of video. */
  fps: number;
  /** At most this many frames per video (evenly spread). */
  maxFramesPerVideo: number;
  /** A video left with fewer kept frames is flagged, not silently used. */
  minFramesPerVideo: number;
  /** Longest side frames are scaled to before detection (speed). */
  detectMaxSide: number;
  /**
   * Small faces (docs/preprocessing.md, "Small faces"): 'auto' adds a tiled detection pass
   * when the whole-frame pass finds no face or only small ones, 'always' on every frame,
   * 'off' never.
   */
  tiledDetection: TiledDetection;
  /**
   * A face only a tile found is kept when its detector score is at least this (default 0.7,
   * TileConfig.minTileScore in ./steps/tiles.ts).
   */
  minTileScore: number;
}

/** Why a frame was dropped. */
export type DropReason = 'no-face' | 'no-landmarks' | 'decode-error';

/** Everything kept about one processed frame (stored with its three crops). */
export interface FrameRecord {
  frameIndex: number;
  timestampSec: number;
  sourceWidth: number;
  sourceHeight: number;
  /** All faces found (boxes, scores, keypoints), and which one was used (the largest box). */
  faces: FaceResult['box'][];
  scores: number[];
  chosen: number;
  /** Named keypoints of the chosen face, source pixels. */
  keypoints: {
    rightEye: Point;
    leftEye: Point;
    noseTip: Point;
    mouthRight: Point | null;
    mouthLeft: Point | null;
    mouthCenter: Point;
  };
  /** Rotation that levels the eye line, degrees (positive = counter-clockwise). */
  angleDeg: number;
  /** Source pixels -> crop pixels, per region. */
  affines: Record<Region, Affine>;
  /** Mean lightness (0..1) of the face crop before and after illumination correction. */
  lightnessBefore: number;
  lightnessAfter: number;
}
