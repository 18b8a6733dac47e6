/**
 * The stock kernels (mode 'tfjs', what 'auto' runs on cpu and wasm) must stay bit-identical to
 * the per-group path the accuracy numbers in docs/ were measured with: two training steps of a
 * tiny model on cpu, hashed bit for bit (losses, every variable after the steps, eval logits),
 * against the hash main gave before the packed backbone (resnet.ts, fused kernels) existed.
 * A change that reorders any float32 rounding on this path changes the hash.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipInput } from '../automation/model/bench';
import { trainStep } from '../automation/model/trainStep';
import { createAdam } from '../compute/fusedAdam';
import { FUSED_TEST_CONFIG } from './fusedTestModel';
import { setKernelMode } from './kernels';
import { createModel, disposeForwardOutput, disposeModel, forward } from './model';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => {
  setKernelMode('auto');
});

/** FNV-1a (32-bit) over the bytes of the float32 arrays, in order. */
function fnv1a(arrays: readonly Float32Array[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays)
    for (const byte of new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) {
      h ^= byte;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  return h.toString(16).padStart(8, '0');
}

/** Losses of two steps, every variable after them (by name), eval logits: all as float32. */
async function twoStepOutputs(): Promise<Float32Array[]> {
  const model = createModel(FUSED_TEST_CONFIG);
  const s = model.config.backbone.inputSize;
  const x = clipInput([1, 2, s, s, 9], 21);
  const y = tf.oneHot(tf.tensor1d([2], 'int32'), model.config.numClasses).toFloat() as tf.Tensor2D;
  const optimizer = createAdam(1e-2);
  const out: Float32Array[] = [];
  for (let step = 0; step < 2; step++) {
    const loss = trainStep(model, optimizer, x, y, { dropoutSeed: 3 });
    out.push(Float32Array.from(await loss.data()));
    loss.dispose();
  }
  const names = [...model.params.variables.keys()].sort();
  for (const name of names) out.push(Float32Array.from(await model.params.get(name).data()));
  const o = forward(model, x);
  out.push(Float32Array.from(await o.logits.data()));
  disposeForwardOutput(o);
  optimizer.dispose();
  tf.dispose([x, y]);
  disposeModel(model);
  return out;
}

/** Computed on main at 7d4825d (before the packed backbone), Node 2-core VM, cpu backend. */
const MAIN_HASH = '709f2122';

describe('the stock kernels on cpu', () => {
  it.each(['tfjs', 'auto'] as const)(
    "mode '%s' is bit-identical to main's per-group path (two training steps, hashed)",
    async (mode) => {
      setKernelMode(mode);
      const outputs = await twoStepOutputs();
      expect(outputs.every((a) => a.every(Number.isFinite))).toBe(true);
      expect(fnv1a(outputs)).toBe(MAIN_HASH);
    },
  );
});
