import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { OUTPUT_DIR, manifest, readPackageInputs } from './build';
import {
  TASK_FILES,
  ZIP_ALIGNMENT,
  convertAll,
  storedZip,
  unpackAssets,
  zipEntries,
} from './convert';
import { METADATA_NAME, readImageMetadata } from './metadata';
import { readBuffer, readModel } from './tflite';

const { versions, ...inputs } = readPackageInputs();
const models = convertAll(inputs);

function metadataOf(bytes: Uint8Array) {
  const entry = readModel(bytes).metadata.find((m) => m.name === METADATA_NAME);
  if (!entry) throw new Error('no TFLITE_METADATA');
  return readImageMetadata(readBuffer(bytes, entry.buffer));
}

describe('convertAll', () => {
  it('is what public/models/face holds (the committed files are reproducible)', () => {
    const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
    for (const [name, bytes] of Object.entries(models)) {
      expect(sha(readFileSync(join(OUTPUT_DIR, name))), name).toBe(sha(bytes));
    }
    expect(readFileSync(join(OUTPUT_DIR, 'models.json'), 'utf8')).toBe(manifest(models, versions));
  });

  it('adds [-1,1] normalisation to the detectors and keeps every original buffer', () => {
    for (const [bytes, source] of [
      [models['face_detector_short_range.tflite'], inputs.shortRange],
      [models['face_detector_full_range.tflite'], inputs.fullRange],
    ] as const) {
      expect(metadataOf(bytes)).toMatchObject({ mean: [127.5], std: [127.5], colorSpace: 1 });
      const before = readModel(source);
      const after = readModel(bytes);
      expect(after.tensors).toEqual(before.tensors);
      expect(after.outputs).toEqual(before.outputs);
      expect(after.bufferCount).toBe(before.bufferCount + 1);
      for (let i = 0; i < before.bufferCount; i++) {
        const data = readBuffer(bytes, i);
        const was = readBuffer(source, i);
        expect(Buffer.from(data).equals(Buffer.from(was))).toBe(true);
        // Same alignment modulo 16 as before (force_align: 16 where the original had it).
        expect((data.byteOffset - bytes.byteOffset) % 16).toBe(
          (was.byteOffset - source.byteOffset) % 16,
        );
      }
    }
  });

  it('bundles a stored .task with the three files FaceLandmarker reads, 64-byte aligned', () => {
    const task = models['face_landmarker.task'];
    const entries = zipEntries(task);
    expect(entries.map((e) => e.name)).toEqual([
      TASK_FILES.detector,
      TASK_FILES.landmarks,
      TASK_FILES.geometry,
    ]);
    for (const e of entries) {
      expect(e.method).toBe(0);
      expect(e.offset % ZIP_ALIGNMENT).toBe(0);
    }
    const files = unzipSync(task);
    expect(files[TASK_FILES.detector]).toEqual(models['face_detector_full_range.tflite']);
    expect(files[TASK_FILES.geometry]).toEqual(inputs.geometry);
    const landmarks = files[TASK_FILES.landmarks] ?? new Uint8Array();
    expect(metadataOf(landmarks)).toMatchObject({ mean: [0], std: [255] });
  });
});

describe('storedZip / unpackAssets', () => {
  it('aligns entries whatever their name length', () => {
    const zip = storedZip([
      ['a', Uint8Array.of(1, 2, 3)],
      ['bb/longer-name.bin', new Uint8Array(77)],
    ]);
    for (const e of zipEntries(zip)) expect(e.offset % ZIP_ALIGNMENT).toBe(0);
    expect(unzipSync(zip).a).toEqual(Uint8Array.of(1, 2, 3));
  });

  it('splits a packed blob by its loader table', () => {
    const loader =
      'x;loadPackage({"files": [{"filename": "/p/a.bin", "start": 0, "end": 2}, ' +
      '{"filename": "/q/b.bin", "start": 2, "end": 5}], "remote_package_size": 5})';
    const parts = unpackAssets(loader, Uint8Array.of(1, 2, 3, 4, 5));
    expect(parts.get('a.bin')).toEqual(Uint8Array.of(1, 2));
    expect(parts.get('b.bin')).toEqual(Uint8Array.of(3, 4, 5));
  });
});
