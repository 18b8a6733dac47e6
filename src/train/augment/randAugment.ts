/**
 * RandAugment for clips (paper Sec. 4.2: "n in [2, 4] random operations with a random
 * magnitude m in [0, 9]"; Cubuk et al. 2019). Per clip: n ops drawn uniformly with replacement
 * from the op list, one magnitude m for all of them (RandAugment's single M), a sign per op.
 * The same ops at the same strengths apply to every frame and to all three regions, so a
 * clip stays one consistent video. Magnitudes map to strengths on RandAugment's 10-level scale
 * (strength = max x m / 10); the table is in docs/augmentation.md.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../compute/random';
import * as ops from './ops';

export const AUGMENT_OPS = [
  'flipLeftRight',
  'translateX',
  'translateY',
  'rotate',
  'shearX',
  'shearY',
  'brightness',
  'contrast',
  'saturation',
  'sharpness',
  'autoContrast',
  'posterize',
  'solarize',
  'cutout',
] as const;

export type AugmentOpName = (typeof AUGMENT_OPS)[number];

export interface RandAugmentConfig {
  /** n: ops per clip, drawn uniformly from [minOps, maxOps] (paper: 2..4). */
  minOps: number;
  maxOps: number;
  /** m: magnitude per clip, an integer drawn uniformly from [minMagnitude, maxMagnitude] (paper: 0..9). */
  minMagnitude: number;
  maxMagnitude: number;
  ops: AugmentOpName[];
}

/** The paper's ranges; every op above (equalize and invert left out: docs/augmentation.md). */
export const DEFAULT_RAND_AUGMENT: RandAugmentConfig = {
  minOps: 2,
  maxOps: 4,
  minMagnitude: 0,
  maxMagnitude: 9,
  ops: [...AUGMENT_OPS],
};

/** RandAugment's magnitude scale: m = 10 is each op's maximum strength. */
export const MAX_LEVEL = 10;

/** Each op's strength at m = MAX_LEVEL. */
export const MAX_STRENGTH = {
  /** Enhance factor 1 +- 0.9 (PIL factors 0.1..1.9, as RandAugment). */
  enhance: 0.9,
  /** Fraction of the side (150 px of 331 in AutoAugment/RandAugment). */
  translate: 0.45,
  /** Degrees. */
  rotate: 30,
  /** Shear factor. */
  shear: 0.3,
  /** Bits removed (8 -> 4 bits). */
  posterizeBits: 4,
  /** Fraction of the side of the cut-out square (ours). */
  cutout: 0.5,
} as const;

export interface AugmentOp {
  op: AugmentOpName;
  /** m on the 0..10 scale. */
  magnitude: number;
  /** Direction for signed ops (translate, rotate, shear, enhance factors); ignored otherwise. */
  sign: 1 | -1;
  /** Cutout only: the square's centre as fractions of the frame (default: the centre). */
  at?: { x: number; y: number };
}

export interface AugmentParams {
  ops: AugmentOp[];
}

export function validateRandAugmentConfig(c: RandAugmentConfig): RandAugmentConfig {
  const int = (v: number): boolean => Number.isInteger(v) && v >= 0;
  if (!int(c.minOps) || !int(c.maxOps) || c.minOps > c.maxOps) {
    throw new RangeError(
      `RandAugment ops must be integers 0 <= min <= max, got ${c.minOps}..${c.maxOps}`,
    );
  }
  if (!int(c.minMagnitude) || !int(c.maxMagnitude) || c.minMagnitude > c.maxMagnitude) {
    throw new RangeError(
      `RandAugment magnitudes must be integers 0 <= min <= max, got ${c.minMagnitude}..${c.maxMagnitude}`,
    );
  }
  if (c.maxMagnitude > MAX_LEVEL) {
    throw new RangeError(
      `RandAugment magnitude must be at most ${MAX_LEVEL}, got ${c.maxMagnitude}`,
    );
  }
  for (const op of c.ops) {
    if (!(AUGMENT_OPS as readonly string[]).includes(op))
      throw new RangeError(`Unknown augmentation op '${op}'`);
  }
  if (c.ops.length === 0 && c.maxOps > 0) throw new RangeError('RandAugment needs at least one op');
  return c;
}

/** Draws one clip's augmentation; a pure function of the generator's state. */
export function sampleAugmentation(rng: Rng, config: RandAugmentConfig): AugmentParams {
  const c = validateRandAugmentConfig(config);
  const n = c.minOps + rng.int(c.maxOps - c.minOps + 1);
  const magnitude = c.minMagnitude + rng.int(c.maxMagnitude - c.minMagnitude + 1);
  const out: AugmentOp[] = [];
  for (let i = 0; i < n; i++) {
    const op = c.ops[rng.int(c.ops.length)] as AugmentOpName;
    const sign = rng.next() < 0.5 ? -1 : 1;
    // Always draw the position so the stream does not depend on which op came up.
    const at = { x: rng.next(), y: rng.next() };
    out.push(op === 'cutout' ? { op, magnitude, sign, at } : { op, magnitude, sign });
  }
  return { ops: out };
}

/** The strength an op gets at a magnitude (for the docs, the UI and the tests). */
export function opStrength(op: AugmentOp): number {
  const level = op.magnitude / MAX_LEVEL;
  switch (op.op) {
    case 'brightness':
    case 'contrast':
    case 'saturation':
    case 'sharpness':
      return 1 + op.sign * MAX_STRENGTH.enhance * level;
    case 'translateX':
    case 'translateY':
      return op.sign * MAX_STRENGTH.translate * level;
    case 'rotate':
      return op.sign * MAX_STRENGTH.rotate * level;
    case 'shearX':
    case 'shearY':
      return op.sign * MAX_STRENGTH.shear * level;
    case 'posterize':
      return 8 - Math.round(MAX_STRENGTH.posterizeBits * level);
    case 'solarize':
      // Threshold on the 0..1 scale; 256/255 (m = 0) inverts nothing, as PIL's 256.
      return (256 / 255) * (1 - level);
    case 'cutout':
      return MAX_STRENGTH.cutout * level;
    case 'flipLeftRight':
    case 'autoContrast':
      return 1;
  }
}

function applyOne(x: tf.Tensor4D, op: AugmentOp): tf.Tensor4D {
  const s = x.shape[1];
  const v = opStrength(op);
  switch (op.op) {
    case 'flipLeftRight':
      return ops.flipLeftRight(x);
    case 'translateX':
      return ops.translate(x, v * s, 0);
    case 'translateY':
      return ops.translate(x, 0, v * s);
    case 'rotate':
      return ops.rotate(x, v);
    case 'shearX':
      return ops.shear(x, v, 'x');
    case 'shearY':
      return ops.shear(x, v, 'y');
    case 'brightness':
      return ops.brightness(x, v);
    case 'contrast':
      return ops.contrast(x, v);
    case 'saturation':
      return ops.saturation(x, v);
    case 'sharpness':
      return ops.sharpness(x, v);
    case 'autoContrast':
      return ops.autoContrast(x);
    case 'posterize':
      return ops.posterize(x, v);
    case 'solarize':
      return ops.solarize(x, v);
    case 'cutout':
      return ops.cutout(x, v * s, op.at?.x ?? 0.5, op.at?.y ?? 0.5);
  }
}

/**
 * Applies `params` in order to a clip [T, S, S, 9] in [0, 1]; the result is clipped to [0, 1].
 * The input is not disposed; the caller owns the result.
 */
export function applyAugmentation(clip: tf.Tensor4D, params: AugmentParams): tf.Tensor4D {
  return tf.tidy((): tf.Tensor4D => {
    let x = clip;
    for (const op of params.ops) x = applyOne(x, op);
    return tf.clipByValue(x, 0, 1);
  });
}
