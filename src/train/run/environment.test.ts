import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { setKernelMode } from '../../model/kernels';
import { runEnvironment } from './environment';

describe('runEnvironment', () => {
  afterEach(() => setKernelMode('auto'));
  const info = { name: 'cpu', reason: 'test' } as Parameters<typeof runEnvironment>[0];

  it("records the kernels the run uses: 'auto' is the stock ops off webgpu, a forced mode is itself", async () => {
    await tf.setBackend('cpu');
    expect(runEnvironment(info, 'cpu', 'node').kernels).toBe('tfjs');
    setKernelMode('fused');
    expect(runEnvironment(info, 'cpu', 'node').kernels).toBe('fused');
  });
});
