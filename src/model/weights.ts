/**
 * Weights export and import in the TensorFlow.js weights format: a `model.json` manifest with a
 * `weightsManifest` (one group: shard file names + the name, shape and dtype of each tensor in
 * byte order) and binary shards that, concatenated, hold every tensor as little-endian float32
 * in row-major order. The full model config is embedded, so a file always rebuilds the network
 * it came from. Import checks the config and every tensor's name, shape and dtype against the
 * network that config describes, and the byte count of the shards: any mismatch throws
 * `WeightsFormatError`; nothing is loaded partially. See docs/weights-format.md.
 */
import * as tf from '@tensorflow/tfjs';
import { type ModelConfig, parseModelConfig } from './config';
import { type FerModel, modelParamSpecs } from './model';
import { paramsFrom, sizeOf, uniqueVariableName } from './params';

export const WEIGHTS_FORMAT = 'fer-workbench/model-weights';
export const WEIGHTS_FORMAT_VERSION = 1;
/** tfjs's default shard size. */
export const SHARD_BYTES = 4 * 1024 * 1024;

export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightEntry[];
}

export interface WeightsModelJson {
  format: typeof WEIGHTS_FORMAT;
  formatVersion: typeof WEIGHTS_FORMAT_VERSION;
  modelConfig: ModelConfig;
  weightsManifest: WeightsManifestGroup[];
}

export interface WeightsArtifacts {
  modelJson: WeightsModelJson;
  /** The shard files, in `weightsManifest[0].paths` order. */
  shards: ArrayBuffer[];
}

/**
 * The most weight bytes an import accepts (1 GiB, 268M float32 values): the full model holds a
 * small fraction of that. Anything claiming more is refused before a byte is allocated.
 */
export const MAX_WEIGHT_BYTES = 2 ** 30;

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 3 : 0)} MiB`;

export class WeightsFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightsFormatError';
  }
}

export function shardNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
}

/** How many offending tensors an export refusal names before counting the rest. */
const NAMED_NON_FINITE = 5;

/**
 * Reads every variable (in registry order) into the manifest and shards. Refuses (throws an
 * Error naming the first tensors and how many of their values are NaN or ±Infinity) when any
 * value is not finite: `importWeights` would refuse the file, so none is written.
 */
export async function exportWeights(
  model: FerModel,
  shardBytes: number = SHARD_BYTES,
): Promise<WeightsArtifacts> {
  if (shardBytes <= 0 || shardBytes % 4 !== 0)
    throw new Error('exportWeights: shardBytes must be a positive multiple of 4');
  const specs = model.params.specs;
  const total = specs.reduce((s, p) => s + sizeOf(p.shape), 0);
  const all = new Float32Array(total);
  let offset = 0;
  const nonFinite: string[] = [];
  for (const spec of specs) {
    const values = await model.params.get(spec.name).data<'float32'>();
    let bad = 0;
    for (const v of values) if (!Number.isFinite(v)) bad++;
    if (bad > 0) nonFinite.push(`${spec.name} (${bad} of ${values.length} values)`);
    all.set(values, offset);
    offset += values.length;
  }
  if (nonFinite.length > 0) {
    const more = nonFinite.length - NAMED_NON_FINITE;
    throw new Error(
      `Cannot export these weights: ${nonFinite.length === 1 ? '1 tensor holds' : `${nonFinite.length} tensors hold`} non-finite values (NaN or ±Infinity), which an import refuses: ${nonFinite.slice(0, NAMED_NON_FINITE).join(', ')}${more > 0 ? ` and ${more} more` : ''} (training probably diverged); export an earlier phase's model or retrain.`,
    );
  }
  const bytes = new Uint8Array(all.buffer);
  const shards: ArrayBuffer[] = [];
  for (let start = 0; start < bytes.length || shards.length === 0; start += shardBytes)
    shards.push(bytes.slice(start, Math.min(start + shardBytes, bytes.length)).buffer);
  return {
    modelJson: {
      format: WEIGHTS_FORMAT,
      formatVersion: WEIGHTS_FORMAT_VERSION,
      modelConfig: model.config,
      weightsManifest: [
        {
          paths: shardNames(shards.length),
          weights: specs.map((s) => ({ name: s.name, shape: [...s.shape], dtype: 'float32' })),
        },
      ],
    },
    shards,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validates `modelJson` (parsed JSON of model.json) and the shards and builds the model.
 * Throws `WeightsFormatError` (or `ModelConfigError` for the embedded config) on any mismatch.
 */
export function importWeights(modelJson: unknown, shards: readonly ArrayBuffer[]): FerModel {
  if (!isRecord(modelJson)) throw new WeightsFormatError('model.json is not a JSON object');
  if (modelJson.format !== WEIGHTS_FORMAT)
    throw new WeightsFormatError(
      `model.json format is ${JSON.stringify(modelJson.format)}, expected "${WEIGHTS_FORMAT}"`,
    );
  if (modelJson.formatVersion !== WEIGHTS_FORMAT_VERSION)
    throw new WeightsFormatError(
      `model.json formatVersion ${JSON.stringify(modelJson.formatVersion)} is not supported (expected ${WEIGHTS_FORMAT_VERSION})`,
    );
  const config = parseModelConfig(modelJson.modelConfig);
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length !== 1 || !isRecord(manifest[0]))
    throw new WeightsFormatError('weightsManifest must be an array with exactly one group');
  const group = manifest[0];
  const paths = group.paths;
  const weights = group.weights;
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string'))
    throw new WeightsFormatError('weightsManifest[0].paths must be an array of file names');
  if (paths.length !== shards.length)
    throw new WeightsFormatError(
      `weightsManifest lists ${paths.length} shard(s) but ${shards.length} were given`,
    );
  if (!Array.isArray(weights))
    throw new WeightsFormatError('weightsManifest[0].weights is missing');

  const expected = modelParamSpecs(config);
  const configBytes = expected.reduce((n, spec) => n + sizeOf(spec.shape) * 4, 0);
  if (!(configBytes <= MAX_WEIGHT_BYTES))
    throw new WeightsFormatError(
      `The config describes a network of ${mib(configBytes)} of weights, more than the ${mib(MAX_WEIGHT_BYTES)} an import accepts: refused before anything was loaded`,
    );
  const expectedByName = new Map(expected.map((s) => [s.name, s]));
  const seen = new Set<string>();
  const entries: WeightEntry[] = [];
  const problems: string[] = [];
  // Absurd sizes first: a manifest claiming terabytes is named as such, not as a shape slip.
  let claimed = 0;
  for (const w of weights as unknown[])
    if (isRecord(w) && Array.isArray(w.shape) && w.shape.every((d) => Number.isInteger(d)))
      claimed += sizeOf(w.shape as number[]) * 4;
  if (!(claimed <= MAX_WEIGHT_BYTES))
    throw new WeightsFormatError(
      `model.json claims ${claimed.toExponential(2)} bytes of weights, more than the ${mib(MAX_WEIGHT_BYTES)} an import accepts: refused before anything was loaded`,
    );
  weights.forEach((w: unknown, i) => {
    if (!isRecord(w) || typeof w.name !== 'string' || !Array.isArray(w.shape)) {
      problems.push(`weights[${i}] is not {name, shape, dtype}`);
      return;
    }
    const shape = w.shape as unknown[];
    if (!shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
      problems.push(`${w.name}: shape ${JSON.stringify(shape)} is not a list of sizes`);
      return;
    }
    const dims = shape as number[];
    const spec = expectedByName.get(w.name);
    if (!spec) problems.push(`${w.name}: not a tensor of this model`);
    else if (seen.has(w.name)) problems.push(`${w.name}: listed twice`);
    else if (dims.length !== spec.shape.length || dims.some((d, k) => d !== spec.shape[k]))
      problems.push(
        `${w.name}: shape [${dims.join(', ')}] in the file, [${spec.shape.join(', ')}] in the model`,
      );
    if (w.dtype !== 'float32')
      problems.push(`${w.name}: dtype ${JSON.stringify(w.dtype)} is not float32`);
    seen.add(w.name);
    entries.push({ name: w.name, shape: dims, dtype: 'float32' });
  });
  for (const s of expected)
    if (!seen.has(s.name)) problems.push(`${s.name}: missing from the file`);
  if (problems.length > 0)
    throw new WeightsFormatError(
      `Weights do not match the model their config describes (${problems.length} problem(s)): ${problems.slice(0, 12).join('; ')}${problems.length > 12 ? '; ...' : ''}`,
    );

  const byteLength = shards.reduce((s, b) => s + b.byteLength, 0);
  const needed = entries.reduce((s, e) => s + sizeOf(e.shape) * 4, 0);
  if (byteLength !== needed)
    throw new WeightsFormatError(
      `The shards hold ${byteLength} bytes; the manifest needs exactly ${needed} (float32)`,
    );
  const bytes = new Uint8Array(byteLength);
  let at = 0;
  for (const b of shards) {
    bytes.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  const view = new DataView(bytes.buffer);
  const values = new Map<string, Float32Array>();
  let offset = 0;
  for (const e of entries) {
    const n = sizeOf(e.shape);
    const arr = new Float32Array(n);
    for (let i = 0; i < n; i++) arr[i] = view.getFloat32(offset + 4 * i, true); // little-endian
    offset += 4 * n;
    const bad = arr.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new WeightsFormatError(`${e.name}: value ${bad} is not finite`);
    values.set(e.name, arr);
  }

  const variables = new Map<string, tf.Variable>();
  for (const spec of expected) {
    const data = values.get(spec.name);
    if (!data) throw new WeightsFormatError(`${spec.name}: missing`);
    const t = tf.tensor(data, [...spec.shape], 'float32');
    variables.set(spec.name, tf.variable(t, spec.trainable, uniqueVariableName(spec.name)));
    t.dispose();
  }
  return { config, params: paramsFrom(expected, variables) };
}
