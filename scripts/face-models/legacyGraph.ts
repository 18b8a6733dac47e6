/**
 * Reads the landmark refinement rules of the legacy MediaPipe Face Mesh pipeline from the
 * `@mediapipe/face_mesh` package itself, so the merge we bake into the model is the one that
 * package ran, not a transcription.
 *
 * The package's wasm binary embeds the `TensorsToFaceLandmarksWithAttention` subgraph as a
 * serialised `CalculatorGraphConfig` protobuf: a `SplitTensorVectorCalculator` naming the
 * model outputs (mesh, lips, eyes, irises), one `TensorsToLandmarksCalculator` per output
 * (landmark count), and a `LandmarksRefinementCalculator` whose options map each output's
 * landmarks onto the 478-point mesh and say how z is refined (copy / none / average of some
 * mesh points).
 */

/** One protobuf field: varint value or length-delimited bytes. */
interface PbField {
  id: number;
  wire: number;
  varint: number;
  bytes: Uint8Array;
}

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = buf[pos];
    if (byte === undefined) throw new Error('truncated varint');
    pos++;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, pos];
    scale *= 128;
    if (scale > 2 ** 63) throw new Error('varint too long');
  }
}

/** Splits a protobuf message into fields; throws when `buf` is not a well-formed message. */
export function parseMessage(buf: Uint8Array): PbField[] {
  const out: PbField[] = [];
  let pos = 0;
  const empty = new Uint8Array(0);
  while (pos < buf.length) {
    const [key, afterKey] = readVarint(buf, pos);
    const id = Math.floor(key / 8);
    const wire = key % 8;
    if (id === 0) throw new Error('field id 0');
    pos = afterKey;
    if (wire === 0) {
      const [v, next] = readVarint(buf, pos);
      out.push({ id, wire, varint: v, bytes: empty });
      pos = next;
    } else if (wire === 2) {
      const [len, next] = readVarint(buf, pos);
      if (next + len > buf.length) throw new Error('length past end of message');
      out.push({ id, wire, varint: 0, bytes: buf.subarray(next, next + len) });
      pos = next + len;
    } else if (wire === 5) {
      out.push({ id, wire, varint: 0, bytes: buf.subarray(pos, pos + 4) });
      pos += 4;
    } else if (wire === 1) {
      out.push({ id, wire, varint: 0, bytes: buf.subarray(pos, pos + 8) });
      pos += 8;
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
  if (pos !== buf.length) throw new Error('message overruns its buffer');
  return out;
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Repeated int32 field, packed or not. */
function ints(fields: PbField[], id: number): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.id !== id) continue;
    if (f.wire === 0) out.push(f.varint);
    else if (f.wire === 2) {
      let pos = 0;
      while (pos < f.bytes.length) {
        const [v, next] = readVarint(f.bytes, pos);
        out.push(v);
        pos = next;
      }
    }
  }
  return out;
}

const sub = (fields: PbField[], id: number): PbField[][] =>
  fields.filter((f) => f.id === id && f.wire === 2).map((f) => parseMessage(f.bytes));

const strings = (fields: PbField[], id: number): string[] =>
  fields.filter((f) => f.id === id && f.wire === 2).map((f) => text(f.bytes));

/** How the z of refined landmarks is set (LandmarksRefinementCalculatorOptions.ZRefinement). */
export type ZRefinement = { kind: 'none' } | { kind: 'copy' } | { kind: 'average'; of: number[] };

export interface LandmarkSource {
  /** Stream name in the legacy graph, e.g. `lips_landmarks`. */
  name: string;
  /** Position of the tensor among the attention model's outputs. */
  outputIndex: number;
  /** Landmarks in that tensor (its values are x,y[,z] per landmark). */
  count: number;
  /** For each landmark of this source, the index it refines in the merged mesh. */
  indexesMapping: number[];
  z: ZRefinement;
}

export interface RefinementPlan {
  /** Sources in application order: later ones override earlier ones. */
  sources: LandmarkSource[];
  /** Landmarks in the merged mesh. */
  total: number;
  /** Model input size the landmark coordinates refer to (pixels). */
  inputWidth: number;
  inputHeight: number;
}

const GRAPH_TYPE = 'TensorsToFaceLandmarksWithAttention';

// CalculatorGraphConfig / Node field numbers (mediapipe/framework/calculator.proto).
const GRAPH_NODE = 1;
const GRAPH_TYPE_FIELD = 20;
const NODE_CALCULATOR = 2;
const NODE_INPUT_STREAM = 3;
const NODE_OUTPUT_STREAM = 4;
const NODE_OPTIONS = 7;

/**
 * Finds the serialised `TensorsToFaceLandmarksWithAttention` graph in `wasm` (the bytes of
 * face_mesh_solution_simd_wasm_bin.wasm) and returns its refinement plan.
 */
export function readRefinementPlan(wasm: Uint8Array): RefinementPlan {
  const graph = findGraph(wasm);
  const nodes = sub(graph, GRAPH_NODE);
  const calculator = (n: PbField[]): string => strings(n, NODE_CALCULATOR)[0] ?? '';

  const split = nodes.find((n) => calculator(n) === 'SplitTensorVectorCalculator');
  if (!split) throw new Error('no SplitTensorVectorCalculator in the legacy graph');
  const splitOutputs = strings(split, NODE_OUTPUT_STREAM);

  // TensorsToLandmarksCalculator: TENSORS:<tensor stream> -> NORM_LANDMARKS:<landmarks stream>.
  const toLandmarks = new Map<string, { tensor: string; count: number; w: number; h: number }>();
  for (const n of nodes.filter((n) => calculator(n) === 'TensorsToLandmarksCalculator')) {
    const input = strings(n, NODE_INPUT_STREAM)[0]?.split(':').pop() ?? '';
    const output = strings(n, NODE_OUTPUT_STREAM)[0]?.split(':').pop() ?? '';
    const opts = extensionPayload(n);
    // TensorsToLandmarksCalculatorOptions: num_landmarks=1, input_image_width=2, _height=3.
    const count = ints(opts, 1)[0] ?? 0;
    toLandmarks.set(output, {
      tensor: input,
      count,
      w: ints(opts, 2)[0] ?? 0,
      h: ints(opts, 3)[0] ?? 0,
    });
  }

  const refine = nodes.find((n) => calculator(n) === 'LandmarksRefinementCalculator');
  if (!refine) throw new Error('no LandmarksRefinementCalculator in the legacy graph');
  // Inputs are LANDMARKS:<i>:<stream>, in refinement order.
  const inputs = strings(refine, NODE_INPUT_STREAM).map((s) => s.split(':').pop() ?? '');
  // LandmarksRefinementCalculatorOptions: repeated Refinement refinement = 1;
  // Refinement: repeated int32 indexes_mapping = 1; ZRefinement z_refinement = 2;
  // ZRefinement: none = 1 | copy = 2 | assign_average = 3 { repeated int32 indexes_for_average = 1 }.
  const refinements = sub(extensionPayload(refine), 1);
  if (refinements.length !== inputs.length) {
    throw new Error(`${inputs.length} refinement inputs but ${refinements.length} refinements`);
  }

  let inputWidth = 0;
  let inputHeight = 0;
  const sources = inputs.map((stream, i): LandmarkSource => {
    const info = toLandmarks.get(stream);
    if (!info) throw new Error(`no TensorsToLandmarksCalculator produces ${stream}`);
    inputWidth = info.w;
    inputHeight = info.h;
    const outputIndex = splitOutputs.indexOf(info.tensor);
    if (outputIndex < 0) throw new Error(`split does not output ${info.tensor}`);
    const r = refinements[i] ?? [];
    const indexesMapping = ints(r, 1);
    if (indexesMapping.length !== info.count) {
      throw new Error(`${stream}: ${info.count} landmarks but ${indexesMapping.length} indexes`);
    }
    const zMsg = sub(r, 2)[0] ?? [];
    let z: ZRefinement = { kind: 'none' };
    if (zMsg.some((f) => f.id === 2)) z = { kind: 'copy' };
    const avg = sub(zMsg, 3)[0];
    if (avg) z = { kind: 'average', of: ints(avg, 1) };
    return { name: stream, outputIndex, count: info.count, indexesMapping, z };
  });
  const total = 1 + Math.max(...sources.flatMap((s) => s.indexesMapping));
  return { sources, total, inputWidth, inputHeight };
}

/** The calculator-specific options message inside Node.options (a proto2 extension). */
function extensionPayload(node: PbField[]): PbField[] {
  const options = sub(node, NODE_OPTIONS)[0];
  if (!options) return [];
  const ext = options.find((f) => f.wire === 2);
  return ext ? parseMessage(ext.bytes) : [];
}

/**
 * Locates the graph: its `type` field (20) holds GRAPH_TYPE and is its last field, and it
 * begins with node fields. We find the type string, then walk back over consecutive node
 * fields until the parse is consistent.
 */
function findGraph(wasm: Uint8Array): PbField[] {
  const marker = new TextEncoder().encode(GRAPH_TYPE);
  const typeTag = [0xa2, 0x01, marker.length];
  for (let at = indexOf(wasm, marker, 0); at >= 0; at = indexOf(wasm, marker, at + 1)) {
    const tagAt = at - typeTag.length;
    if (!typeTag.every((v, i) => wasm[tagAt + i] === v)) continue;
    const end = at + marker.length;
    // The node list starts with the SplitTensorVectorCalculator node; search back for it.
    const split = lastIndexOf(wasm, new TextEncoder().encode('SplitTensorVectorCalculator'), at);
    for (let start = split - 8; start < split; start++) {
      if (start < 0 || wasm[start] !== 0x0a) continue;
      try {
        const fields = parseMessage(wasm.subarray(start, end));
        const last = fields[fields.length - 1];
        if (last?.id === GRAPH_TYPE_FIELD && text(last.bytes) === GRAPH_TYPE) return fields;
      } catch {
        // Not a message boundary; try the next start.
      }
    }
  }
  throw new Error(`${GRAPH_TYPE} graph not found in the face_mesh wasm`);
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= hay.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function lastIndexOf(hay: Uint8Array, needle: Uint8Array, before: number): number {
  outer: for (let i = before - needle.length; i >= 0; i--) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
