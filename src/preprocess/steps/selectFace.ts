/** Face selection (paper Sec. 3): "the face with the largest bounding box is selected". */
import type { FaceResult } from '../types';

/**
 * Index of the face with the largest box area, or -1 when there is none (or no box has a
 * positive finite area). Equal areas: the higher score wins, then the earlier face.
 */
export function selectLargestFace(faces: readonly FaceResult[]): number {
  let best = -1;
  let bestArea = 0;
  let bestScore = -Infinity;
  faces.forEach((f, i) => {
    const area = f.box.width * f.box.height;
    if (!Number.isFinite(area) || area <= 0) return;
    if (area > bestArea || (area === bestArea && f.score > bestScore)) {
      best = i;
      bestArea = area;
      bestScore = f.score;
    }
  });
  return best;
}
