import { describe, expect, it } from 'vitest';
import { canvasSmoothing, canvasTransform, contextWarper, type WarpContext } from './canvasWarp';
import { eyesCropAffine, DEFAULT_CROP_CONFIG, mouthCropAffine } from './steps/regionCrops';
import { faceCropAffine } from './steps/alignment';
import { scaling } from './steps/affine';
import { brightCentroid, discs } from '../automation/preprocess/images';
import type { Point, RgbaImage } from './types';

/**
 * A 2D context that draws the way the canvas spec says (written from the spec, not from our
 * Affine): setTransform(a, b, c, d, e, f) maps (x, y) to (a x + c y + e, b x + d y + f);
 * drawImage(image, 0, 0) paints every device pixel whose centre maps back inside the image,
 * sampling it bilinearly between pixel centres (integer + 0.5).
 */
class SpecContext implements WarpContext {
  fillStyle: WarpContext['fillStyle'] = '#000';
  imageSmoothingEnabled = true;
  imageSmoothingQuality: ImageSmoothingQuality = 'low';
  private m = [1, 0, 0, 1, 0, 0];
  readonly pixels: Uint8ClampedArray;

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly source: RgbaImage,
  ) {
    this.pixels = new Uint8ClampedArray(width * height * 4);
  }

  setTransform(...args: unknown[]): void {
    this.m = args.map(Number);
  }

  fillRect(x: number, y: number, w: number, h: number): void {
    expect([x, y, w, h, this.m]).toEqual([0, 0, this.width, this.height, [1, 0, 0, 1, 0, 0]]);
    expect(this.fillStyle).toBe('#000');
    for (let i = 0; i < this.pixels.length; i += 4) this.pixels.set([0, 0, 0, 255], i);
  }

  drawImage(): void {
    const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = this.m;
    const det = a * d - b * c;
    const s = this.source;
    const at = (x: number, y: number, ch: number): number =>
      s.data[
        (Math.min(s.height - 1, Math.max(0, y)) * s.width + Math.min(s.width - 1, Math.max(0, x))) *
          4 +
          ch
      ] ?? 0;
    for (let j = 0; j < this.height; j++) {
      for (let i = 0; i < this.width; i++) {
        const X = i + 0.5 - e;
        const Y = j + 0.5 - f;
        const u = (d * X - c * Y) / det;
        const v = (-b * X + a * Y) / det;
        if (u < 0 || v < 0 || u >= s.width || v >= s.height) continue;
        const x0 = Math.floor(u - 0.5);
        const y0 = Math.floor(v - 0.5);
        const tx = u - 0.5 - x0;
        const ty = v - 0.5 - y0;
        for (let ch = 0; ch < 4; ch++) {
          this.pixels[(j * this.width + i) * 4 + ch] =
            (1 - ty) * ((1 - tx) * at(x0, y0, ch) + tx * at(x0 + 1, y0, ch)) +
            ty * ((1 - tx) * at(x0, y0 + 1, ch) + tx * at(x0 + 1, y0 + 1, ch));
        }
      }
    }
  }

  getImageData(x: number, y: number, w: number, h: number): ImageData {
    expect([x, y, w, h]).toEqual([0, 0, this.width, this.height]);
    return { data: this.pixels, width: w, height: h, colorSpace: 'srgb' } as ImageData;
  }
}

const dist = (p: Point, q: Point): number => Math.hypot(p.x - q.x, p.y - q.y);
const cfg = DEFAULT_CROP_CONFIG;

describe('canvas warper', () => {
  it('passes our affine to setTransform in the canvas order (a, d, b, e, c, f)', () => {
    expect(canvasTransform([1, 2, 3, 4, 5, 6])).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('puts the eye centres at (0.2, 0.6) and (0.8, 0.6) of the eyes crop within 1 px', () => {
    const eyes = { right: { x: 140.3, y: 97.8 }, left: { x: 190.6, y: 122.1 } }; // tilted
    const img = discs(480, 320, [eyes.right, eyes.left], 4);
    const ctx = new SpecContext(224, 224, img);
    const crop = contextWarper(ctx, {} as CanvasImageSource)(eyesCropAffine(eyes, cfg), 224);
    expect(
      dist(brightCentroid(crop, { x: 44.8, y: 134.4 }, 30), { x: 44.8, y: 134.4 }),
    ).toBeLessThan(1);
    expect(
      dist(brightCentroid(crop, { x: 179.2, y: 134.4 }, 30), { x: 179.2, y: 134.4 }),
    ).toBeLessThan(1);
    expect(ctx.imageSmoothingQuality).toBe('low');
  });

  it('puts the mouth corners on the mouth targets and leaves outside the source black', () => {
    const mouth = { right: { x: 201.7, y: 139.2 }, left: { x: 245.3, y: 141.4 } };
    const img = discs(400, 300, [mouth.right, mouth.left], 3);
    const ctx = new SpecContext(224, 224, img);
    const crop = contextWarper(ctx, {} as CanvasImageSource)(mouthCropAffine(mouth, cfg), 224);
    expect(dist(brightCentroid(crop, { x: 56, y: 78.4 }, 30), { x: 56, y: 78.4 })).toBeLessThan(1);
    expect(dist(brightCentroid(crop, { x: 168, y: 78.4 }, 30), { x: 168, y: 78.4 })).toBeLessThan(
      1,
    );
    // A face crop of a face at the image's corner reaches outside the source: black there.
    const face = faceCropAffine(
      { x: 0, y: 0, width: 60, height: 60 },
      { right: { x: 15, y: 20 }, left: { x: 45, y: 20 } },
      cfg,
    );
    const c2 = contextWarper(new SpecContext(224, 224, img), {} as CanvasImageSource)(face, 224);
    expect(Array.from(c2.data.subarray(0, 4))).toEqual([0, 0, 0, 255]);
  });

  it('uses mipmapped smoothing only when the map shrinks by 2 or more', () => {
    expect(canvasSmoothing(scaling(0.6))).toBe('low');
    expect(canvasSmoothing(scaling(0.45))).toBe('medium');
    expect(canvasSmoothing(scaling(3))).toBe('low');
  });
});
