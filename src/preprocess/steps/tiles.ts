/**
 * Small faces: tiled detection. The whole-frame pass sees a frame scaled to detectMaxSide and
 * then letterboxed to the detector's 192 px input, so a 45 px face of a 1280 px group frame
 * shrinks to about 7 px and is lost. The tiled pass cuts the source frame into overlapping
 * tiles of `tileSide` px (each scaled to the detector's input, so a 45 px face becomes about
 * 27 px there), detects in each, maps the boxes back to the frame and merges them with the
 * whole-frame faces by non-maximum suppression: the way MTCNN's image pyramid reaches small
 * faces (Zhang et al. 2016), with one extra scale. Pure: the worker supplies the detector.
 */
import type { FaceResult } from '../faceModels';

export type TiledDetection = 'auto' | 'always' | 'off';
export const TILED_DETECTION_MODES: readonly TiledDetection[] = ['auto', 'always', 'off'];

export interface TileConfig {
  /**
   * Tile side in source pixels. 320 px tiles scaled to the full-range detector's 192 px input
   * show a 40-60 px face at 24-36 px, where it is reliably found (docs/preprocessing.md,
   * "Small faces").
   */
  tileSide: number;
  /** Tiles overlap by at least this many source pixels: a face up to this size lies whole in one. */
  minOverlap: number;
  /**
   * 'auto' runs the tiled pass when the whole-frame pass found no face or only faces whose
   * larger side is below this fraction of the detection copy's longest side (0.1: 64 px of a
   * 640 px copy, 19 px at the detector's input, below which it starts to miss faces).
   */
  smallFaceFraction: number;
  /**
   * A face only a tile found is kept when its detector score is at least this (0.7, the score
   * MTCNN's last stage keeps). Tiles show the detector many more windows, and on frames with no
   * face (a test pattern) it found 0.55-0.65 boxes there; faces of 40-60 px in generated group
   * frames scored 0.74 and more (docs/preprocessing.md, "Small faces").
   */
  minTileScore: number;
  /** Two boxes are one face when their IoU exceeds this ... */
  nmsIou: number;
  /** ... or when their intersection covers this much of the smaller box (a face cut by a tile edge). */
  nmsCover: number;
}

export const DEFAULT_TILE_CONFIG: TileConfig = {
  tileSide: 320,
  minOverlap: 96,
  smallFaceFraction: 0.1,
  minTileScore: 0.7,
  nmsIou: 0.3,
  nmsCover: 0.6,
};

export interface Tile {
  x: number;
  y: number;
  width: number;
  height: number;
}

type Box = FaceResult['box'];

/** Tile origins along one axis: evenly spaced, first at 0, last flush with the end. */
function axis(length: number, side: number, minOverlap: number): number[] {
  if (length <= side) return [0];
  const stride = Math.max(1, side - minOverlap);
  const n = Math.ceil((length - side) / stride) + 1;
  const step = (length - side) / (n - 1);
  return Array.from({ length: n }, (_, i) => Math.round(i * step));
}

/**
 * Overlapping tiles covering a width x height frame, row by row. Empty when the frame is no
 * larger than one tile both ways (the whole-frame pass already sees it at that scale).
 */
export function tilePlan(
  width: number,
  height: number,
  config: TileConfig = DEFAULT_TILE_CONFIG,
): Tile[] {
  const { tileSide, minOverlap } = config;
  if (width <= tileSide && height <= tileSide) return [];
  const tw = Math.min(tileSide, width);
  const th = Math.min(tileSide, height);
  const out: Tile[] = [];
  for (const y of axis(height, th, minOverlap)) {
    for (const x of axis(width, tw, minOverlap)) out.push({ x, y, width: tw, height: th });
  }
  return out;
}

/**
 * Whether the tiled pass should run after the whole-frame pass found `faces` on a
 * detection copy whose longest side is `detectSide` (faces in source pixels, the copy scaled
 * by `scale` source px per copy px).
 */
export function needsTiledPass(
  mode: TiledDetection,
  faces: readonly FaceResult[],
  detectSide: number,
  scale: number,
  config: TileConfig = DEFAULT_TILE_CONFIG,
): boolean {
  if (mode === 'off') return false;
  if (mode === 'always') return true;
  const limit = config.smallFaceFraction * detectSide * scale;
  return faces.every((f) => Math.max(f.box.width, f.box.height) < limit);
}

/** A face found in a tile, mapped back to frame pixels (tile origin added). */
export function fromTile(face: FaceResult, tile: Tile): FaceResult {
  const p = <T extends { x: number; y: number }>(q: T): T => ({
    ...q,
    x: q.x + tile.x,
    y: q.y + tile.y,
  });
  return {
    box: { ...face.box, x: face.box.x + tile.x, y: face.box.y + tile.y },
    score: face.score,
    keypoints: Object.fromEntries(
      Object.entries(face.keypoints).map(([name, q]) => [name, p(q)]),
    ) as FaceResult['keypoints'],
    landmarks: face.landmarks ? face.landmarks.map(p) : null,
  };
}

/**
 * Whether a box found in `tile` (tile pixels) reaches within `margin` px of one of the
 * tile's edges that is not also the frame's: such a face may be cut there, and since tiles
 * overlap by more than the faces this pass looks for, it lies whole in a neighbouring tile.
 */
export function cutByTileEdge(
  box: Box,
  tile: Tile,
  frameWidth: number,
  frameHeight: number,
  margin = 2,
): boolean {
  const left = tile.x > 0 && box.x < margin;
  const top = tile.y > 0 && box.y < margin;
  const right = tile.x + tile.width < frameWidth && box.x + box.width > tile.width - margin;
  const bottom = tile.y + tile.height < frameHeight && box.y + box.height > tile.height - margin;
  return left || top || right || bottom;
}

function overlap(a: Box, b: Box): { iou: number; cover: number } {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return { iou: 0, cover: 0 };
  const inter = w * h;
  const areaA = a.width * a.height;
  const areaB = b.width * b.height;
  return { iou: inter / (areaA + areaB - inter), cover: inter / Math.min(areaA, areaB) };
}

/**
 * Non-maximum suppression over all faces: `first` (the whole-frame pass, which carries
 * landmarks) wins over `rest` (tile faces), then the higher score; a face is dropped when it
 * overlaps a kept one by IoU > nmsIou or covers > nmsCover of the smaller box. Kept faces
 * come out in that priority order.
 */
export function mergeFaces(
  first: readonly FaceResult[],
  rest: readonly FaceResult[],
  config: Pick<TileConfig, 'nmsIou' | 'nmsCover'> = DEFAULT_TILE_CONFIG,
): FaceResult[] {
  const byScore = (a: FaceResult, b: FaceResult): number => b.score - a.score;
  const ordered = [...[...first].sort(byScore), ...[...rest].sort(byScore)];
  const kept: FaceResult[] = [];
  for (const f of ordered) {
    if (!(f.box.width > 0 && f.box.height > 0)) continue;
    const clash = kept.some((k) => {
      const o = overlap(k.box, f.box);
      return o.iou > config.nmsIou || o.cover > config.nmsCover;
    });
    if (!clash) kept.push(f);
  }
  return kept;
}

/**
 * The square region the landmarker is run on for a face found without landmarks: the box
 * grown to `grow` times its larger side around its centre, clipped to the frame. Returns
 * null when nothing of it is inside the frame.
 */
export function landmarkRegion(box: Box, width: number, height: number, grow = 2): Tile | null {
  const side = grow * Math.max(box.width, box.height);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const x0 = Math.max(0, Math.floor(cx - side / 2));
  const y0 = Math.max(0, Math.floor(cy - side / 2));
  const x1 = Math.min(width, Math.ceil(cx + side / 2));
  const y1 = Math.min(height, Math.ceil(cy + side / 2));
  if (x1 - x0 < 1 || y1 - y0 < 1) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
