/**
 * Writes a TFLite model (tensorflow/lite/schema/schema.fbs) that adds tensors, operators,
 * buffers and metadata entries to an existing one while keeping every original object byte
 * for byte. Reading: tflite.ts.
 *
 * How the rewrite works: flatbuffer references (uoffset) only point forward, and a
 * `flatbuffers.Builder` writes back to front. So the builder first receives the whole
 * original file as one opaque block (it ends up at the end of the new file, at the same
 * alignment modulo 16), and everything built afterwards lies in front of it and may refer
 * to any old table by its builder offset. A new root `Model` table then lists old and new
 * objects side by side. The old root and header stay behind as unreferenced bytes.
 */
import { Builder, ByteBuffer } from 'flatbuffers';
import {
  F,
  TFLITE_IDENTIFIER,
  field,
  readModel,
  rootTable,
  stringField,
  vectorOfTables,
} from './tflite';

/** A tensor to add: a constant when `data` is given, else an intermediate/output. */
export interface NewTensor {
  name: string;
  shape: number[];
  type: number;
  data?: Float32Array | Int32Array;
}

/** An operator to add, referring to tensors by index (old ones, or new ones after them). */
export interface NewOperator {
  builtinCode: number;
  inputs: number[];
  outputs: number[];
  optionsType: number;
  /** Writes the options table and returns its offset; absent for ops without options. */
  options?: (b: Builder) => number;
}

export interface ModelEdit {
  /** Tensors appended after the existing ones; the first gets index `tensors.length`. */
  tensors?: NewTensor[];
  /** Operators appended after the existing ones (run last, in this order). */
  operators?: NewOperator[];
  /** Replaces the main subgraph's output list. */
  outputs?: number[];
  /** Metadata entries (name -> raw bytes) added as new buffers. Replaces same-named entries. */
  metadata?: Record<string, Uint8Array>;
}

function int32Vector(b: Builder, values: readonly number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i] ?? 0);
  return b.endVector();
}

function offsetVector(b: Builder, offsets: readonly number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i] ?? 0);
  return b.endVector();
}

/** A `[ubyte] (force_align: 16)` vector, as TFLite buffers want. */
function alignedByteVector(b: Builder, data: Uint8Array): number {
  b.startVector(1, data.length, 16);
  b.pad(data.length);
  const bb = b.dataBuffer();
  bb.bytes().set(data, bb.capacity() - b.offset());
  return b.endVector();
}

/**
 * Writes a new model: the original one plus `edit`. Old tables are referenced, not copied,
 * so every old operator, option and weight is kept exactly.
 */
export function editModel(bytes: Uint8Array, edit: ModelEdit): Uint8Array {
  const bb = new ByteBuffer(bytes);
  const model = rootTable(bb);
  const summary = readModel(bytes);
  if (summary.subgraphCount !== 1) throw new Error('only single-subgraph models are supported');

  const b = new Builder(bytes.length + 65536);
  // The old file goes in first: it lands at the end, 16-aligned as before.
  b.prep(16, bytes.length);
  b.pad(bytes.length);
  const oldEnd = b.offset();
  b.dataBuffer()
    .bytes()
    .set(bytes, b.dataBuffer().capacity() - oldEnd);
  /** Builder offset of the old object that starts at file position `pos`. */
  const old = (pos: number): number => oldEnd - pos;

  // Buffers: keep all old ones, then constants of new tensors, then metadata blobs.
  const oldBuffers = vectorOfTables(bb, model, F.model.buffers).map(old);
  const newBufferData: Uint8Array[] = [];
  const tensorBuffer = (edit.tensors ?? []).map((t) => {
    if (!t.data) return 0;
    newBufferData.push(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    return oldBuffers.length + newBufferData.length - 1;
  });
  const metadataEntries = Object.entries(edit.metadata ?? {});
  const metadataBufferIndex = metadataEntries.map(([, data]) => {
    newBufferData.push(data);
    return oldBuffers.length + newBufferData.length - 1;
  });
  const newBuffers = newBufferData.map((data) => {
    const vec = alignedByteVector(b, data);
    b.startObject(3);
    b.addFieldOffset(F.buffer.data, vec, 0);
    return b.endObject();
  });

  // Operator codes: reuse an existing code for a builtin when there is one.
  const oldCodes = vectorOfTables(bb, model, F.model.operatorCodes).map(old);
  const codes = [...summary.operatorCodes];
  const newCodes: number[] = [];
  const opcodeIndex = (builtin: number): number => {
    const found = codes.findIndex((c) => c.builtinCode === builtin && c.customCode === null);
    if (found >= 0) return found;
    b.startObject(4);
    b.addFieldInt32(F.opcode.builtinCode, builtin, 0);
    b.addFieldInt32(F.opcode.version, 1, 1);
    b.addFieldInt8(F.opcode.deprecatedBuiltinCode, Math.min(builtin, 127), 0);
    newCodes.push(b.endObject());
    codes.push({ builtinCode: builtin, customCode: null, version: 1 });
    return codes.length - 1;
  };

  // Tensors.
  const newTensors = (edit.tensors ?? []).map((t, i) => {
    const name = b.createString(t.name);
    const shape = int32Vector(b, t.shape);
    b.startObject(4);
    b.addFieldOffset(F.tensor.shape, shape, 0);
    b.addFieldOffset(F.tensor.name, name, 0);
    b.addFieldInt32(F.tensor.buffer, tensorBuffer[i] ?? 0, 0);
    b.addFieldInt8(F.tensor.type, t.type, 0);
    return b.endObject();
  });

  // Operators.
  const newOperators = (edit.operators ?? []).map((op) => {
    const index = opcodeIndex(op.builtinCode);
    const options = op.options ? op.options(b) : 0;
    const inputs = int32Vector(b, op.inputs);
    const outputs = int32Vector(b, op.outputs);
    b.startObject(5);
    b.addFieldInt32(F.operator.opcodeIndex, index, 0);
    b.addFieldOffset(F.operator.inputs, inputs, 0);
    b.addFieldOffset(F.operator.outputs, outputs, 0);
    if (options !== 0) b.addFieldOffset(F.operator.options, options, 0);
    b.addFieldInt8(F.operator.optionsType, op.optionsType, 0);
    return b.endObject();
  });

  // The main subgraph, rebuilt around the old objects.
  const sub = vectorOfTables(bb, model, F.model.subgraphs)[0] ?? 0;
  const tensorsVec = offsetVector(b, [
    ...vectorOfTables(bb, sub, F.subgraph.tensors).map(old),
    ...newTensors,
  ]);
  const operatorsVec = offsetVector(b, [
    ...vectorOfTables(bb, sub, F.subgraph.operators).map(old),
    ...newOperators,
  ]);
  const inputsVec = int32Vector(b, summary.inputs);
  const outputsVec = int32Vector(b, edit.outputs ?? summary.outputs);
  const subName = field(bb, sub, F.subgraph.name);
  b.startObject(5);
  b.addFieldOffset(F.subgraph.tensors, tensorsVec, 0);
  b.addFieldOffset(F.subgraph.inputs, inputsVec, 0);
  b.addFieldOffset(F.subgraph.outputs, outputsVec, 0);
  b.addFieldOffset(F.subgraph.operators, operatorsVec, 0);
  if (subName !== 0) b.addFieldOffset(F.subgraph.name, old(bb.__indirect(subName)), 0);
  const newSub = b.endObject();

  // Metadata list: old entries not replaced, then new ones.
  const replaced = new Set(metadataEntries.map(([name]) => name));
  const keptMetadata = vectorOfTables(bb, model, F.model.metadata)
    .filter((m) => !replaced.has(stringField(bb, m, F.metadata.name) ?? ''))
    .map(old);
  const addedMetadata = metadataEntries.map(([name], i) => {
    const nameOffset = b.createString(name);
    b.startObject(2);
    b.addFieldOffset(F.metadata.name, nameOffset, 0);
    b.addFieldInt32(F.metadata.buffer, metadataBufferIndex[i] ?? 0, 0);
    return b.endObject();
  });

  const codesVec = offsetVector(b, [...oldCodes, ...newCodes]);
  const subgraphsVec = offsetVector(b, [newSub]);
  const buffersVec = offsetVector(b, [...oldBuffers, ...newBuffers]);
  const metadataVec = offsetVector(b, [...keptMetadata, ...addedMetadata]);
  const oldRef = (slot: number): number => {
    const at = field(bb, model, slot);
    return at === 0 ? 0 : old(bb.__indirect(at));
  };
  const description = oldRef(F.model.description);
  const metadataBuffer = oldRef(F.model.metadataBuffer);
  const signatureDefs = oldRef(F.model.signatureDefs);

  b.startObject(8);
  b.addFieldInt32(F.model.version, summary.version, 0);
  b.addFieldOffset(F.model.operatorCodes, codesVec, 0);
  b.addFieldOffset(F.model.subgraphs, subgraphsVec, 0);
  if (description !== 0) b.addFieldOffset(F.model.description, description, 0);
  b.addFieldOffset(F.model.buffers, buffersVec, 0);
  if (metadataBuffer !== 0) b.addFieldOffset(F.model.metadataBuffer, metadataBuffer, 0);
  b.addFieldOffset(F.model.metadata, metadataVec, 0);
  if (signatureDefs !== 0) b.addFieldOffset(F.model.signatureDefs, signatureDefs, 0);
  const root = b.endObject();
  b.finish(root, TFLITE_IDENTIFIER);
  return b.asUint8Array().slice();
}

/** Options-table writers for the ops the landmark graph appends. */
export const options = {
  concatenation:
    (axis: number) =>
    (b: Builder): number => {
      b.startObject(2);
      b.addFieldInt32(0, axis, 0);
      return b.endObject();
    },
  gather:
    (axis: number) =>
    (b: Builder): number => {
      b.startObject(2);
      b.addFieldInt32(0, axis, 0);
      return b.endObject();
    },
  reshape:
    (shape: readonly number[]) =>
    (b: Builder): number => {
      const vec = int32Vector(b, shape);
      b.startObject(1);
      b.addFieldOffset(0, vec, 0);
      return b.endObject();
    },
  reducer:
    (keepDims: boolean) =>
    (b: Builder): number => {
      b.startObject(1);
      b.addFieldInt8(0, keepDims ? 1 : 0, 0);
      return b.endObject();
    },
  empty: (b: Builder): number => {
    b.startObject(0);
    return b.endObject();
  },
};
