/**
 * TFLite model metadata (tflite-support metadata_schema.fbs, file identifier "M001"): the
 * part of it that MediaPipe Tasks reads to preprocess an image input. Without the
 * NormalizationOptions a float32 image model is refused ("it requires specifying
 * NormalizationOptions metadata to preprocess input images").
 */
import { Builder, ByteBuffer } from 'flatbuffers';

export const METADATA_NAME = 'TFLITE_METADATA';
const METADATA_IDENTIFIER = 'M001';

// Field ids (vtable slots) in metadata_schema.fbs.
const MODEL = { name: 0, description: 1, version: 2, subgraphs: 3, author: 4, license: 5 } as const;
const MODEL_MIN_PARSER_VERSION = 7;
const SUBGRAPH = { name: 0, inputs: 2 } as const;
const TENSOR = { name: 0, description: 1, content: 3, processUnits: 4, stats: 5 } as const;
const CONTENT = { propertiesType: 0, properties: 1 } as const;
const IMAGE_PROPERTIES = { colorSpace: 0 } as const;
const PROCESS_UNIT = { optionsType: 0, options: 1 } as const;
const NORMALIZATION = { mean: 0, std: 1 } as const;
const STATS = { max: 0, min: 1 } as const;

const CONTENT_IMAGE_PROPERTIES = 2; // union ContentProperties
const COLOR_SPACE_RGB = 1;
const PROCESS_UNIT_NORMALIZATION = 1; // union ProcessUnitOptions

export interface ImageModelMetadata {
  name: string;
  description: string;
  version: string;
  author: string;
  license: string;
  input: {
    name: string;
    description: string;
    /** Per-channel (or one shared) mean and std: the model sees (pixel - mean) / std. */
    mean: number[];
    std: number[];
  };
}

function floatVector(b: Builder, values: readonly number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i] ?? 0);
  return b.endVector();
}

function offsetVector(b: Builder, offsets: readonly number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i] ?? 0);
  return b.endVector();
}

/** Serialises a ModelMetadata flatbuffer for a model with one RGB image input. */
export function buildImageMetadata(m: ImageModelMetadata): Uint8Array {
  const b = new Builder(1024);

  const mean = floatVector(b, m.input.mean);
  const std = floatVector(b, m.input.std);
  b.startObject(2);
  b.addFieldOffset(NORMALIZATION.mean, mean, 0);
  b.addFieldOffset(NORMALIZATION.std, std, 0);
  const normalization = b.endObject();

  b.startObject(2);
  b.addFieldInt8(PROCESS_UNIT.optionsType, PROCESS_UNIT_NORMALIZATION, 0);
  b.addFieldOffset(PROCESS_UNIT.options, normalization, 0);
  const processUnits = offsetVector(b, [b.endObject()]);

  b.startObject(2);
  b.addFieldInt8(IMAGE_PROPERTIES.colorSpace, COLOR_SPACE_RGB, 0);
  const imageProperties = b.endObject();
  b.startObject(3);
  b.addFieldInt8(CONTENT.propertiesType, CONTENT_IMAGE_PROPERTIES, 0);
  b.addFieldOffset(CONTENT.properties, imageProperties, 0);
  const content = b.endObject();

  // Stats: the range the normalised input takes, (0 - mean) / std .. (255 - mean) / std.
  const min = m.input.mean.map((mu, i) => (0 - mu) / (m.input.std[i] ?? 1));
  const max = m.input.mean.map((mu, i) => (255 - mu) / (m.input.std[i] ?? 1));
  const maxVec = floatVector(b, max);
  const minVec = floatVector(b, min);
  b.startObject(2);
  b.addFieldOffset(STATS.max, maxVec, 0);
  b.addFieldOffset(STATS.min, minVec, 0);
  const stats = b.endObject();

  const inputName = b.createString(m.input.name);
  const inputDescription = b.createString(m.input.description);
  b.startObject(8);
  b.addFieldOffset(TENSOR.name, inputName, 0);
  b.addFieldOffset(TENSOR.description, inputDescription, 0);
  b.addFieldOffset(TENSOR.content, content, 0);
  b.addFieldOffset(TENSOR.processUnits, processUnits, 0);
  b.addFieldOffset(TENSOR.stats, stats, 0);
  const inputs = offsetVector(b, [b.endObject()]);

  const subgraphName = b.createString(m.name);
  b.startObject(7);
  b.addFieldOffset(SUBGRAPH.name, subgraphName, 0);
  b.addFieldOffset(SUBGRAPH.inputs, inputs, 0);
  const subgraphs = offsetVector(b, [b.endObject()]);

  const name = b.createString(m.name);
  const description = b.createString(m.description);
  const version = b.createString(m.version);
  const author = b.createString(m.author);
  const license = b.createString(m.license);
  const minParser = b.createString('1.0.0');
  b.startObject(8);
  b.addFieldOffset(MODEL.name, name, 0);
  b.addFieldOffset(MODEL.description, description, 0);
  b.addFieldOffset(MODEL.version, version, 0);
  b.addFieldOffset(MODEL.subgraphs, subgraphs, 0);
  b.addFieldOffset(MODEL.author, author, 0);
  b.addFieldOffset(MODEL.license, license, 0);
  b.addFieldOffset(MODEL_MIN_PARSER_VERSION, minParser, 0);
  b.finish(b.endObject(), METADATA_IDENTIFIER);
  return b.asUint8Array().slice();
}

/** Reads back what buildImageMetadata wrote (for tests and for checking shipped files). */
export function readImageMetadata(bytes: Uint8Array): {
  name: string;
  mean: number[];
  std: number[];
  colorSpace: number;
} {
  const bb = new ByteBuffer(bytes);
  if (!bb.__has_identifier(METADATA_IDENTIFIER)) throw new Error('not an M001 metadata buffer');
  const at = (table: number, slot: number): number => {
    const o = bb.__offset(table, 4 + 2 * slot);
    return o === 0 ? 0 : table + o;
  };
  const table = (t: number, slot: number): number => bb.__indirect(at(t, slot));
  const firstOf = (t: number, slot: number): number => bb.__indirect(bb.__vector(at(t, slot)));
  const floats = (t: number, slot: number): number[] => {
    const p = at(t, slot);
    const start = bb.__vector(p);
    return Array.from({ length: bb.__vector_len(p) }, (_, i) => bb.readFloat32(start + 4 * i));
  };
  const root = bb.readInt32(0);
  const nameField = bb.__string(at(root, MODEL.name));
  const subgraph = firstOf(root, MODEL.subgraphs);
  const input = firstOf(subgraph, SUBGRAPH.inputs);
  const unit = firstOf(input, TENSOR.processUnits);
  if (bb.readInt8(at(unit, PROCESS_UNIT.optionsType)) !== PROCESS_UNIT_NORMALIZATION) {
    throw new Error('first process unit is not NormalizationOptions');
  }
  const norm = table(unit, PROCESS_UNIT.options);
  const content = table(input, TENSOR.content);
  const props = table(content, CONTENT.properties);
  return {
    name: typeof nameField === 'string' ? nameField : '',
    mean: floats(norm, NORMALIZATION.mean),
    std: floats(norm, NORMALIZATION.std),
    colorSpace: bb.readInt8(at(props, IMAGE_PROPERTIES.colorSpace)),
  };
}
