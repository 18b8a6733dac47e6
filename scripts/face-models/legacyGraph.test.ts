import { describe, expect, it } from 'vitest';
import { readPackageInputs } from './build';
import { parseMessage, readRefinementPlan } from './legacyGraph';

describe('readRefinementPlan (from the @mediapipe/face_mesh wasm)', () => {
  const plan = readRefinementPlan(readPackageInputs().faceMeshWasm);

  it('finds the six landmark sources of the attention model, in refinement order', () => {
    expect(plan.sources.map((s) => [s.name, s.outputIndex, s.count])).toEqual([
      ['mesh_landmarks', 0, 468],
      ['lips_landmarks', 1, 80],
      ['left_eye_landmarks', 2, 71],
      ['right_eye_landmarks', 3, 71],
      ['left_iris_landmarks', 4, 5],
      ['right_iris_landmarks', 5, 5],
    ]);
    expect(plan.total).toBe(478);
    expect([plan.inputWidth, plan.inputHeight]).toEqual([192, 192]);
  });

  it('maps the mesh 1:1 with z copied, refines lips and eyes in x,y only', () => {
    const [mesh, lips, leftEye, rightEye] = plan.sources;
    expect(mesh?.indexesMapping).toEqual([...Array(468).keys()]);
    expect(mesh?.z).toEqual({ kind: 'copy' });
    for (const s of [lips, leftEye, rightEye]) {
      expect(s?.z).toEqual({ kind: 'none' });
      expect(s?.indexesMapping.every((i) => i >= 0 && i < 468)).toBe(true);
    }
    // Mouth corners and eye corners used for alignment are refined by lips / eyes.
    expect(lips?.indexesMapping).toEqual(expect.arrayContaining([61, 291, 0, 13, 14, 17]));
    expect(leftEye?.indexesMapping).toEqual(expect.arrayContaining([33, 133]));
    expect(rightEye?.indexesMapping).toEqual(expect.arrayContaining([263, 362]));
  });

  it('adds irises as landmarks 468-477 with z the mean of 16 eye-contour points', () => {
    const [leftIris, rightIris] = plan.sources.slice(4);
    expect(leftIris?.indexesMapping).toEqual([468, 469, 470, 471, 472]);
    expect(rightIris?.indexesMapping).toEqual([473, 474, 475, 476, 477]);
    for (const [iris, corner] of [
      [leftIris, 33],
      [rightIris, 263],
    ] as const) {
      if (iris?.z.kind !== 'average') throw new Error('iris z is not an average');
      expect(iris.z.of).toHaveLength(16);
      expect(iris.z.of).toContain(corner);
    }
  });
});

describe('parseMessage', () => {
  it('reads varint, length-delimited and fixed fields and rejects overruns', () => {
    // field 1 varint 300, field 2 bytes "hi", field 3 fixed32
    const msg = Uint8Array.from([0x08, 0xac, 0x02, 0x12, 0x02, 0x68, 0x69, 0x1d, 1, 2, 3, 4]);
    const fields = parseMessage(msg);
    expect(fields.map((f) => [f.id, f.wire])).toEqual([
      [1, 0],
      [2, 2],
      [3, 5],
    ]);
    expect(fields[0]?.varint).toBe(300);
    expect(new TextDecoder().decode(fields[1]?.bytes)).toBe('hi');
    expect(() => parseMessage(Uint8Array.from([0x12, 0x05, 0x68]))).toThrow();
  });
});
