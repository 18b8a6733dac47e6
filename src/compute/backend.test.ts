import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  describeBackend,
  explainBackend,
  inheritedReason,
  initBackend,
  threadsReason,
  type BackendInfo,
} from './backend';
import { setWasmThreadsOverride, trainingWasmThreads, wasmThreadsRequest } from './wasmThreads';

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

describe('one account of backend and threads (issue 17 item 12)', () => {
  const wasmInfo = (threads: number, reason: string): BackendInfo => ({
    name: 'wasm',
    reason: 'no WebGPU adapter (none): WASM trains fastest on the CPU',
    fallbacks: [],
    adapter: null,
    wasm: {
      threads,
      requestedThreads: threads,
      threadsReason: reason,
      simd: true,
      multithread: true,
      crossOriginIsolated: true,
    },
    ranking: null,
  });

  it('a training worker on the page’s backend gives the page’s reason, not a setting', async () => {
    const info = await initBackend('wasm', {
      preferredReason: inheritedReason('no WebGPU adapter (none): WASM trains fastest on the CPU'),
    });
    expect(info.reason).toBe(
      "the page's backend (no WebGPU adapter (none): WASM trains fastest on the CPU)",
    );
    expect(explainBackend(info)).not.toMatch(/setting/);
    expect(info.wasm?.threadsReason).toBeTruthy();
  });

  it('says why a run has fewer threads than the header: a small network', () => {
    const small = trainingWasmThreads(4.5e7);
    expect(small?.threads).toBe(1);
    expect(small?.reason).toMatch(/the network is small \(0\.04 GFLOP per frame, below 0\.2\)/);
    expect(trainingWasmThreads(1.2e9)).toBeNull();
    setWasmThreadsOverride(small?.threads ?? null, small?.reason);
    try {
      expect(wasmThreadsRequest()).toEqual(small);
    } finally {
      setWasmThreadsOverride(null);
    }
    expect(wasmThreadsRequest().reason).toMatch(/one per logical core|cores is unknown/);
    const header = wasmInfo(2, 'one per logical core (2)');
    const run = wasmInfo(1, small?.reason ?? '');
    expect(describeBackend(header)).toBe('WebAssembly (SIMD, 2 threads)');
    expect(explainBackend(header)).toMatch(/; 2 threads: one per logical core \(2\)$/);
    expect(describeBackend(run)).toBe('WebAssembly (SIMD, 1 thread)');
    expect(explainBackend(run)).toMatch(/; 1 thread: the network is small/);
  });

  it('says what capped the threads when fewer run than were asked for', () => {
    const asked = { threads: 2, reason: 'one per logical core (2)' };
    expect(threadsReason(2, asked, true)).toBe('one per logical core (2)');
    expect(threadsReason(1, asked, false)).toBe(
      '2 asked for (one per logical core (2)), but the threaded binary needs a cross-origin-isolated page',
    );
    expect(threadsReason(1, asked, true)).toMatch(/started earlier with 1$/);
  });
});
