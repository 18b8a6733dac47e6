/**
 * The parameter registry: every tensor of the model, in a fixed order, under a stable name.
 * The order and names are the weights format (docs/weights-format.md). Blocks declare their
 * tensors as `ParamSpec`s; `createParams` makes one `tf.Variable` per spec with a seeded,
 * backend-independent initial value (our own PRNG, so every backend starts from the same bits).
 */
import { mulberry32 } from '../compute/random';
import * as tf from '@tensorflow/tfjs';
import { releaseFoldedWeights } from './fusedConvBn';

/** How a tensor starts. `fanIn`/`fanOut` count the inputs/outputs one output unit sees. */
export type Initializer =
  | { kind: 'heNormal'; fanIn: number }
  | { kind: 'glorotUniform'; fanIn: number; fanOut: number }
  | { kind: 'zeros' }
  | { kind: 'ones' };

export interface ParamSpec {
  /** Stable slash-separated name, e.g. `backbone/stage2/block1/conv1/kernel`. */
  name: string;
  shape: readonly number[];
  init: Initializer;
  /** False for batch-norm moving statistics (updated by the forward pass, not by gradients). */
  trainable: boolean;
}

export interface Params {
  readonly specs: readonly ParamSpec[];
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /** The variable with this name; throws if there is none (a programming error). */
  get(name: string): tf.Variable;
  /** Trainable variables in registry order, for `optimizer.minimize(f, _, varList)`. */
  trainable(): tf.Variable[];
  dispose(): void;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Total number of scalars; `trainableOnly` leaves out the batch-norm moving statistics. */
export function countParams(specs: readonly ParamSpec[], trainableOnly = false): number {
  return specs.reduce((s, p) => s + (trainableOnly && !p.trainable ? 0 : sizeOf(p.shape)), 0);
}

/** FNV-1a over the name's UTF-16 code units, mixed with the config seed: a 32-bit seed per tensor. */
export function deriveSeed(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ (seed | 0)) >>> 0;
  h = Math.imul(h, 0x01000193) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Re-exported: the one seeded generator lives in src/compute/random.ts. */
export { mulberry32 };

/** The initial values of one tensor, deterministic in (config seed, name). */
export function initialValues(spec: ParamSpec, seed: number): Float32Array {
  const n = sizeOf(spec.shape);
  const out = new Float32Array(n);
  const init = spec.init;
  if (init.kind === 'zeros') return out;
  if (init.kind === 'ones') return out.fill(1);
  const rand = mulberry32(deriveSeed(seed, spec.name));
  if (init.kind === 'glorotUniform') {
    const limit = Math.sqrt(6 / (init.fanIn + init.fanOut));
    for (let i = 0; i < n; i++) out[i] = (2 * rand() - 1) * limit;
    return out;
  }
  // He et al. 2015 normal, std = sqrt(2 / fanIn), truncated at 2 std (resampled) like Keras.
  const std = Math.sqrt(2 / init.fanIn);
  for (let i = 0; i < n; i++) {
    let z: number;
    do {
      // Box-Muller; 1 - u keeps the log argument in (0, 1].
      const u = 1 - rand();
      const v = rand();
      z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    } while (Math.abs(z) > 2);
    out[i] = z * std;
  }
  return out;
}

/** Makes one variable per spec, initialised from `seed`. Names must be unique. */
export function createParams(specs: readonly ParamSpec[], seed: number): Params {
  const variables = new Map<string, tf.Variable>();
  for (const spec of specs) {
    if (variables.has(spec.name)) throw new Error(`Duplicate parameter name ${spec.name}`);
    const value = tf.tensor(initialValues(spec, seed), [...spec.shape], 'float32');
    variables.set(spec.name, tf.variable(value, spec.trainable, uniqueVariableName(spec.name)));
    value.dispose();
  }
  return paramsFrom(specs, variables);
}

/** Wraps existing variables (e.g. loaded weights) as a registry. */
export function paramsFrom(
  specs: readonly ParamSpec[],
  variables: Map<string, tf.Variable>,
): Params {
  return {
    specs,
    variables,
    get(name) {
      const v = variables.get(name);
      if (!v) throw new Error(`No parameter named ${name}`);
      return v;
    },
    trainable() {
      return specs.filter((s) => s.trainable).map((s) => this.get(s.name));
    },
    dispose() {
      releaseFoldedWeights(variables.values());
      for (const v of variables.values()) v.dispose();
      variables.clear();
    },
  };
}

let instance = 0;
/** tfjs variable names are global; two models may coexist, so each gets a numbered prefix. */
export function uniqueVariableName(name: string): string {
  instance += 1;
  return `fer${instance}/${name}`;
}
