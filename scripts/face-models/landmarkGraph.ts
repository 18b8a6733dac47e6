/**
 * The ops appended to face_landmark_with_attention.tflite so that it outputs what
 * MediaPipe Tasks' FaceLandmarker reads: one [1,1,1,3*478] tensor of x,y,z landmarks (in
 * input-image pixels, as the model's own outputs are) and the face-flag logit.
 *
 * The attention model has seven outputs: mesh (468 x,y,z), lips (80 x,y), left/right eye
 * (71 x,y each), left/right iris (5 x,y each) and the face flag. The legacy pipeline merged
 * them with LandmarksRefinementCalculator; the same merge, as TFLite ops:
 *
 *   mesh [1,1,1,1404] -RESHAPE-> [468,3] -SLICE-> xy [468,2], z [468,1]
 *   each refinement [1,1,1,2c] -RESHAPE-> [c,2]
 *   CONCAT(axis 0) of all xy sources -> [N,2] -GATHER(idx_xy [478])-> xy478 [478,2]
 *   per "average" source: GATHER(z, idx [k]) -> [k,1] -MEAN(axis 0, keep)-> [1,1]
 *   CONCAT(axis 0) z, averages -> [468+a,1] -GATHER(idx_z [478])-> z478 [478,1]
 *   CONCAT(axis 1) xy478, z478 -> [478,3] -RESHAPE-> [1,1,1,1434]
 *
 * idx_xy picks, for every merged landmark, the row of the last source that refines it (later
 * refinements win, as in the legacy calculator); idx_z picks the mesh z ("copy") or the
 * source's average ("assign average"); "none" leaves z as it was.
 */
import type { RefinementPlan } from './legacyGraph';
import { BuiltinOperator, BuiltinOptions, type ModelSummary, TensorType } from './tflite';
import { type ModelEdit, type NewOperator, type NewTensor, options } from './tfliteEdit';

/** Gather indices realising the refinement plan (pure; unit-tested against the plan). */
export interface MergeIndices {
  /** Rows of each xy source inside the concatenated xy table, in plan order. */
  xyOffsets: number[];
  /** Number of rows in the concatenated xy table. */
  xyRows: number;
  /** For each merged landmark, its row in the concatenated xy table. */
  xy: Int32Array;
  /** Mesh z rows, then one row per "average" source. */
  zRows: number;
  /** For each merged landmark, its row in the z table. */
  z: Int32Array;
  /** Per "average" source (in plan order): the mesh rows whose z is averaged. */
  averages: { source: number; of: Int32Array }[];
  /** Index of the source with all three coordinates (the mesh). */
  meshSource: number;
}

export function mergeIndices(plan: RefinementPlan): MergeIndices {
  const meshSource = plan.sources.findIndex((s) => s.z.kind === 'copy');
  const mesh = plan.sources[meshSource];
  if (!mesh) throw new Error('no source with z copy (the 3-D mesh)');
  // The mesh must map landmark i to merged landmark i for its z rows to be usable directly.
  if (!mesh.indexesMapping.every((t, i) => t === i)) throw new Error('mesh mapping not identity');

  const xyOffsets: number[] = [];
  let xyRows = 0;
  for (const s of plan.sources) {
    xyOffsets.push(xyRows);
    xyRows += s.count;
  }
  const xy = new Int32Array(plan.total).fill(-1);
  const z = new Int32Array(plan.total).fill(-1);
  const averages: MergeIndices['averages'] = [];
  plan.sources.forEach((s, si) => {
    const offset = xyOffsets[si] ?? 0;
    let zRow = -1;
    if (s.z.kind === 'average') {
      zRow = mesh.count + averages.length;
      averages.push({ source: si, of: Int32Array.from(s.z.of) });
    }
    s.indexesMapping.forEach((target, j) => {
      xy[target] = offset + j;
      if (s.z.kind === 'copy') z[target] = j;
      else if (s.z.kind === 'average') z[target] = zRow;
    });
  });
  const missing = [...xy.keys()].filter((i) => (xy[i] ?? -1) < 0 || (z[i] ?? -1) < 0);
  if (missing.length > 0) throw new Error(`landmarks without x,y or z: ${missing.join(',')}`);
  return { xyOffsets, xyRows, xy, zRows: mesh.count + averages.length, z, averages, meshSource };
}

/**
 * Builds the model edit: new tensors and operators after the existing ones, and the output
 * list [landmarks (1,1,1,3*total), face flag].
 */
export function landmarkMergeEdit(
  model: ModelSummary,
  plan: RefinementPlan,
  faceFlagOutput: number,
): ModelEdit {
  const idx = mergeIndices(plan);
  const tensors: NewTensor[] = [];
  const operators: NewOperator[] = [];
  const base = model.tensors.length;
  const add = (t: NewTensor): number => {
    tensors.push(t);
    return base + tensors.length - 1;
  };
  const f32 = (name: string, shape: number[]): number =>
    add({ name, shape, type: TensorType.FLOAT32 });
  const i32 = (name: string, values: ArrayLike<number>, shape = [values.length]): number =>
    add({ name, shape, type: TensorType.INT32, data: Int32Array.from(values) });
  const reshape = (input: number, shape: number[], name: string): number => {
    const out = f32(name, shape);
    const shapeTensor = i32(`${name}/shape`, shape);
    operators.push({
      builtinCode: BuiltinOperator.RESHAPE,
      inputs: [input, shapeTensor],
      outputs: [out],
      optionsType: BuiltinOptions.ReshapeOptions,
      options: options.reshape(shape),
    });
    return out;
  };
  const concat = (inputs: number[], axis: number, shape: number[], name: string): number => {
    const out = f32(name, shape);
    operators.push({
      builtinCode: BuiltinOperator.CONCATENATION,
      inputs,
      outputs: [out],
      optionsType: BuiltinOptions.ConcatenationOptions,
      options: options.concatenation(axis),
    });
    return out;
  };
  const gather = (input: number, indices: Int32Array, shape: number[], name: string): number => {
    const out = f32(name, shape);
    const indexTensor = i32(`${name}/indices`, indices);
    operators.push({
      builtinCode: BuiltinOperator.GATHER,
      inputs: [input, indexTensor],
      outputs: [out],
      optionsType: BuiltinOptions.GatherOptions,
      options: options.gather(0),
    });
    return out;
  };
  const slice = (input: number, begin: number[], size: number[], name: string): number => {
    const out = f32(name, size);
    operators.push({
      builtinCode: BuiltinOperator.SLICE,
      inputs: [input, i32(`${name}/begin`, begin), i32(`${name}/size`, size)],
      outputs: [out],
      optionsType: BuiltinOptions.SliceOptions,
      options: options.empty,
    });
    return out;
  };

  const outputTensor = (si: number): number => {
    const s = plan.sources[si];
    const t = s === undefined ? undefined : model.outputs[s.outputIndex];
    if (s === undefined || t === undefined) throw new Error(`no model output for source ${si}`);
    const size = (model.tensors[t]?.shape ?? []).reduce((a, d) => a * d, 1);
    const dims = si === idx.meshSource ? 3 : 2;
    if (size !== s.count * dims) {
      throw new Error(`${s.name}: output ${t} has ${size} values, expected ${s.count * dims}`);
    }
    return t;
  };

  const n = plan.total;
  const mesh = plan.sources[idx.meshSource];
  if (!mesh) throw new Error('no mesh source');
  const mesh3 = reshape(outputTensor(idx.meshSource), [mesh.count, 3], 'merge/mesh'); // [468,3]
  const meshXY = slice(mesh3, [0, 0], [mesh.count, 2], 'merge/mesh_xy'); // [468,2]
  const meshZ = slice(mesh3, [0, 2], [mesh.count, 1], 'merge/mesh_z'); // [468,1]
  const xySources = plan.sources.map((s, si) =>
    si === idx.meshSource ? meshXY : reshape(outputTensor(si), [s.count, 2], `merge/${s.name}`),
  );
  const xyAll = concat(xySources, 0, [idx.xyRows, 2], 'merge/xy_all'); // [700,2]
  const xy = gather(xyAll, idx.xy, [n, 2], 'merge/xy'); // [478,2]

  const zParts = [meshZ];
  for (const a of idx.averages) {
    const name = `merge/${plan.sources[a.source]?.name ?? a.source}_z`;
    const picked = gather(meshZ, a.of, [a.of.length, 1], `${name}_rows`); // [16,1]
    const mean = f32(`${name}_mean`, [1, 1]); // [1,1]
    operators.push({
      builtinCode: BuiltinOperator.MEAN,
      inputs: [picked, i32(`${name}_mean/axes`, [0])],
      outputs: [mean],
      optionsType: BuiltinOptions.ReducerOptions,
      options: options.reducer(true),
    });
    zParts.push(mean);
  }
  const zAll = concat(zParts, 0, [idx.zRows, 1], 'merge/z_all'); // [470,1]
  const z = gather(zAll, idx.z, [n, 1], 'merge/z'); // [478,1]
  const xyz = concat([xy, z], 1, [n, 3], 'merge/xyz'); // [478,3]
  const landmarks = reshape(xyz, [1, 1, 1, n * 3], 'landmarks'); // [1,1,1,1434]

  return { tensors, operators, outputs: [landmarks, faceFlagOutput] };
}

/**
 * Reference merge in plain JS, the legacy calculator's semantics: used by the tests to check
 * the appended graph (run by the tiny interpreter in the tests) against it.
 */
export function mergeReference(plan: RefinementPlan, outputs: Float32Array[]): Float32Array {
  const out = new Float32Array(plan.total * 3);
  for (const s of plan.sources) {
    const values = outputs[s.outputIndex];
    if (!values) throw new Error(`missing output ${s.outputIndex}`);
    const dims = values.length / s.count;
    s.indexesMapping.forEach((target, j) => {
      out[target * 3] = values[j * dims] ?? 0;
      out[target * 3 + 1] = values[j * dims + 1] ?? 0;
      if (s.z.kind === 'copy') out[target * 3 + 2] = values[j * dims + 2] ?? 0;
    });
    if (s.z.kind === 'average') {
      const of = s.z.of;
      const avg = of.reduce((acc, i) => acc + (out[i * 3 + 2] ?? 0), 0) / of.length;
      for (const target of s.indexesMapping) out[target * 3 + 2] = avg;
    }
  }
  return out;
}
