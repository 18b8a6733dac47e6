import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { trySetBackend } from '../../compute/backend';
import { stream } from '../../compute/random';
import * as ops from './ops';
import {
  applyAugmentation,
  AUGMENT_OPS,
  DEFAULT_RAND_AUGMENT,
  opStrength,
  sampleAugmentation,
  type AugmentOp,
  type AugmentOpName,
} from './randAugment';

/** A clip [T, S, S, 9] whose every value is distinct and in [0, 1]. */
function ramp(
  t: number,
  s: number,
): { x: tf.Tensor4D; v: (f: number, r: number, c: number, ch: number) => number } {
  const v = (f: number, r: number, c: number, ch: number): number =>
    ((((f * s + r) * s + c) * 9 + ch) % 251) / 250;
  const data = new Float32Array(t * s * s * 9);
  for (let f = 0; f < t; f++)
    for (let r = 0; r < s; r++)
      for (let c = 0; c < s; c++)
        for (let ch = 0; ch < 9; ch++) data[((f * s + r) * s + c) * 9 + ch] = v(f, r, c, ch);
  return { x: tf.tensor4d(data, [t, s, s, 9]), v };
}

function at(
  a: Float32Array | Int32Array | Uint8Array,
  s: number,
  f: number,
  r: number,
  c: number,
  ch: number,
): number {
  return a[((f * s + r) * s + c) * 9 + ch] as number;
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], digits: number): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
}

function run(x: tf.Tensor4D, op: AugmentOp): Float32Array {
  const y = applyAugmentation(x, { ops: [op] });
  const out = y.dataSync() as Float32Array;
  y.dispose();
  return out;
}

const op = (name: AugmentOpName, magnitude: number, sign: 1 | -1 = 1): AugmentOp => ({
  op: name,
  magnitude,
  sign,
});

describe.each(['cpu', 'wasm'] as const)('RandAugment ops on %s', (backend) => {
  beforeAll(async () => {
    const failure = await trySetBackend(backend);
    if (failure !== null) throw new Error(`${backend} did not start: ${failure}`);
  });

  it('flip mirrors the columns of all 9 channels in every frame', () => {
    const s = 4;
    const { x, v } = ramp(2, s);
    const out = run(x, op('flipLeftRight', 0));
    for (let f = 0; f < 2; f++)
      for (let r = 0; r < s; r++)
        for (let c = 0; c < s; c++)
          for (let ch = 0; ch < 9; ch++)
            expect(at(out, s, f, r, c, ch)).toBeCloseTo(v(f, r, s - 1 - c, ch), 6);
    x.dispose();
  });

  it('translateX at m = 10 moves every region 0.45 of the side (9 px of 20), filling black', () => {
    const s = 20;
    const { x, v } = ramp(2, s);
    expect(opStrength(op('translateX', 10))).toBeCloseTo(0.45);
    const out = run(x, op('translateX', 10));
    for (const ch of [0, 4, 8]) {
      expect(at(out, s, 1, 3, 12, ch)).toBeCloseTo(v(1, 3, 3, ch), 5);
      expect(at(out, s, 0, 7, 9, ch)).toBeCloseTo(v(0, 7, 0, ch), 5);
      expect(at(out, s, 0, 7, 8, ch)).toBe(0);
    }
    const up = run(x, op('translateY', 10, -1)); // content moves up 9 rows
    expect(at(up, s, 1, 2, 5, 7)).toBeCloseTo(v(1, 11, 5, 7), 5);
    expect(at(up, s, 1, 11, 5, 7)).toBe(0);
    x.dispose();
  });

  it('rotate by 90 degrees is np.rot90 (counter-clockwise) of every frame and region', () => {
    const s = 5;
    const { x, v } = ramp(2, s);
    const y = tf.tidy(() => ops.rotate(x, 90));
    const out = y.dataSync() as Float32Array;
    for (let f = 0; f < 2; f++)
      for (let r = 0; r < s; r++)
        for (let c = 0; c < s; c++)
          for (const ch of [1, 5, 6])
            expect(at(out, s, f, r, c, ch)).toBeCloseTo(v(f, c, s - 1 - r, ch), 4);
    expect(opStrength(op('rotate', 5, -1))).toBeCloseTo(-15);
    tf.dispose([x, y]);
  });

  it('shearX keeps the centre row and shifts the others by k x distance', () => {
    const s = 5;
    const { x, v } = ramp(1, s);
    const y = tf.tidy(() => ops.shear(x, 0.5, 'x'));
    const out = y.dataSync() as Float32Array;
    for (let c = 0; c < s; c++) expect(at(out, s, 0, 2, c, 3)).toBeCloseTo(v(0, 2, c, 3), 5);
    // Row 4 is 2 below the centre: output col 1 samples input col 1 + 0.5 * 2 = 2.
    expect(at(out, s, 0, 4, 1, 3)).toBeCloseTo(v(0, 4, 2, 3), 5);
    tf.dispose([x, y]);
  });

  it('brightness multiplies by 1 + 0.9 m / 10, clipped to 1', () => {
    const s = 3;
    const { x, v } = ramp(1, s);
    const out = run(x, op('brightness', 5));
    const dark = run(x, op('brightness', 5, -1));
    for (let ch = 0; ch < 9; ch++) {
      expect(at(out, s, 0, 1, 1, ch)).toBeCloseTo(Math.min(1, 1.45 * v(0, 1, 1, ch)), 5);
      expect(at(dark, s, 0, 1, 1, ch)).toBeCloseTo(0.55 * v(0, 1, 1, ch), 5);
    }
    x.dispose();
  });

  it('contrast blends with each region mean luma; saturation with each pixel luma', () => {
    const s = 2;
    const { x, v } = ramp(1, s);
    const lum = (r: number, c: number, reg: number): number =>
      0.299 * v(0, r, c, reg * 3) +
      0.587 * v(0, r, c, reg * 3 + 1) +
      0.114 * v(0, r, c, reg * 3 + 2);
    const con = run(x, op('contrast', 10, -1)); // factor 0.1
    const sat = run(x, op('saturation', 10, -1));
    for (let reg = 0; reg < 3; reg++) {
      const mean = (lum(0, 0, reg) + lum(0, 1, reg) + lum(1, 0, reg) + lum(1, 1, reg)) / 4;
      const ch = reg * 3 + 1;
      expect(at(con, s, 0, 1, 0, ch)).toBeCloseTo(mean + 0.1 * (v(0, 1, 0, ch) - mean), 5);
      expect(at(sat, s, 0, 1, 0, ch)).toBeCloseTo(
        lum(1, 0, reg) + 0.1 * (v(0, 1, 0, ch) - lum(1, 0, reg)),
        5,
      );
    }
    x.dispose();
  });

  it('sharpness blends with the 3x3 smooth filter inside and keeps the border', () => {
    const s = 5;
    const data = new Float32Array(s * s * 9).fill(0.2);
    for (let ch = 0; ch < 9; ch++) data[(2 * s + 2) * 9 + ch] = 0.8; // an impulse in the middle
    const x = tf.tensor4d(data, [1, s, s, 9]);
    const blurred = run(x, op('sharpness', 10, -1)); // factor 0.1: mostly the smoothed image
    const smoothCentre = (8 * 0.2 + 5 * 0.8) / 13;
    const smoothNext = (8 * 0.2 + 0.8 + 4 * 0.2) / 13;
    for (const ch of [0, 4, 8]) {
      expect(at(blurred, s, 0, 2, 2, ch)).toBeCloseTo(smoothCentre + 0.1 * (0.8 - smoothCentre), 5);
      expect(at(blurred, s, 0, 1, 2, ch)).toBeCloseTo(smoothNext + 0.1 * (0.2 - smoothNext), 5);
      expect(at(blurred, s, 0, 0, 0, ch)).toBeCloseTo(0.2, 6);
    }
    x.dispose();
  });

  it('autoContrast stretches each channel of each frame to [0, 1]; a flat channel stays', () => {
    const x = tf.tidy(() =>
      tf.concat(
        [
          tf.linspace(0.2, 0.6, 4).reshape([1, 2, 2, 1]).tile([1, 1, 1, 8]),
          tf.fill([1, 2, 2, 1], 0.3),
        ],
        3,
      ),
    ) as tf.Tensor4D;
    const out = run(x, op('autoContrast', 3));
    expect(Array.from(out.slice(0, 9))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, expect.closeTo(0.3, 6)]);
    expect(at(out, 2, 0, 0, 1, 2)).toBeCloseTo(1 / 3, 5);
    expect(at(out, 2, 0, 1, 1, 5)).toBeCloseTo(1, 5);
    x.dispose();
  });

  it('posterize at m = 9 keeps 4 bits; solarize at m = 5 inverts values >= 128/255', () => {
    const x = tf.tensor4d([0.5, 0.2, 0.9, 0.49, 0.51, 0, 1, 0.3, 0.7], [1, 1, 1, 9]);
    expect(opStrength(op('posterize', 9))).toBe(4);
    const p = run(x, op('posterize', 9));
    expectClose(
      p,
      [128, 48, 224, 112, 128, 0, 240, 64, 176].map((n) => n / 255),
      5,
    );
    const so = run(x, op('solarize', 5));
    expectClose(so, [0.5, 0.2, 0.1, 0.49, 0.49, 0, 0, 0.3, 0.3], 5);
    expectClose(run(x, op('solarize', 0)), Array.from(x.dataSync()), 6);
    x.dispose();
  });

  it('cutout greys the same square of every region and frame', () => {
    const s = 10;
    const x = tf.fill<tf.Rank.R4>([2, s, s, 9], 0.9);
    const out = run(x, { op: 'cutout', magnitude: 4, sign: 1, at: { x: 0.3, y: 0.5 } }); // side 2 px
    for (let f = 0; f < 2; f++)
      for (const ch of [0, 4, 8]) {
        expect(at(out, s, f, 4, 2, ch)).toBe(0.5);
        expect(at(out, s, f, 5, 3, ch)).toBe(0.5);
        expect(at(out, s, f, 5, 4, ch)).toBeCloseTo(0.9, 6);
        expect(at(out, s, f, 3, 2, ch)).toBeCloseTo(0.9, 6);
      }
    x.dispose();
  });

  it('any sampled chain treats all frames and regions alike, stays in [0, 1] and leaks nothing', () => {
    const s = 8;
    // Three identical regions, two identical frames: they must stay identical.
    const one = tf.tidy(() =>
      tf.tile(tf.randomUniform<tf.Rank.R4>([1, s, s, 3], 0, 1, 'float32', 7), [2, 1, 1, 3]),
    );
    const start = tf.memory().numTensors;
    for (let i = 0; i < 40; i++) {
      const params = sampleAugmentation(stream(1, `chain/${i}`), DEFAULT_RAND_AUGMENT);
      const y = applyAugmentation(one, params);
      const d = y.dataSync();
      y.dispose();
      for (let k = 0; k < s * s; k++) {
        for (let ch = 0; ch < 3; ch++) {
          const a = d[k * 9 + ch] as number;
          expect(d[k * 9 + ch + 3]).toBe(a);
          expect(d[k * 9 + ch + 6]).toBe(a);
          expect(d[(s * s + k) * 9 + ch]).toBe(a);
          expect(a).toBeGreaterThanOrEqual(0);
          expect(a).toBeLessThanOrEqual(1);
        }
      }
    }
    expect(tf.memory().numTensors).toBe(start);
    one.dispose();
  });
});

describe('sampleAugmentation', () => {
  it('draws n in [2, 4] ops from the list at one magnitude in [0, 9], deterministically', () => {
    const seen = new Set<string>();
    const ns = new Set<number>();
    const ms = new Set<number>();
    for (let i = 0; i < 400; i++) {
      const p = sampleAugmentation(stream(3, `clip/${i}`), DEFAULT_RAND_AUGMENT);
      expect(p).toEqual(sampleAugmentation(stream(3, `clip/${i}`), DEFAULT_RAND_AUGMENT));
      ns.add(p.ops.length);
      for (const o of p.ops) {
        seen.add(o.op);
        ms.add(o.magnitude);
        expect(o.magnitude).toBe(p.ops[0]?.magnitude);
        expect(o.at !== undefined).toBe(o.op === 'cutout');
      }
    }
    expect([...ns].sort()).toEqual([2, 3, 4]);
    expect([...ms].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seen.size).toBe(AUGMENT_OPS.length);
  });

  it('uses only the configured ops and rejects bad ranges', () => {
    const cfg = { ...DEFAULT_RAND_AUGMENT, ops: ['brightness' as const], minOps: 1, maxOps: 1 };
    expect(sampleAugmentation(stream(1, 'x'), cfg).ops.map((o) => o.op)).toEqual(['brightness']);
    expect(() => sampleAugmentation(stream(1, 'x'), { ...cfg, minOps: 3, maxOps: 2 })).toThrow(
      RangeError,
    );
    expect(() => sampleAugmentation(stream(1, 'x'), { ...cfg, maxMagnitude: 11 })).toThrow(
      RangeError,
    );
  });
});
