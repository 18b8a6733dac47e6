import * as tf from '@tensorflow/tfjs';
import { afterAll, expect, it } from 'vitest';
import { groupedConv2d } from '../../model/groupedConv';
import { useFastTestBackend } from './testBackend';

afterAll(async () => {
  await tf.setBackend('cpu');
});

it('useFastTestBackend picks wasm in Node and leaves it active', async () => {
  const name = await useFastTestBackend();
  expect(name).toBe('wasm');
  expect(tf.getBackend()).toBe('wasm');
  // The model's convolutions train on it (the gradients of src/compute/wasmGrads.ts are installed).
  const x = tf.ones<tf.Rank.R4>([1, 4, 4, 2]);
  const g = tf.grad((w: tf.Tensor) =>
    tf.sum(groupedConv2d(x, w as tf.Tensor4D, { groups: 1, strides: 1, pad: 1 })),
  )(tf.ones([3, 3, 2, 2]));
  expect(g.shape).toEqual([3, 3, 2, 2]);
  tf.dispose([x, g]);
});
