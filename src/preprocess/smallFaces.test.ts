import { describe, expect, it } from 'vitest';
import { findSmallFaces, type SmallFaceDeps } from './smallFaces';
import type { Tile } from './steps/tiles';
import type { FaceResult } from './types';

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

/**
 * A fake detector over a 1280 x 926 frame holding `truth` faces: a tile sees a face when the
 * face lies whole inside it, or cut (a partial box) when it straddles the tile's edge.
 */
function fakeDeps(truth: FaceResult[]): SmallFaceDeps & { tiles: Tile[]; regions: Tile[] } {
  const tiles: Tile[] = [];
  const regions: Tile[] = [];
  return {
    tiles,
    regions,
    detectTile: (tile) => {
      tiles.push(tile);
      const out: FaceResult[] = [];
      for (const f of truth) {
        const x0 = Math.max(f.box.x, tile.x);
        const y0 = Math.max(f.box.y, tile.y);
        const x1 = Math.min(f.box.x + f.box.width, tile.x + tile.width);
        const y1 = Math.min(f.box.y + f.box.height, tile.y + tile.height);
        if (x1 - x0 < f.box.width / 3 || y1 - y0 < f.box.height / 3) continue;
        const g = face(x0 - tile.x, y0 - tile.y, 1, f.score);
        out.push({ ...g, box: { ...g.box, width: x1 - x0, height: y1 - y0 } });
      }
      return Promise.resolve(out);
    },
    landmarks: (region) => {
      regions.push(region);
      return Promise.resolve([{ x: region.x, y: region.y, z: 0 }]);
    },
  };
}

const FRAME = { width: 1280, height: 926, detectSide: 640, scale: 2 };

describe('findSmallFaces', () => {
  const truth = [face(300, 290, 45), face(700, 500, 55), face(1200, 850, 50)];

  it('finds every small face once when the whole-frame pass found none', async () => {
    const deps = fakeDeps(truth);
    const r = await findSmallFaces([], FRAME, 'auto', deps);
    expect(r.tiles).toBe(deps.tiles.length);
    expect(r.tiles).toBeGreaterThan(1);
    expect(r.faces.map((f) => f.box).sort((a, b) => a.x - b.x)).toEqual(truth.map((f) => f.box));
    // The chosen (largest) face got landmarks from its own region, and only it.
    expect(deps.regions).toHaveLength(1);
    const chosen = r.faces.find((f) => f.box.width === 55);
    expect(chosen?.landmarks).not.toBeNull();
    expect(r.faces.filter((f) => f.landmarks !== null)).toHaveLength(1);
  });

  it('keeps no weak box a tile found on a frame without a face (a test pattern scored 0.55-0.65)', async () => {
    const weak = [face(300, 290, 45, 0.62), face(700, 500, 55, 0.69)];
    const r = await findSmallFaces([], FRAME, 'auto', fakeDeps(weak));
    expect(r.tiles).toBeGreaterThan(1);
    expect(r.faces).toEqual([]);
    // A real small face's score (0.74 and more in generated group frames) passes.
    const kept = await findSmallFaces([], FRAME, 'auto', fakeDeps([face(300, 290, 45, 0.74)]));
    expect(kept.faces).toHaveLength(1);
  });

  it("the settings' minTileScore replaces the default threshold (the Preprocess panel's setting)", async () => {
    const weak = [face(300, 290, 45, 0.62)];
    const settings = { tiledDetection: 'auto', minTileScore: 0.6 } as const;
    expect((await findSmallFaces([], FRAME, settings, fakeDeps(weak))).faces).toHaveLength(1);
    const strict = { tiledDetection: 'auto', minTileScore: 0.9 } as const;
    const real = [face(300, 290, 45, 0.8)];
    expect((await findSmallFaces([], FRAME, strict, fakeDeps(real))).faces).toEqual([]);
  });

  it("skips the tiles in 'auto' when the whole-frame pass found a large face", async () => {
    const big = { ...face(400, 200, 300), landmarks: [{ x: 1, y: 1, z: 0 }] };
    const deps = fakeDeps(truth);
    const r = await findSmallFaces([big], FRAME, 'auto', deps);
    expect(r).toEqual({ faces: [big], tiles: 0, regionLandmarks: false });
    expect(deps.tiles).toEqual([]);
    // 'always' tiles anyway, and the large face stays the chosen one.
    const always = await findSmallFaces([big], FRAME, 'always', fakeDeps(truth));
    expect(always.tiles).toBeGreaterThan(1);
    expect(always.faces[0]).toBe(big);
    expect(always.faces).toHaveLength(4);
  });

  it('redoes the landmarks of a chosen face that was small in the detection copy', async () => {
    const coarse = [{ x: -1, y: -1, z: 0 }];
    const small = { ...face(300, 290, 60), landmarks: coarse };
    const deps = fakeDeps([]);
    const r = await findSmallFaces([small], FRAME, 'auto', deps);
    expect(deps.regions).toEqual([{ x: 270, y: 260, width: 120, height: 120 }]);
    expect(r.faces[0]?.landmarks).toEqual([{ x: 270, y: 260, z: 0 }]);
    // A large face keeps its own.
    const big = { ...face(300, 290, 200), landmarks: coarse };
    const again = fakeDeps([]);
    expect((await findSmallFaces([big], FRAME, 'auto', again)).faces[0]?.landmarks).toBe(coarse);
    expect(again.regions).toEqual([]);
  });

  it("'off' keeps the whole-frame faces", async () => {
    const deps = fakeDeps(truth);
    const r = await findSmallFaces([], FRAME, 'off', deps);
    expect(r.faces).toEqual([]);
    expect(deps.tiles).toEqual([]);
  });
});
