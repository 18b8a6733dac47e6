/**
 * The preprocessing engine's defaults and their validation. Each default and where it comes
 * from is listed in docs/preprocess-engine.md ("Defaults").
 */
import { DEFAULT_ILLUMINATION_CONFIG } from './steps/illumination';
import { DEFAULT_CROP_CONFIG } from './steps/regionCrops';
import { DEFAULT_TILE_CONFIG, TILED_DETECTION_MODES, type TiledDetection } from './steps/tiles';
import type { PreprocessConfig } from './types';

export const DEFAULT_ENCODE_CONFIG: PreprocessConfig['encode'] = { format: 'webp', quality: 0.8 };

export const DEFAULT_PREPROCESS_CONFIG: PreprocessConfig = {
  crop: DEFAULT_CROP_CONFIG,
  illumination: DEFAULT_ILLUMINATION_CONFIG,
  encode: DEFAULT_ENCODE_CONFIG,
  fps: 10,
  maxFramesPerVideo: 64,
  minFramesPerVideo: 5,
  detectMaxSide: 640,
  tiledDetection: 'auto',
  minTileScore: DEFAULT_TILE_CONFIG.minTileScore,
};

/**
 * Frames are decoded with their longest side at most this (the crops are 224 px; a 1080p
 * frame's face rarely needs more, and ffmpeg.wasm holds all sampled frames of a video at once).
 */
export const SOURCE_MAX_SIDE = 1280;

/** A partial config, nested parts partial too. */
export interface PreprocessConfigInput {
  crop?: Partial<PreprocessConfig['crop']>;
  illumination?: Partial<PreprocessConfig['illumination']>;
  encode?: Partial<PreprocessConfig['encode']>;
  fps?: number;
  maxFramesPerVideo?: number;
  minFramesPerVideo?: number;
  detectMaxSide?: number;
  tiledDetection?: TiledDetection;
  minTileScore?: number;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(message);
}

function unitPoint(name: string, p: { x: number; y: number }): void {
  check(p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1, `${name} must be inside [0, 1]^2`);
}

/** Fills defaults (deeply) and checks every field; throws a RangeError naming a bad one. */
export function validatePreprocessConfig(input: PreprocessConfigInput = {}): PreprocessConfig {
  const d = DEFAULT_PREPROCESS_CONFIG;
  const c: PreprocessConfig = {
    crop: { ...d.crop, ...input.crop },
    illumination: { ...d.illumination, ...input.illumination },
    encode: { ...d.encode, ...input.encode },
    fps: input.fps ?? d.fps,
    maxFramesPerVideo: input.maxFramesPerVideo ?? d.maxFramesPerVideo,
    minFramesPerVideo: input.minFramesPerVideo ?? d.minFramesPerVideo,
    detectMaxSide: input.detectMaxSide ?? d.detectMaxSide,
    tiledDetection: input.tiledDetection ?? d.tiledDetection,
    minTileScore: input.minTileScore ?? d.minTileScore,
  };
  const { crop, illumination: il, encode } = c;
  check(
    Number.isInteger(crop.size) && crop.size >= 8 && crop.size <= 1024,
    'crop.size must be an integer in [8, 1024]',
  );
  check(crop.facePadding >= 0 && crop.facePadding <= 2, 'crop.facePadding must be in [0, 2]');
  unitPoint('crop.eyesTarget.right', crop.eyesTarget.right);
  unitPoint('crop.eyesTarget.left', crop.eyesTarget.left);
  unitPoint('crop.mouthTarget.right', crop.mouthTarget.right);
  unitPoint('crop.mouthTarget.left', crop.mouthTarget.left);
  check(
    crop.eyesTarget.left.x > crop.eyesTarget.right.x,
    'crop.eyesTarget: the left eye must land right of the right eye',
  );
  check(
    crop.mouthTarget.left.x > crop.mouthTarget.right.x,
    'crop.mouthTarget: the left corner must land right of the right corner',
  );
  check(
    ['none', 'clahe', 'gamma'].includes(il.method),
    `illumination.method: unknown '${il.method}'`,
  );
  check(il.claheClipLimit >= 1, 'illumination.claheClipLimit must be >= 1');
  check(
    Number.isInteger(il.claheTiles) && il.claheTiles >= 1 && il.claheTiles <= 64,
    'illumination.claheTiles must be an integer in [1, 64]',
  );
  check(
    il.gammaTargetMean > 0 && il.gammaTargetMean < 1,
    'illumination.gammaTargetMean must be in (0, 1)',
  );
  check(
    (['webp', 'jpeg'] as string[]).includes(encode.format),
    `encode.format: unknown '${encode.format}'`,
  );
  check(encode.quality > 0 && encode.quality <= 1, 'encode.quality must be in (0, 1]');
  check(c.fps > 0 && c.fps <= 60, 'fps must be in (0, 60]');
  check(
    Number.isInteger(c.maxFramesPerVideo) && c.maxFramesPerVideo >= 1,
    'maxFramesPerVideo must be a positive integer',
  );
  check(
    Number.isInteger(c.minFramesPerVideo) && c.minFramesPerVideo >= 0,
    'minFramesPerVideo must be a non-negative integer',
  );
  check(
    c.minFramesPerVideo <= c.maxFramesPerVideo,
    'minFramesPerVideo must not exceed maxFramesPerVideo',
  );
  check(
    Number.isInteger(c.detectMaxSide) && c.detectMaxSide >= 64,
    'detectMaxSide must be an integer >= 64',
  );
  check(
    TILED_DETECTION_MODES.includes(c.tiledDetection),
    `tiledDetection: unknown '${c.tiledDetection}' (auto, always or off)`,
  );
  check(c.minTileScore >= 0 && c.minTileScore <= 1, 'minTileScore must be in [0, 1]');
  return c;
}

/** JSON with object keys sorted, so equal configs serialise equally. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function fnv1a(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * A short fingerprint of a config (16 hex digits): stored with each processed item, so a
 * run with other settings redoes the item instead of mixing crops made two ways.
 */
export function configHash(config: PreprocessConfig): string {
  // Fields added after items were stored count only when set away from their default, so
  // those items stay current (they were made with the default).
  const hashed: Partial<PreprocessConfig> = { ...config };
  if (config.minTileScore === DEFAULT_PREPROCESS_CONFIG.minTileScore) delete hashed.minTileScore;
  const text = stableStringify(hashed);
  const hex = (n: number): string => n.toString(16).padStart(8, '0');
  return hex(fnv1a(text, 0x811c9dc5)) + hex(fnv1a(text, 0x9747b28c));
}
