import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../model/params';
import { hasReluGradSimd, installReluGrad, setReluGradSimdEnabled } from './reluGrad';

// ReLU's gradient through the fused wasm kernel against tfjs's own chain (dy * step(x)) on the
// cpu backend: bit for bit, special values included, with and without the SIMD function.

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45];

function values(n: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, (_, i) =>
    i % 5 === 0 ? (SPECIAL[(i / 5 + seed) % SPECIAL.length] ?? 0) : 2 * r() - 1,
  );
}

async function reluGradient(backend: string, n: number): Promise<Float32Array> {
  await tf.setBackend(backend);
  const x = tf.tensor1d(values(n, 3));
  const dy = tf.tensor1d(values(n, 4));
  const g = tf.grad((t: tf.Tensor) => tf.relu(t))(x, dy);
  const out = (await g.data()) as Float32Array;
  tf.dispose([x, dy, g]);
  return out;
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('FerReluGrad', () => {
  let was = true;
  beforeAll(() => {
    installReluGrad();
  });
  afterAll(() => {
    setReluGradSimdEnabled(was);
  });

  for (const n of [1, 3, 4, 70, 4099])
    it(`equals the stock gradient bit for bit (${n} elements)`, async () => {
      const cpu = await reluGradient('cpu', n);
      const fast = await reluGradient('wasm', n);
      was = setReluGradSimdEnabled(false);
      const js = await reluGradient('wasm', n);
      setReluGradSimdEnabled(true);
      // NaNs compare by being NaN (their payloads may differ), everything else by bits
      const nan = (a: Float32Array) => Array.from(a, Number.isNaN);
      expect(nan(fast)).toEqual(nan(cpu));
      expect(nan(js)).toEqual(nan(cpu));
      const finite = (a: Float32Array) => bits(a.map((v) => (Number.isNaN(v) ? 0 : v)));
      expect(finite(fast)).toEqual(finite(cpu));
      expect(finite(js)).toEqual(finite(cpu));
    });

  it('runs the SIMD function on wasm here, and only there', async () => {
    await tf.setBackend('wasm');
    expect(hasReluGradSimd()).toBe(true);
    const names = async () => {
      const x = tf.tensor1d([-1, 2, 3, -4]);
      const info = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.relu(t))(x));
      x.dispose();
      return info.kernelNames;
    };
    expect(await names()).toContain('FerReluGrad');
    expect(await names()).not.toContain('Step');
    await tf.setBackend('cpu');
    expect(hasReluGradSimd()).toBe(false);
    expect(await names()).toContain('Step');
  });
});
