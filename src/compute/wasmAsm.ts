/**
 * Hand-assembled WebAssembly (no toolchain) that works directly on the tfjs WASM backend's own
 * memory: a module built here imports that memory (`e.m`, shared when the backend's threaded
 * binary made it a SharedArrayBuffer) and exports functions that take byte offsets into it, so
 * tensors are read and written where they are, without copies. Used, all with f32x4 SIMD, by
 * ./fusedAdam.ts (Adam), ./rawKernels.ts (max-pool gradient), ./bnModule.ts (batch norm),
 * ./reluGrad.ts, ./smallMatMul.ts and ./transposeKernel.ts.
 *
 * What is here: LEB128 and section encoding, a module of functions over the imported memory, a
 * few opcodes by name, whether the engine validates SIMD at all, the backend's memory and the
 * backend methods the kernels use, one instance per memory (a module that cannot be made gives
 * null: callers keep a JS path), and an on/off switch per SIMD path.
 */
import type * as tf from '@tensorflow/tfjs';

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

/** Unsigned LEB128 (sizes, counts, indices, memory offsets). */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer (`i32.const`'s immediate). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A section: its id, then its body's size and the body. */
export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** One exported function: its body is the instructions without the final `end`. */
export interface AsmFunction {
  /** Export name (ASCII). */
  name: string;
  params: number[];
  results?: number[];
  /** Local declarations after the parameters, as [count, type] runs. */
  locals: [number, number][];
  body: number[];
}

const ascii = (s: string): number[] => [
  ...uleb(s.length),
  ...Array.from(s, (ch) => ch.charCodeAt(0)),
];

/**
 * A module that imports memory `e.m` (shared with a maximum of 4 GiB, as the threaded binary's
 * memory is declared, or unshared without a maximum) and exports `funcs`, one type each.
 */
export function moduleBytes(shared: boolean, funcs: AsmFunction[]): Uint8Array<ArrayBuffer> {
  const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
  const types = funcs.map((f) => [
    0x60,
    ...vec(f.params.map((t) => [t])),
    ...vec((f.results ?? []).map((t) => [t])),
  ]);
  const limits = shared ? [0x03, 0x00, 0x80, 0x80, 0x04] : [0x00, 0x00];
  const codes = funcs.map((f) => {
    const body = [...vec(f.locals.map(([count, type]) => [...uleb(count), type])), ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, [0x01, ...ascii('e'), ...ascii('m'), 0x02, ...limits]),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(7, vec(funcs.map((f, i) => [...ascii(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(codes)),
  ]);
}

/** Opcodes used by this project's modules (memory offsets in bytes; alignment hints 1 byte). */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: 0x0b,
  br: (depth: number): number[] => [0x0c, depth],
  brIf: (depth: number): number[] => [0x0d, depth],
  select: 0x1b,
  get: (i: number): number[] => [0x20, ...uleb(i)],
  set: (i: number): number[] => [0x21, ...uleb(i)],
  tee: (i: number): number[] => [0x22, ...uleb(i)],
  f32Load: (offset = 0): number[] => [0x2a, 0x00, ...uleb(offset)],
  f32Store: (offset = 0): number[] => [0x38, 0x00, ...uleb(offset)],
  i32: (n: number): number[] => [0x41, ...sleb(n)],
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GtS: 0x4a,
  i32LeS: 0x4c,
  i32LeU: 0x4d,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  f32Add: 0x92,
  v128Load: (offset = 0): number[] => [0xfd, 0x00, 0x00, ...uleb(offset)],
  v128Store: (offset = 0): number[] => [0xfd, 0x0b, 0x00, ...uleb(offset)],
  i32x4Splat: [0xfd, 0x11],
  f32x4Splat: [0xfd, 0x13],
  i32x4Lane: (lane: number): number[] => [0xfd, 0x1b, lane],
  f32x4Lane: (lane: number): number[] => [0xfd, 0x1f, lane],
  f32x4Ne: [0xfd, 0x42],
  f32x4Gt: [0xfd, 0x44],
  bitselect: [0xfd, 0x52],
  f32x4Sqrt: [0xfd, 0xe3, 0x01],
  f32x4Add: [0xfd, 0xe4, 0x01],
  f32x4Sub: [0xfd, 0xe5, 0x01],
  f32x4Mul: [0xfd, 0xe6, 0x01],
  f32x4Div: [0xfd, 0xe7, 0x01],
} as const;

/** Instructions from numbers and runs of numbers. */
export const ops = (...parts: (number | readonly number[])[]): number[] => parts.flat();

let simdValid: boolean | undefined;

/** Whether this engine accepts WebAssembly SIMD (a function returning `i32x4.splat(0)`). */
export function wasmSimdSupported(): boolean {
  if (simdValid === undefined) {
    try {
      const f: AsmFunction = {
        name: 'a',
        params: [],
        results: [V128],
        locals: [],
        body: ops(op.i32(0), op.i32x4Splat),
      };
      simdValid = WebAssembly.validate(moduleBytes(false, [f]));
    } catch {
      simdValid = false;
    }
  }
  return simdValid;
}

/**
 * The part of tfjs-backend-wasm 4.22's backend class the kernels over its memory use: new
 * outputs, and a tensor's view of the heap (a Float32Array for the float32 tensors they take).
 * Allocating can grow the heap, which detaches views (not byte offsets) taken before it.
 */
export interface WasmHeapBackend {
  wasm?: WasmModuleLike;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

/** The part of tfjs-backend-wasm 4.22's Emscripten module used here. */
export interface WasmModuleLike {
  HEAPU8?: Uint8Array;
  wasmMemory?: unknown;
  asm?: Record<string, unknown>;
}

/**
 * The tfjs WASM module's memory (`backend.wasm`): Emscripten keeps it as `wasmMemory` or exports
 * it; only a memory whose buffer is the heap's current one counts. Null if neither is found.
 */
export function backendWasmMemory(wasm: WasmModuleLike | undefined): WebAssembly.Memory | null {
  if (!wasm) return null;
  for (const m of [wasm.wasmMemory, wasm.asm?.['memory']])
    if (m instanceof WebAssembly.Memory && m.buffer === wasm.HEAPU8?.buffer) return m;
  return null;
}

/**
 * One instance of a module per memory, made on first use: `build(shared)` gives the module's
 * bytes (`shared` when the memory is a SharedArrayBuffer) and `pick` what callers get from its
 * exports. Null, remembered, when SIMD is not supported or compiling or instantiating fails.
 */
export function instancePerMemory<T>(
  build: (shared: boolean) => Uint8Array<ArrayBuffer>,
  pick: (exports: WebAssembly.Exports) => T,
): (memory: WebAssembly.Memory) => T | null {
  const cache = new WeakMap<WebAssembly.Memory, T | null>();
  return (memory) => {
    if (cache.has(memory)) return cache.get(memory) ?? null;
    let value: T | null = null;
    if (wasmSimdSupported())
      try {
        const shared =
          typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
        const module = new WebAssembly.Module(build(shared));
        value = pick(new WebAssembly.Instance(module, { e: { m: memory } }).exports);
      } catch {
        value = null;
      }
    cache.set(memory, value);
    return value;
  };
}

/** A SIMD path that can be switched off (tests and benchmarks compare it with the fallback). */
export interface SimdPath<T> {
  /** Sets whether wasm may use it (default true); returns the previous setting. */
  setEnabled(on: boolean): boolean;
  /** The functions over `backend`'s memory, or null: not wasm, switched off, or unavailable. */
  functions(backendName: string, backend: unknown): T | null;
}

/** `instancePerMemory`'s functions behind an on/off switch, looked up on the wasm backend. */
export function simdPath<T>(forMemory: (memory: WebAssembly.Memory) => T | null): SimdPath<T> {
  let enabled = true;
  return {
    setEnabled(on) {
      const was = enabled;
      enabled = on;
      return was;
    },
    functions(backendName, backend) {
      if (backendName !== 'wasm' || !enabled) return null;
      const memory = backendWasmMemory((backend as { wasm?: WasmModuleLike }).wasm);
      return memory ? forMemory(memory) : null;
    },
  };
}
