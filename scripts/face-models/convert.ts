/**
 * Turns the models shipped by the npm packages @mediapipe/face_detection and
 * @mediapipe/face_mesh (Apache-2.0) into files that @mediapipe/tasks-vision's FaceDetector
 * and FaceLandmarker accept. See docs/face-models.md for why each change is needed.
 *
 * Pure functions on bytes; file access is in build.ts.
 */
import { zipSync } from 'fflate';
import { readRefinementPlan, type RefinementPlan } from './legacyGraph';
import { landmarkMergeEdit } from './landmarkGraph';
import { METADATA_NAME, buildImageMetadata } from './metadata';
import { readModel } from './tflite';
import { editModel } from './tfliteEdit';

const LICENSE = 'Apache-2.0 (models by Google LLC, from the MediaPipe npm packages)';

/** Adds image-input metadata (normalisation) to a face detector model. */
export function convertDetector(tflite: Uint8Array, variant: string): Uint8Array {
  const summary = readModel(tflite);
  const input = summary.tensors[summary.inputs[0] ?? -1];
  if (!input) throw new Error('detector has no input');
  const metadata = buildImageMetadata({
    name: `face_detection_${variant}`,
    description: `BlazeFace ${variant} face detector, from @mediapipe/face_detection, metadata added`,
    version: '1',
    author: 'Google LLC (model); FER Workbench scripts/face-models (metadata)',
    license: LICENSE,
    input: {
      name: input.name,
      description: `RGB image ${input.shape.slice(1, 3).join('x')}, scaled to [-1, 1]`,
      mean: [127.5],
      std: [127.5],
    },
  });
  return editModel(tflite, { metadata: { [METADATA_NAME]: metadata } });
}

/**
 * The attention landmark model plus the merge to 478 landmarks, with image metadata
 * (input scaled to [0, 1], as the legacy graph fed it).
 */
export function convertLandmarker(tflite: Uint8Array, plan: RefinementPlan): Uint8Array {
  const summary = readModel(tflite);
  const input = summary.tensors[summary.inputs[0] ?? -1];
  if (!input) throw new Error('landmark model has no input');
  const faceFlag = summary.outputs.find((t) => summary.tensors[t]?.name === 'conv_faceflag');
  if (faceFlag === undefined) throw new Error('landmark model has no conv_faceflag output');
  const edit = landmarkMergeEdit(summary, plan, faceFlag);
  const metadata = buildImageMetadata({
    name: 'face_landmarks_detector',
    description:
      'MediaPipe face landmark model with attention (from @mediapipe/face_mesh), its mesh, ' +
      'lips, eye and iris outputs merged into 478 landmarks [1,1,1,1434] as the legacy ' +
      'LandmarksRefinementCalculator did; second output: face flag logit',
    version: '1',
    author: 'Google LLC (model); FER Workbench scripts/face-models (merge ops, metadata)',
    license: LICENSE,
    input: {
      name: input.name,
      description: `RGB face crop ${input.shape.slice(1, 3).join('x')}, scaled to [0, 1]`,
      mean: [0],
      std: [255],
    },
  });
  return editModel(tflite, { ...edit, metadata: { [METADATA_NAME]: metadata } });
}

/** Files inside a MediaPipe Tasks `.task` bundle for FaceLandmarker. */
export const TASK_FILES = {
  detector: 'face_detector.tflite',
  landmarks: 'face_landmarks_detector.tflite',
  geometry: 'geometry_pipeline_metadata_landmarks.binarypb',
} as const;

/** Data of each stored entry starts at a multiple of this (TFLite likes aligned buffers). */
export const ZIP_ALIGNMENT = 64;
const ZIP_LOCAL_HEADER = 30;
const ZIP_PADDING_FIELD = 0xcafe;
/** A fixed timestamp so that the bundle is byte-for-byte reproducible. */
const ZIP_MTIME = new Date(Date.UTC(2020, 0, 1));

/**
 * A stored (uncompressed) zip, as MediaPipe's model asset bundles are, with each entry's data
 * aligned to ZIP_ALIGNMENT via a padding extra field.
 */
export function storedZip(files: [string, Uint8Array][]): Uint8Array {
  let offset = 0;
  const zippable: Record<
    string,
    [Uint8Array, { level: 0; mtime: Date; extra: Record<number, Uint8Array> }]
  > = {};
  for (const [name, data] of files) {
    const nameLength = new TextEncoder().encode(name).length;
    const dataStart = offset + ZIP_LOCAL_HEADER + nameLength + 4; // +4: extra field header
    const pad = (ZIP_ALIGNMENT - (dataStart % ZIP_ALIGNMENT)) % ZIP_ALIGNMENT;
    zippable[name] = [
      data,
      { level: 0, mtime: ZIP_MTIME, extra: { [ZIP_PADDING_FIELD]: new Uint8Array(pad) } },
    ];
    offset = dataStart + pad + data.length;
  }
  return zipSync(zippable, { level: 0, mtime: ZIP_MTIME });
}

/** Entries of a zip as (name, data offset, size), read from the local headers. */
export function zipEntries(
  zip: Uint8Array,
): { name: string; offset: number; size: number; method: number }[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out: { name: string; offset: number; size: number; method: number }[] = [];
  let p = 0;
  while (p + 4 <= zip.length && view.getUint32(p, true) === 0x04034b50) {
    const method = view.getUint16(p + 8, true);
    const size = view.getUint32(p + 18, true);
    const nameLength = view.getUint16(p + 26, true);
    const extraLength = view.getUint16(p + 28, true);
    const name = new TextDecoder().decode(zip.subarray(p + 30, p + 30 + nameLength));
    const offset = p + 30 + nameLength + extraLength;
    out.push({ name, offset, size, method });
    p = offset + size;
  }
  return out;
}

export interface PackageInputs {
  /** face_detection_short_range.tflite */
  shortRange: Uint8Array;
  /** face_detection_full_range_sparse.tflite (same task as the dense one, 40% smaller) */
  fullRange: Uint8Array;
  /** face_landmark_with_attention.tflite (from the face_mesh packed assets) */
  attention: Uint8Array;
  /** geometry_pipeline_metadata_landmarks.binarypb (from the face_mesh packed assets) */
  geometry: Uint8Array;
  /** face_mesh_solution_simd_wasm_bin.wasm (holds the legacy refinement graph) */
  faceMeshWasm: Uint8Array;
}

/** Output file name -> bytes (a type alias, so that Object.entries keeps the value type). */
export type ConvertedModels = Record<
  'face_detector_short_range.tflite' | 'face_detector_full_range.tflite' | 'face_landmarker.task',
  Uint8Array
>;

export function convertAll(inputs: PackageInputs): ConvertedModels {
  const shortRange = convertDetector(inputs.shortRange, 'short_range');
  const fullRange = convertDetector(inputs.fullRange, 'full_range_sparse');
  const landmarks = convertLandmarker(inputs.attention, readRefinementPlan(inputs.faceMeshWasm));
  return {
    'face_detector_short_range.tflite': shortRange,
    'face_detector_full_range.tflite': fullRange,
    // FaceLandmarker finds faces with this detector first: the full-range one, because the
    // short-range one misses faces smaller than ~1/5 of the frame (group shots, wide video).
    'face_landmarker.task': storedZip([
      [TASK_FILES.detector, fullRange],
      [TASK_FILES.landmarks, landmarks],
      [TASK_FILES.geometry, inputs.geometry],
    ]),
  };
}

/**
 * Splits Emscripten's packed asset blob using the file table in its loader script
 * (`loadPackage({"files": [{filename, start, end}, ...]})`).
 */
export function unpackAssets(loaderJs: string, data: Uint8Array): Map<string, Uint8Array> {
  const match = /loadPackage\((\{"files":.*?\})\)/s.exec(loaderJs);
  if (!match?.[1]) throw new Error('no loadPackage({...}) table in the packed-assets loader');
  const table = JSON.parse(match[1]) as {
    files: { filename: string; start: number; end: number }[];
  };
  const out = new Map<string, Uint8Array>();
  for (const f of table.files) {
    if (f.end > data.length) throw new Error(`${f.filename} ends past the blob`);
    out.set(f.filename.split('/').pop() ?? f.filename, data.subarray(f.start, f.end));
  }
  return out;
}
