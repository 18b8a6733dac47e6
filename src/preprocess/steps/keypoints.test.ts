import { describe, expect, it } from 'vitest';
import { MESH_LANDMARK_COUNT, type FaceResult, type Point3 } from '../faceModels';
import { namedKeypoints } from './keypoints';

const detectorOnly: FaceResult = {
  box: { x: 173, y: 67, width: 103, height: 103 },
  score: 0.91,
  keypoints: {
    rightEye: { x: 204, y: 100 },
    leftEye: { x: 247, y: 104 },
    noseTip: { x: 226, y: 124 },
    mouthCenter: { x: 225, y: 143 },
    rightEarTragion: { x: 180, y: 110 },
    leftEarTragion: { x: 270, y: 112 },
  },
  landmarks: null,
};

function withMesh(): FaceResult {
  const landmarks: Point3[] = Array.from({ length: MESH_LANDMARK_COUNT }, (_, i) => ({
    x: i,
    y: -i,
    z: 0,
  }));
  const set = (i: number, x: number, y: number): void => {
    landmarks[i] = { x, y, z: 5 };
  };
  set(468, 203.6, 101.2); // right iris centre
  set(473, 246.5, 103.5); // left iris centre
  set(61, 202, 139); // mouth corners
  set(291, 245, 141);
  set(1, 225.5, 126.5); // nose tip
  set(13, 224, 138); // inner lips
  set(14, 224, 146);
  return { ...detectorOnly, landmarks };
}

describe('namedKeypoints', () => {
  it('uses iris centres, mesh mouth corners, nose tip and inner-lip midpoint when there is a mesh', () => {
    expect(namedKeypoints(withMesh())).toEqual({
      rightEye: { x: 203.6, y: 101.2 },
      leftEye: { x: 246.5, y: 103.5 },
      noseTip: { x: 225.5, y: 126.5 },
      mouthRight: { x: 202, y: 139 },
      mouthLeft: { x: 245, y: 141 },
      mouthCenter: { x: 224, y: 142 },
    });
  });

  it("falls back to the detector's keypoints without a mesh (no mouth corners)", () => {
    expect(namedKeypoints(detectorOnly)).toEqual({
      rightEye: { x: 204, y: 100 },
      leftEye: { x: 247, y: 104 },
      noseTip: { x: 226, y: 124 },
      mouthRight: null,
      mouthLeft: null,
      mouthCenter: { x: 225, y: 143 },
    });
  });
});
