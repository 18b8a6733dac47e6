import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { clipInput } from '../../src/automation/model/bench';
import { trainStep } from '../../src/automation/model/trainStep';
import { createAdam } from '../../src/compute/fusedAdam';
import { mergeConfig, TINY_OVERRIDES } from '../../src/model/config';
import { createModel, disposeForwardOutput, disposeModel, forward } from '../../src/model/model';
import {
  dawnOptions,
  missingLimits,
  REQUIRED_LIMITS,
  SWIFTSHADER_ICD,
  vulkanEnvironment,
  type GpuLimits,
} from './nodeWebgpu';

describe('missingLimits', () => {
  const ok: GpuLimits = { ...REQUIRED_LIMITS };
  it('accepts an adapter with the WebGPU defaults', () => {
    expect(missingLimits(ok)).toEqual([]);
  });
  it('names a storage-buffer limit that is too small', () => {
    const m = missingLimits({ ...ok, maxStorageBuffersPerShaderStage: 4 });
    expect(m).toHaveLength(1);
    expect(m[0]).toMatch(/maxStorageBuffersPerShaderStage is 4 .* at least 8/);
  });
  it('checks the buffer limits against the largest tensor of the batch', () => {
    const big = 600 * 2 ** 20;
    const m = missingLimits(ok, big);
    expect(m.map((s) => s.split(' ')[0])).toEqual(['maxBufferSize', 'maxStorageBufferBindingSize']);
    expect(
      missingLimits({ ...ok, maxBufferSize: big, maxStorageBufferBindingSize: big }, big),
    ).toEqual([]);
  });
  it('treats an absent limit as missing', () => {
    const partial = { ...ok, maxComputeWorkgroupStorageSize: undefined } as unknown as GpuLimits;
    expect(missingLimits(partial)[0]).toMatch(/^maxComputeWorkgroupStorageSize is undefined/);
  });
});

describe('dawnOptions', () => {
  it("splits FER_DAWN_OPTIONS into create()'s list", () => {
    expect(dawnOptions({})).toEqual([]);
    expect(
      dawnOptions({ FER_DAWN_OPTIONS: ' disable-dawn-features=timestamp_quantization  adapter=x' }),
    ).toEqual(['disable-dawn-features=timestamp_quantization', 'adapter=x']);
  });
});

describe('vulkanEnvironment', () => {
  const dir = () => '/tmp/x';
  it('points at SwiftShader only when no ICD is chosen and the file exists', () => {
    expect(vulkanEnvironment({}, () => true, dir)).toEqual({
      VK_ICD_FILENAMES: SWIFTSHADER_ICD,
      XDG_RUNTIME_DIR: '/tmp/x',
    });
    expect(vulkanEnvironment({}, () => false, dir)).toEqual({ XDG_RUNTIME_DIR: '/tmp/x' });
    expect(
      vulkanEnvironment(
        { VK_ICD_FILENAMES: '/nvidia.json', XDG_RUNTIME_DIR: '/run' },
        () => true,
        dir,
      ),
    ).toEqual({});
  });
});

describe('bench:model --runtime node-webgpu without a Vulkan driver', () => {
  it('stops with a message naming what is missing', () => {
    const r = spawnSync(
      'node_modules/.bin/tsx',
      ['scripts/bench-model.ts', '--runtime', 'node-webgpu', '--tiny'],
      { encoding: 'utf8', env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' } },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'No WebGPU adapter: Dawn found no usable Vulkan driver. VK_ICD_FILENAMES is /nonexistent/icd.json',
    );
  });
});

// The tiny model of the gradient check: 16 px, dropout off, so both backends see the same net.
const CONFIG = mergeConfig(TINY_OVERRIDES, { backbone: { inputSize: 16 }, dropout: 0 });

interface StepOutputs {
  logits: Float32Array;
  loss: number;
  logitsAfter: Float32Array;
}

/** Forward, one Adam training step (the bench's), and the forward after the update. */
async function forwardAndStep(): Promise<StepOutputs> {
  const model = createModel(CONFIG);
  const x = clipInput([2, 2, 16, 16, 9], 21);
  const y = tf.tensor2d([
    [0, 1, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 1, 0, 0],
  ]);
  const optimizer = createAdam(1e-4);
  const logitsOf = async () => {
    const o = forward(model, x);
    const v = (await o.logits.data()) as Float32Array;
    disposeForwardOutput(o);
    return Float32Array.from(v);
  };
  try {
    const logits = await logitsOf();
    const l = trainStep(model, optimizer, x, y, { dropoutSeed: 1 });
    const loss = (await l.data())[0] ?? NaN;
    l.dispose();
    return { logits, loss, logitsAfter: await logitsOf() };
  } finally {
    optimizer.dispose();
    tf.dispose([x, y]);
    disposeModel(model);
  }
}

const relErr = (got: Float32Array, ref: Float32Array): number => {
  let d = 0;
  let s = 0;
  ref.forEach((r, i) => {
    d = Math.max(d, Math.abs((got[i] ?? NaN) - r));
    s = Math.max(s, Math.abs(r));
  });
  return d / s;
};

const icd = existsSync(SWIFTSHADER_ICD);
if (!icd)
  console.warn(
    `Node WebGPU test skipped: ${SWIFTSHADER_ICD} is missing (install Debian's chromium package).`,
  );

describe.skipIf(!icd)(`Node WebGPU runtime on Dawn + SwiftShader (${SWIFTSHADER_ICD})`, () => {
  it('runs the tiny model forward and a training step like the CPU backend (1e-4)', async () => {
    await tf.setBackend('cpu');
    const ref = await forwardAndStep();
    const { initNodeWebgpu } = await import('./nodeWebgpu');
    const rt = await initNodeWebgpu();
    expect(rt.backend.name).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(rt.adapter.architecture).toBe('swiftshader');
    const got = await forwardAndStep();
    expect(relErr(got.logits, ref.logits)).toBeLessThan(1e-4);
    expect(Math.abs(got.loss - ref.loss) / Math.abs(ref.loss)).toBeLessThan(1e-4);
    expect(relErr(got.logitsAfter, ref.logitsAfter)).toBeLessThan(1e-4);
    // SwiftShader runs each of the step's thousands of dispatches on the CPU: 40 s on this
    // 2-core VM at load 10, longer when busier (docs/backends.md).
  }, 240_000);
});
