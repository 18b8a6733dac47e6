import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { describeBackend, initBackend } from './backend';

// Node has no WebGPU: the default order must pick wasm and say why; the setting must win.
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('initBackend', () => {
  it('picks wasm without a WebGPU adapter and records the reason', async () => {
    const info = await initBackend();
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.reason).toMatch(/no WebGPU adapter.*WASM trains fastest/);
    expect(info.fallbacks.map((f) => f.name)).toEqual(['webgpu']);
    expect(info.wasm?.simd).toBe(true);
    expect(describeBackend(info)).toMatch(/^WebAssembly \(SIMD, \d+ threads?\)$/);
  });

  it('the setting puts its backend first', async () => {
    const info = await initBackend('cpu');
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.reason).toBe('requested by the setting (backend=cpu)');
  });

  it('rank: true measures a probe training step on each backend that starts, fastest first', async () => {
    const info = await initBackend(undefined, { rank: true });
    const measured = (info.ranking ?? []).filter((p) => p.ms !== null);
    expect(measured.map((p) => p.name).sort()).toEqual(['cpu', 'wasm']);
    expect(info.name).toBe(measured[0]?.name);
    expect(info.reason).toMatch(/measured probe training step: \w+ \d+ ms/);
  });
});
