/**
 * The detection pass for small faces (docs/preprocessing.md, "Small faces"): after the
 * whole-frame pass, the tiled pass when the mode asks for it (./steps/tiles.ts), the merge,
 * and the landmarker on the upscaled region of the chosen face when it has no landmarks yet.
 * The worker supplies the models through `SmallFaceDeps`, so this runs under Node in tests.
 */
import { selectLargestFace } from './steps/selectFace';
import {
  cutByTileEdge,
  DEFAULT_TILE_CONFIG,
  fromTile,
  landmarkRegion,
  mergeFaces,
  needsTiledPass,
  tilePlan,
  type Tile,
  type TileConfig,
  type TiledDetection,
} from './steps/tiles';
import type { FaceResult, Point } from './types';

/**
 * Below this distance between the eye centres (source px; about 0.4 of the face box's side,
 * so a face of about 40 px) the landmarks stop being usable for alignment: measured on
 * downscaled faces (tests/e2e/cli-small-faces.spec.ts, docs/preprocessing.md "Small faces").
 * The eye distance, not the detector's box, because at these sizes the box is unsteady (one
 * portrait's face of 32 px got a 64 px box). Kept frames with closer eyes get a note.
 */
export const SMALL_FACE_EYE_DISTANCE = 16;

/** The note of a kept frame whose eyes are closer than SMALL_FACE_EYE_DISTANCE, else null. */
export function smallFaceNote(eyes: { rightEye: Point; leftEye: Point }): string | null {
  const d = Math.hypot(eyes.leftEye.x - eyes.rightEye.x, eyes.leftEye.y - eyes.rightEye.y);
  return d < SMALL_FACE_EYE_DISTANCE
    ? `small face (eyes ${d.toFixed(0)} px apart): landmarks are unreliable below ` +
        `${SMALL_FACE_EYE_DISTANCE} px (a face of about 40 px)`
    : null;
}

export interface SmallFaceDeps {
  /** Faces the detector finds on `tile` of the frame, in the tile's pixels. */
  detectTile(tile: Tile): Promise<FaceResult[]>;
  /**
   * The 478 landmarks of the face in `region` of the frame (the landmarker runs on that
   * region upscaled), in frame pixels; null when the landmarker finds no face there.
   */
  landmarks(region: Tile, face: FaceResult): Promise<FaceResult['landmarks']>;
}

export interface FrameGeometry {
  width: number;
  height: number;
  /** Longest side of the whole-frame pass's detection copy, and source px per copy px. */
  detectSide: number;
  scale: number;
}

export interface SmallFaceResult {
  faces: FaceResult[];
  /** Tiles the detector ran on (0 when the tiled pass did not run). */
  tiles: number;
  /** Whether the landmarker ran on the chosen face's region. */
  regionLandmarks: boolean;
}

/**
 * Whole-frame faces (source px) in, all faces out: the tiled pass's faces merged in when
 * `mode` calls for it, and the chosen (largest) face given landmarks from its own upscaled
 * region when it has none or was small in the detection copy (its landmarks from there are
 * coarse; when the region gives none, it keeps none: its crops then follow the detector's
 * keypoints).
 */
export async function findSmallFaces(
  whole: readonly FaceResult[],
  frame: FrameGeometry,
  /** The mode, or the preprocessing settings that hold it and `minTileScore`. */
  settings: TiledDetection | { tiledDetection: TiledDetection; minTileScore: number },
  deps: SmallFaceDeps,
  tileConfig: TileConfig = DEFAULT_TILE_CONFIG,
): Promise<SmallFaceResult> {
  const mode = typeof settings === 'string' ? settings : settings.tiledDetection;
  const config =
    typeof settings === 'string'
      ? tileConfig
      : { ...tileConfig, minTileScore: settings.minTileScore };
  let faces = [...whole];
  let tiles = 0;
  if (needsTiledPass(mode, whole, frame.detectSide, frame.scale, config)) {
    const plan = tilePlan(frame.width, frame.height, config);
    const found: FaceResult[] = [];
    for (const tile of plan) {
      for (const f of await deps.detectTile(tile)) {
        if (f.score < config.minTileScore) continue; // a tile's weak box: see TileConfig
        if (!cutByTileEdge(f.box, tile, frame.width, frame.height)) found.push(fromTile(f, tile));
      }
    }
    tiles = plan.length;
    faces = mergeFaces(whole, found, config);
  }
  const chosen = selectLargestFace(faces);
  const face = faces[chosen];
  let regionLandmarks = false;
  // Landmarks from the detection copy are coarse when the face was small there: redo them.
  const smallInCopy =
    face !== undefined && needsTiledPass('auto', [face], frame.detectSide, frame.scale, config);
  if (face && (!face.landmarks || smallInCopy)) {
    const region = landmarkRegion(face.box, frame.width, frame.height);
    if (region) {
      regionLandmarks = true;
      const landmarks = await deps.landmarks(region, face);
      if (landmarks) faces[chosen] = { ...face, landmarks };
      else if (smallInCopy) faces[chosen] = { ...face, landmarks: null };
    }
  }
  return { faces, tiles, regionLandmarks };
}
