/**
 * Running our own WGSL programs through tfjs-backend-webgpu without importing it (it registers
 * itself on import only where navigator.gpu exists). A program follows the package's
 * WebGPUProgram contract (its webgpu_program.ts): inputs are bound as flat storage arrays named by
 * `variableNames`, `uniforms` become fields of the `uniforms` struct (after `size` when `size` is
 * set), the result is written with `setOutputAtIndex`, and the entry is `fn main(index : i32)`
 * (index = the global invocation index; `localId`, `workgroupId` are in scope). A `gridProgram`
 * (3-D dispatch) has the entry `fn main()` instead, with `localIndex`, `workgroupId` and
 * `numWorkgroups` in scope: the package calls `main()` without an index whenever the dispatch
 * layout names a y or z dimension.
 */
import * as tf from '@tensorflow/tfjs';

/** The fields of tfjs-backend-webgpu's WebGPUProgram our programs set. */
export interface Program {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size: boolean;
  uniforms: string;
  getUserCode: () => string;
}

export interface Uniform {
  type: 'float32' | 'int32';
  data: number[];
}

interface WebgpuBackendLike {
  runWebGPUProgram(
    program: Program,
    inputs: tf.TensorInfo[],
    dtype: 'float32',
    uniforms: Uniform[],
  ): tf.TensorInfo;
}

/**
 * A program whose output is flat [n]: `workgroups` workgroups of `workgroup` invocations
 * (default: one invocation per output element).
 */
export function flatProgram(
  n: number,
  shaderKey: string,
  variableNames: string[],
  uniforms: string,
  userCode: string,
  opts: { workgroup?: number; workgroups?: number; size?: boolean } = {},
): Program {
  const workgroup = opts.workgroup ?? 64;
  return {
    variableNames,
    outputShape: [n],
    shaderKey,
    dispatchLayout: { x: [0] },
    dispatch: [opts.workgroups ?? Math.ceil(n / workgroup), 1, 1],
    workgroupSize: [workgroup, 1, 1],
    size: opts.size ?? true,
    uniforms,
    getUserCode: () => userCode,
  };
}

/**
 * A program over a 3-D grid of `dispatch` workgroups of `workgroupSize` invocations whose code
 * finds its own work from `workgroupId` / `numWorkgroups` / `localIndex` (entry `fn main()`);
 * the output is flat [n]. The package reshapes no non-flat dispatch: each dimension must be
 * within the device's maxComputeWorkgroupsPerDimension (the caller folds larger counts).
 */
export function gridProgram(
  n: number,
  shaderKey: string,
  variableNames: string[],
  uniforms: string,
  userCode: string,
  dispatch: [number, number, number],
  workgroupSize: [number, number, number],
): Program {
  return {
    variableNames,
    outputShape: [n],
    shaderKey,
    dispatchLayout: { x: [0], y: [1], z: [2] },
    dispatch,
    workgroupSize,
    size: false,
    uniforms,
    getUserCode: () => userCode,
  };
}

/** Runs `program` on the webgpu backend; inputs are passed as flat views (same buffers). */
export function runProgram(program: Program, inputs: tf.Tensor[], uniforms: Uniform[]): tf.Tensor {
  const backend = tf.backend() as unknown as WebgpuBackendLike;
  return tf.engine().makeTensorFromTensorInfo(
    backend.runWebGPUProgram(
      program,
      inputs.map((t) => t.reshape([t.size])),
      'float32',
      uniforms,
    ),
  );
}

/**
 * Runs a program that must compile once whatever the sizes (gridProgram's) on TensorInfos:
 * inputs are passed as [1, size] views of the same buffers, so no input ever has the output's
 * shape. tfjs keys (and generates) a different shader for each input whose shape equals the
 * output's, which flat [size] views hit whenever an input happens to be as large as the output.
 */
export function runGridProgramInfo(
  program: Program,
  inputs: tf.TensorInfo[],
  uniforms: Uniform[],
): tf.TensorInfo {
  const backend = tf.backend() as unknown as WebgpuBackendLike;
  const views = inputs.map((t) => ({
    dataId: t.dataId,
    shape: [1, tf.util.sizeFromShape(t.shape)],
    dtype: t.dtype,
  }));
  return backend.runWebGPUProgram(program, views, 'float32', uniforms);
}

/** `runGridProgramInfo` on tensors, returning a flat tensor. */
export function runGridProgram(
  program: Program,
  inputs: tf.Tensor[],
  uniforms: Uniform[],
): tf.Tensor {
  return tf.engine().makeTensorFromTensorInfo(runGridProgramInfo(program, inputs, uniforms));
}

export const f32 = (...data: number[]): Uniform => ({ type: 'float32', data });
export const i32 = (...data: number[]): Uniform => ({ type: 'int32', data });
