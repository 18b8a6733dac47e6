/**
 * Model and optimiser state as plain arrays: what checkpoints store and what the best epoch
 * is kept as. Restoring is exact (float32 in, float32 out), so a resumed run continues with
 * the same numbers it would have had.
 *
 * Values are copied both ways: on the CPU backend `data()` returns the tensor's own storage and
 * `tf.tensor(values)` keeps `values` as its storage, and the fused Adam (src/compute/fusedAdam.ts)
 * updates variables in place, so an uncopied snapshot (the best epoch) would follow training.
 */
import * as tf from '@tensorflow/tfjs';
import { type FerModel } from '../../model/model';
import type { StoredTensor } from '../run/record';

/** Every parameter of the model (trainable and batch-norm statistics), in registry order. */
export async function snapshotModel(model: FerModel): Promise<StoredTensor[]> {
  const out: StoredTensor[] = [];
  for (const spec of model.params.specs) {
    const v = model.params.get(spec.name);
    out.push({ name: spec.name, shape: [...v.shape], values: (await v.data<'float32'>()).slice() });
  }
  return out;
}

/** Assigns stored values to the model's variables by name; shapes must match. */
export function restoreModel(model: FerModel, weights: readonly StoredTensor[]): void {
  const byName = new Map(weights.map((w) => [w.name, w]));
  for (const spec of model.params.specs) {
    const w = byName.get(spec.name);
    if (!w) throw new Error(`Checkpoint has no tensor ${spec.name}`);
    const v = model.params.get(spec.name);
    if (w.shape.length !== v.shape.length || w.shape.some((d, i) => d !== v.shape[i]))
      throw new Error(
        `Checkpoint tensor ${spec.name} has shape [${w.shape.join(', ')}], the model [${v.shape.join(', ')}]`,
      );
    tf.tidy(() => v.assign(tf.tensor(w.values.slice(), v.shape, 'float32')));
  }
}

/**
 * The optimiser's state (Adam: iteration count, first and second moments) in the order tfjs
 * gives it. Variable names carry a per-session prefix, so restore goes by order, which is the
 * order of `model.params.trainable()` in both sessions.
 */
export async function snapshotOptimizer(optimizer: tf.Optimizer): Promise<StoredTensor[]> {
  const named = await optimizer.getWeights();
  const out: StoredTensor[] = [];
  for (const w of named)
    out.push({
      name: w.name,
      shape: [...w.tensor.shape],
      values: (await w.tensor.data<'float32'>()).slice(),
    });
  // The first entry ('iter') is a fresh scalar, not one of the optimiser's variables.
  named[0]?.tensor.dispose();
  return out;
}

export async function restoreOptimizer(
  optimizer: tf.Optimizer,
  state: readonly StoredTensor[],
): Promise<void> {
  if (state.length === 0) return;
  const tensors = state.map((s) => ({
    name: s.name,
    tensor: tf.tensor(s.values.slice(), s.shape),
  }));
  await optimizer.setWeights(tensors);
  tf.dispose(tensors.map((t) => t.tensor));
}
