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
import type { FaceResult } from './types';

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
 * `mode` calls for it, and the chosen (largest) face given landmarks from its own region
 * when it has none.
 */
export async function findSmallFaces(
  whole: readonly FaceResult[],
  frame: FrameGeometry,
  mode: TiledDetection,
  deps: SmallFaceDeps,
  config: TileConfig = DEFAULT_TILE_CONFIG,
): Promise<SmallFaceResult> {
  let faces = [...whole];
  let tiles = 0;
  if (needsTiledPass(mode, whole, frame.detectSide, frame.scale, config)) {
    const plan = tilePlan(frame.width, frame.height, config);
    const found: FaceResult[] = [];
    for (const tile of plan) {
      for (const f of await deps.detectTile(tile)) {
        if (!cutByTileEdge(f.box, tile, frame.width, frame.height)) found.push(fromTile(f, tile));
      }
    }
    tiles = plan.length;
    faces = mergeFaces(whole, found, config);
  }
  const chosen = selectLargestFace(faces);
  const face = faces[chosen];
  let regionLandmarks = false;
  if (face && !face.landmarks) {
    const region = landmarkRegion(face.box, frame.width, frame.height);
    if (region) {
      regionLandmarks = true;
      const landmarks = await deps.landmarks(region, face);
      if (landmarks) faces[chosen] = { ...face, landmarks };
    }
  }
  return { faces, tiles, regionLandmarks };
}
