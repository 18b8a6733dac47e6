import { describe, expect, it } from 'vitest';
import { beardTriangles, drawGlasses } from './appearance';
import type { RgbaImage } from './warp';

function grey(size: number, v: number): RgbaImage {
  const data = new Uint8ClampedArray(4 * size * size).fill(v);
  return { width: size, height: size, data };
}

describe('beardTriangles', () => {
  it('keeps triangles whose three landmarks are all in jaw or chin and off the lips', () => {
    const w = (vals: number[]) => Float32Array.from(vals);
    const weights = {
      jaw: w([1, 1, 0, 1, 0, 1]),
      chin: w([0, 0, 1, 0, 0, 0]),
      upperLip: w([0, 0, 0, 0, 0, 0]),
      lowerLip: w([0, 0, 0, 0, 0, 0.8]),
    };
    // Triangle 0: 0,1,2 (all beard); 1: 1,2,4 (4 is not); 2: 0,3,6 (6 is a fixed ring point);
    // 3: 0,1,5 (5 is on the lower lip).
    const tris = Uint32Array.from([0, 1, 2, 1, 2, 4, 0, 3, 6, 0, 1, 5]);
    expect([...beardTriangles(tris, 6, weights)]).toEqual([0]);
  });
});

describe('drawGlasses', () => {
  it('darkens the rims and the bridge, and nothing far from them', () => {
    const img = grey(64, 200);
    drawGlasses(img, { centres: [20, 32, 44, 32], radius: 8, width: 2, colour: [0, 0, 0] });
    const at = (x: number, y: number): number => img.data[4 * (y * 64 + x)] ?? -1;
    expect(at(28, 32)).toBeLessThan(60); // on the right rim, towards the bridge
    expect(at(32, 32)).toBeLessThan(60); // the bridge
    expect(at(20, 24)).toBeLessThan(60); // top of the first rim
    expect(at(20, 32)).toBe(200); // inside the lens
    expect(at(5, 5)).toBe(200);
    expect(at(32, 50)).toBe(200);
  });
});
