import { describe, expect, it } from 'vitest';
import type { FaceResult } from '../types';
import {
  cutByTileEdge,
  DEFAULT_TILE_CONFIG,
  fromTile,
  landmarkRegion,
  mergeFaces,
  needsTiledPass,
  tilePlan,
} from './tiles';

function face(x: number, y: number, side: number, score = 0.9): FaceResult {
  const c = { x: x + side / 2, y: y + side / 2 };
  return {
    box: { x, y, width: side, height: side },
    score,
    keypoints: {
      rightEye: c,
      leftEye: c,
      noseTip: c,
      mouthCenter: c,
      rightEarTragion: c,
      leftEarTragion: c,
    },
    landmarks: null,
  };
}

describe('tilePlan', () => {
  it('covers a 1280 x 926 frame with 320 px tiles overlapping by at least 96 px', () => {
    const tiles = tilePlan(1280, 926);
    const xs = [...new Set(tiles.map((t) => t.x))];
    const ys = [...new Set(tiles.map((t) => t.y))];
    expect(tiles).toHaveLength(xs.length * ys.length);
    expect(xs[0]).toBe(0);
    expect(ys[0]).toBe(0);
    expect(Math.max(...xs) + 320).toBe(1280);
    expect(Math.max(...ys) + 320).toBe(926);
    for (const list of [xs, ys]) {
      for (let i = 1; i < list.length; i++) {
        const gap = (list[i] ?? 0) - (list[i - 1] ?? 0);
        expect(320 - gap).toBeGreaterThanOrEqual(DEFAULT_TILE_CONFIG.minOverlap);
      }
    }
    // Every 96 px square of the frame lies whole inside some tile.
    for (let y = 0; y + 96 <= 926; y += 37) {
      for (let x = 0; x + 96 <= 1280; x += 41) {
        const inside = tiles.some(
          (t) => x >= t.x && y >= t.y && x + 96 <= t.x + t.width && y + 96 <= t.y + t.height,
        );
        expect(inside, `${x},${y}`).toBe(true);
      }
    }
  });

  it('gives no tiles for a frame no larger than one tile, one row for a thin one', () => {
    expect(tilePlan(320, 240)).toEqual([]);
    const row = tilePlan(1000, 200);
    expect(new Set(row.map((t) => t.y))).toEqual(new Set([0]));
    expect(row.every((t) => t.height === 200 && t.width === 320)).toBe(true);
  });
});

describe('needsTiledPass', () => {
  // A 1280 px frame detected at 640 px (scale 2): the limit is 0.1 * 640 * 2 = 128 source px.
  it("'auto' runs it with no face or only small ones, not when one face is large", () => {
    expect(needsTiledPass('auto', [], 640, 2)).toBe(true);
    expect(needsTiledPass('auto', [face(0, 0, 60), face(200, 0, 127)], 640, 2)).toBe(true);
    expect(needsTiledPass('auto', [face(0, 0, 60), face(200, 0, 128)], 640, 2)).toBe(false);
  });

  it("'always' and 'off' do what they say", () => {
    expect(needsTiledPass('always', [face(0, 0, 400)], 640, 2)).toBe(true);
    expect(needsTiledPass('off', [], 640, 2)).toBe(false);
  });
});

describe('fromTile / mergeFaces', () => {
  it('moves a tile face by the tile origin', () => {
    const f = fromTile(face(10, 20, 40), { x: 300, y: 200, width: 320, height: 320 });
    expect(f.box).toEqual({ x: 310, y: 220, width: 40, height: 40 });
    expect(f.keypoints.noseTip).toEqual({ x: 330, y: 240 });
  });

  it('keeps one box per face: the same face from two tiles, and a face cut by a tile edge', () => {
    const whole = face(100, 100, 50, 0.8);
    const again = face(102, 101, 49, 0.95);
    const cut = { ...face(100, 100, 50, 0.99), box: { x: 100, y: 100, width: 24, height: 50 } };
    const other = face(400, 100, 45, 0.7);
    const merged = mergeFaces([], [whole, again, cut, other]);
    // Highest score first: the cut box, whose whole area lies inside the other two (cover
    // 1 > 0.6), so they go; the worker drops such cut boxes before (cutByTileEdge).
    expect(merged.map((f) => f.score)).toEqual([0.99, 0.7]);
    expect(mergeFaces([], [whole, again, other]).map((f) => f.score)).toEqual([0.95, 0.7]);
  });

  it('prefers the whole-frame faces (they carry landmarks) over tile faces', () => {
    const wf = { ...face(100, 100, 50, 0.6), landmarks: [] };
    const tf = face(101, 100, 50, 0.99);
    const merged = mergeFaces([wf], [tf, face(300, 300, 40, 0.9)]);
    expect(merged).toHaveLength(2);
    expect(merged[0]).toBe(wf);
  });

  it('drops boxes without area', () => {
    expect(mergeFaces([], [face(0, 0, 0)])).toEqual([]);
  });
});

describe('cutByTileEdge', () => {
  const tile = { x: 224, y: 0, width: 320, height: 320 };
  it('flags a box at an inner tile edge, not at the frame border', () => {
    expect(cutByTileEdge({ x: 0, y: 100, width: 30, height: 40 }, tile, 1280, 720)).toBe(true);
    expect(cutByTileEdge({ x: 295, y: 100, width: 25, height: 40 }, tile, 1280, 720)).toBe(true);
    expect(cutByTileEdge({ x: 100, y: 290, width: 40, height: 30 }, tile, 1280, 720)).toBe(true);
    // Top edge of the tile is the frame's top.
    expect(cutByTileEdge({ x: 100, y: 0, width: 40, height: 40 }, tile, 1280, 720)).toBe(false);
    expect(cutByTileEdge({ x: 100, y: 100, width: 40, height: 40 }, tile, 1280, 720)).toBe(false);
  });
});

describe('landmarkRegion', () => {
  it('is the box grown twice around its centre, clipped to the frame', () => {
    expect(landmarkRegion({ x: 100, y: 100, width: 40, height: 50 }, 1280, 720)).toEqual({
      x: 70,
      y: 75,
      width: 100,
      height: 100,
    });
    expect(landmarkRegion({ x: 0, y: 0, width: 40, height: 40 }, 1280, 720)).toEqual({
      x: 0,
      y: 0,
      width: 60,
      height: 60,
    });
    expect(landmarkRegion({ x: 2000, y: 0, width: 40, height: 40 }, 1280, 720)).toBeNull();
  });
});
