/**
 * Just enough of the TFLite flatbuffer format (tensorflow/lite/schema/schema.fbs) to read a
 * model's tensors and graph. Writing a new model that adds to it: tfliteEdit.ts.
 */
import { ByteBuffer } from 'flatbuffers';

/** `tflite.TensorType` values used here. */
export const TensorType = { FLOAT32: 0, INT32: 2 } as const;

/** `tflite.BuiltinOperator` values used here. */
export const BuiltinOperator = {
  CONCATENATION: 2,
  GATHER: 36,
  MEAN: 40,
  RESHAPE: 22,
  SLICE: 65,
} as const;

/** `tflite.BuiltinOptions` union tags used here. */
export const BuiltinOptions = {
  NONE: 0,
  ConcatenationOptions: 10,
  ReshapeOptions: 17,
  GatherOptions: 23,
  ReducerOptions: 27,
  SliceOptions: 48,
} as const;

/** Vtable slot numbers (field ids) of the tables touched here. */
export const F = {
  model: {
    version: 0,
    operatorCodes: 1,
    subgraphs: 2,
    description: 3,
    buffers: 4,
    metadataBuffer: 5,
    metadata: 6,
    signatureDefs: 7,
  },
  opcode: { deprecatedBuiltinCode: 0, customCode: 1, version: 2, builtinCode: 3 },
  subgraph: { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 },
  tensor: { shape: 0, type: 1, buffer: 2, name: 3 },
  operator: { opcodeIndex: 0, inputs: 1, outputs: 2, optionsType: 3, options: 4 },
  buffer: { data: 0, offset: 1, size: 2 },
  metadata: { name: 0, buffer: 1 },
} as const;

export const TFLITE_IDENTIFIER = 'TFL3';

export interface TensorInfo {
  index: number;
  name: string;
  shape: number[];
  type: number;
  buffer: number;
}

export interface OperatorInfo {
  opcodeIndex: number;
  inputs: number[];
  outputs: number[];
  optionsType: number;
  /** Reads int32 field `slot` of the builtin options table (0 when absent). */
  optionInt: (slot: number) => number;
  /** Reads bool/byte field `slot` of the builtin options table (0 when absent). */
  optionByte: (slot: number) => number;
}

export interface OperatorCodeInfo {
  builtinCode: number;
  customCode: string | null;
  version: number;
}

export interface ModelSummary {
  version: number;
  operatorCodes: OperatorCodeInfo[];
  subgraphCount: number;
  /** Main subgraph (index 0). */
  tensors: TensorInfo[];
  inputs: number[];
  outputs: number[];
  operators: OperatorInfo[];
  bufferCount: number;
  metadata: { name: string; buffer: number }[];
}

/** Position of a field in a table, or 0 when the field is absent. */
export function field(bb: ByteBuffer, table: number, slot: number): number {
  const o = bb.__offset(table, 4 + 2 * slot);
  return o === 0 ? 0 : table + o;
}

export function vectorOfTables(bb: ByteBuffer, table: number, slot: number): number[] {
  const at = field(bb, table, slot);
  if (at === 0) return [];
  const start = bb.__vector(at);
  const n = bb.__vector_len(at);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(bb.__indirect(start + 4 * i));
  return out;
}

function vectorOfInt32(bb: ByteBuffer, table: number, slot: number): number[] {
  const at = field(bb, table, slot);
  if (at === 0) return [];
  const start = bb.__vector(at);
  const n = bb.__vector_len(at);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(bb.readInt32(start + 4 * i));
  return out;
}

export function stringField(bb: ByteBuffer, table: number, slot: number): string | null {
  const at = field(bb, table, slot);
  if (at === 0) return null;
  const s = bb.__string(at);
  return typeof s === 'string' ? s : new TextDecoder().decode(s);
}

function scalar(
  bb: ByteBuffer,
  table: number,
  slot: number,
  read: (pos: number) => number,
  fallback: number,
): number {
  const at = field(bb, table, slot);
  return at === 0 ? fallback : read(at);
}

export function rootTable(bb: ByteBuffer): number {
  if (!bb.__has_identifier(TFLITE_IDENTIFIER)) {
    throw new Error(`not a TFLite model (file identifier is not ${TFLITE_IDENTIFIER})`);
  }
  return bb.readInt32(0);
}

/** Reads the parts of a model that the conversion needs (main subgraph only). */
export function readModel(bytes: Uint8Array): ModelSummary {
  const bb = new ByteBuffer(bytes);
  const model = rootTable(bb);
  const subgraphs = vectorOfTables(bb, model, F.model.subgraphs);
  const main = subgraphs[0];
  if (main === undefined) throw new Error('model has no subgraph');
  const tensors = vectorOfTables(bb, main, F.subgraph.tensors).map((t, index) => ({
    index,
    name: stringField(bb, t, F.tensor.name) ?? '',
    shape: vectorOfInt32(bb, t, F.tensor.shape),
    type: scalar(bb, t, F.tensor.type, (p) => bb.readInt8(p), 0),
    buffer: scalar(bb, t, F.tensor.buffer, (p) => bb.readUint32(p), 0),
  }));
  const operators = vectorOfTables(bb, main, F.subgraph.operators).map((op): OperatorInfo => {
    const at = field(bb, op, F.operator.options);
    const table = at === 0 ? 0 : bb.__indirect(at);
    const option = (slot: number, read: (p: number) => number): number =>
      table === 0 ? 0 : scalar(bb, table, slot, read, 0);
    return {
      opcodeIndex: scalar(bb, op, F.operator.opcodeIndex, (p) => bb.readUint32(p), 0),
      inputs: vectorOfInt32(bb, op, F.operator.inputs),
      outputs: vectorOfInt32(bb, op, F.operator.outputs),
      optionsType: scalar(bb, op, F.operator.optionsType, (p) => bb.readUint8(p), 0),
      optionInt: (slot) => option(slot, (p) => bb.readInt32(p)),
      optionByte: (slot) => option(slot, (p) => bb.readInt8(p)),
    };
  });
  const operatorCodes = vectorOfTables(bb, model, F.model.operatorCodes).map((c) => {
    const deprecated = scalar(bb, c, F.opcode.deprecatedBuiltinCode, (p) => bb.readInt8(p), 0);
    const builtin = scalar(bb, c, F.opcode.builtinCode, (p) => bb.readInt32(p), 0);
    return {
      builtinCode: Math.max(deprecated, builtin),
      customCode: stringField(bb, c, F.opcode.customCode),
      version: scalar(bb, c, F.opcode.version, (p) => bb.readInt32(p), 1),
    };
  });
  const metadata = vectorOfTables(bb, model, F.model.metadata).map((m) => ({
    name: stringField(bb, m, F.metadata.name) ?? '',
    buffer: scalar(bb, m, F.metadata.buffer, (p) => bb.readUint32(p), 0),
  }));
  return {
    version: scalar(bb, model, F.model.version, (p) => bb.readUint32(p), 0),
    operatorCodes,
    subgraphCount: subgraphs.length,
    tensors,
    inputs: vectorOfInt32(bb, main, F.subgraph.inputs),
    outputs: vectorOfInt32(bb, main, F.subgraph.outputs),
    operators,
    bufferCount: vectorOfTables(bb, model, F.model.buffers).length,
    metadata,
  };
}

/** The bytes of buffer `index` (empty when the buffer holds no data). */
export function readBuffer(bytes: Uint8Array, index: number): Uint8Array {
  const bb = new ByteBuffer(bytes);
  const buffers = vectorOfTables(bb, rootTable(bb), F.model.buffers);
  const buffer = buffers[index];
  if (buffer === undefined) throw new Error(`no buffer ${index}`);
  const at = field(bb, buffer, F.buffer.data);
  if (at === 0) return new Uint8Array(0);
  const start = bb.__vector(at);
  return bytes.subarray(start, start + bb.__vector_len(at));
}

/** Reads the `[float]` / `[int]` data of a constant tensor. */
export function readConstant(bytes: Uint8Array, tensor: TensorInfo): Float32Array | Int32Array {
  const raw = readBuffer(bytes, tensor.buffer);
  const copy = raw.slice().buffer;
  return tensor.type === TensorType.INT32 ? new Int32Array(copy) : new Float32Array(copy);
}
