import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { clipInput } from '../../src/automation/model/bench';
import {
  evalStages,
  FUSED_TEST_CONFIG,
  modelWithBnStats,
  relativeError,
} from '../../src/model/fusedTestModel';
import { fusedKernelsActive } from '../../src/model/kernels';
import { disposeModel } from '../../src/model/model';
import { SWIFTSHADER_ICD } from './nodeWebgpu';

// The fused kernels (src/model/kernels.ts) on the webgpu backend, Dawn + SwiftShader in Node,
// against the CPU backend's stock path: tiny shapes (16 px, width 1/16, 2 frames) so it stays a
// few seconds.
describe.skipIf(!existsSync(SWIFTSHADER_ICD))(
  'fused kernels on webgpu (Dawn + SwiftShader)',
  () => {
    it('eval-mode backbone equals the CPU stock path (1e-4)', async () => {
      const s = FUSED_TEST_CONFIG.backbone?.inputSize ?? 16;
      const run = async (mode: 'tfjs' | 'fused') => {
        const model = modelWithBnStats(11);
        const x = tf.tidy(() => clipInput([1, 2, s, s, 9], 12).reshape<tf.Tensor4D>([2, s, s, 9]));
        try {
          return await evalStages(model, x, mode);
        } finally {
          x.dispose();
          disposeModel(model);
        }
      };
      await tf.setBackend('cpu');
      const ref = await run('tfjs');
      const { initNodeWebgpu } = await import('./nodeWebgpu');
      await initNodeWebgpu();
      expect(tf.getBackend()).toBe('webgpu');
      expect(fusedKernelsActive()).toBe(true); // 'auto' picks them on webgpu
      const stock = await run('tfjs');
      const fused = await run('fused');
      expect(relativeError(stock, ref)).toBeLessThan(1e-4);
      expect(relativeError(fused, ref)).toBeLessThan(1e-4);
    }, 120_000);
  },
);
