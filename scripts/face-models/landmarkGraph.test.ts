import { describe, expect, it } from 'vitest';
import { readPackageInputs } from './build';
import { convertLandmarker } from './convert';
import { mergeIndices, mergeReference } from './landmarkGraph';
import { readRefinementPlan } from './legacyGraph';
import { BuiltinOperator, readConstant, readModel, type ModelSummary } from './tflite';

interface Value {
  shape: number[];
  data: Float32Array | Int32Array;
}

/**
 * A tiny interpreter for the ops the merge appends (2-D RESHAPE/SLICE/CONCATENATION/GATHER/
 * MEAN), reading everything (shapes, constants, options) back from the serialised model.
 */
function runAppended(
  bytes: Uint8Array,
  m: ModelSummary,
  fromOp: number,
  feeds: Map<number, Value>,
) {
  const values = new Map(feeds);
  const get = (t: number): Value => {
    const known = values.get(t);
    if (known) return known;
    const info = m.tensors[t];
    if (!info || info.buffer === 0) throw new Error(`tensor ${t} has no value`);
    const v = { shape: info.shape, data: readConstant(bytes, info) };
    values.set(t, v);
    return v;
  };
  for (const op of m.operators.slice(fromOp)) {
    const code = m.operatorCodes[op.opcodeIndex]?.builtinCode;
    const out = op.outputs[0] ?? -1;
    const shape = m.tensors[out]?.shape ?? [];
    const ins = op.inputs.map(get);
    const a = ins[0];
    if (!a) throw new Error('op without input');
    const cols = (v: Value): number => v.shape[1] ?? 1;
    let data: Float32Array;
    if (code === BuiltinOperator.RESHAPE) {
      data = Float32Array.from(a.data);
    } else if (code === BuiltinOperator.SLICE) {
      const [b0 = 0, b1 = 0] = ins[1]?.data ?? [];
      const [s0 = 0, s1 = 0] = ins[2]?.data ?? [];
      data = new Float32Array(s0 * s1);
      for (let i = 0; i < s0; i++)
        for (let j = 0; j < s1; j++) data[i * s1 + j] = a.data[(b0 + i) * cols(a) + b1 + j] ?? NaN;
    } else if (code === BuiltinOperator.CONCATENATION) {
      const axis = op.optionInt(0);
      const rows = shape[0] ?? 0;
      const width = shape[1] ?? 0;
      data = new Float32Array(rows * width);
      let at = 0;
      for (const v of ins) {
        for (let i = 0; i < (v.shape[0] ?? 0); i++)
          for (let j = 0; j < cols(v); j++) {
            const [r, c] = axis === 0 ? [at + i, j] : [i, at + j];
            data[r * width + c] = v.data[i * cols(v) + j] ?? NaN;
          }
        at += axis === 0 ? (v.shape[0] ?? 0) : cols(v);
      }
    } else if (code === BuiltinOperator.GATHER) {
      expect(op.optionInt(0)).toBe(0);
      const idx = ins[1]?.data ?? new Int32Array(0);
      data = new Float32Array(idx.length * cols(a));
      idx.forEach((row, i) => {
        for (let j = 0; j < cols(a); j++) data[i * cols(a) + j] = a.data[row * cols(a) + j] ?? NaN;
      });
    } else if (code === BuiltinOperator.MEAN) {
      expect(Array.from(ins[1]?.data ?? [])).toEqual([0]);
      expect(op.optionByte(0)).toBe(1); // keep_dims
      const n = a.shape[0] ?? 1;
      data = new Float32Array(cols(a));
      for (let j = 0; j < cols(a); j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += a.data[i * cols(a) + j] ?? NaN;
        data[j] = s / n;
      }
    } else {
      throw new Error(`unexpected op ${code}`);
    }
    expect(data.length).toBe(shape.reduce((x, d) => x * d, 1));
    values.set(out, { shape, data });
  }
  return values;
}

describe('the 478-landmark merge appended to the attention model', () => {
  const inputs = readPackageInputs();
  const plan = readRefinementPlan(inputs.faceMeshWasm);
  const original = readModel(inputs.attention);
  const converted = convertLandmarker(inputs.attention, plan);
  const model = readModel(converted);

  it('outputs [1,1,1,1434] landmarks and the face flag, and keeps the original graph', () => {
    const [landmarks, flag] = model.outputs.map((t) => model.tensors[t]);
    expect(landmarks?.shape).toEqual([1, 1, 1, 1434]);
    expect(flag?.name).toBe('conv_faceflag');
    expect(flag?.shape).toEqual([1, 1, 1, 1]);
    expect(model.inputs).toEqual(original.inputs);
    expect(model.operators.slice(0, original.operators.length).map((o) => o.inputs)).toEqual(
      original.operators.map((o) => o.inputs),
    );
    expect(model.tensors.slice(0, original.tensors.length)).toEqual(original.tensors);
  });

  it('computes what the legacy LandmarksRefinementCalculator computed', () => {
    // Random stand-ins for the model's outputs (mesh, lips, eyes, irises), in pixels.
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed / 2 ** 31) * 192;
    };
    const raw = plan.sources.map((s, si) =>
      Float32Array.from({ length: s.count * (si === 0 ? 3 : 2) }, rand),
    );
    const feeds = new Map<number, Value>();
    plan.sources.forEach((s, si) => {
      const t = original.outputs[s.outputIndex] ?? -1;
      feeds.set(t, {
        shape: original.tensors[t]?.shape ?? [],
        data: raw[si] ?? new Float32Array(),
      });
    });
    const values = runAppended(converted, model, original.operators.length, feeds);
    const got = values.get(model.outputs[0] ?? -1)?.data;
    const want = mergeReference(plan, raw);
    expect(got?.length).toBe(478 * 3);
    got?.forEach((v, i) => {
      expect(v).toBeCloseTo(want[i] ?? NaN, 4);
    });
  });
});

describe('mergeIndices', () => {
  const plan = readRefinementPlan(readPackageInputs().faceMeshWasm);
  const idx = mergeIndices(plan);

  it('lets the last refinement of a landmark win (eyes and lips over the mesh)', () => {
    expect(idx.xyRows).toBe(468 + 80 + 71 + 71 + 5 + 5);
    const lipsOffset = idx.xyOffsets[1] ?? 0;
    const j61 = plan.sources[1]?.indexesMapping.indexOf(61) ?? -1;
    expect(idx.xy[61]).toBe(lipsOffset + j61);
    expect(idx.xy[10]).toBe(10); // forehead: mesh only
    expect(idx.z[61]).toBe(61); // lips do not touch z
    expect(idx.z[468]).toBe(468); // first average row
    expect(idx.z[477]).toBe(469);
  });
});
