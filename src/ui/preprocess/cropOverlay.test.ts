import { describe, expect, it } from 'vitest';
import type { Affine, FrameRecord } from '../../preprocess/types';
import { drawOverlay, keypointsInCrop, OVERLAY_STYLE, type OverlayContext } from './cropOverlay';

/** A canvas context that fills circles into an RGBA buffer (strokes are only counted). */
class RasterContext implements OverlayContext {
  strokeStyle: OverlayContext['strokeStyle'] = '#000';
  fillStyle: OverlayContext['fillStyle'] = '#000';
  lineWidth = 1;
  strokes = 0;
  readonly data: Uint8ClampedArray;
  private circles: { x: number; y: number; r: number }[] = [];
  constructor(readonly side: number) {
    this.data = new Uint8ClampedArray(side * side * 4);
  }
  beginPath(): void {
    this.circles = [];
  }
  moveTo(): void {}
  lineTo(): void {}
  closePath(): void {}
  stroke(): void {
    this.strokes++;
  }
  arc(x: number, y: number, r: number): void {
    this.circles.push({ x, y, r });
  }
  fill(): void {
    const hex = typeof this.fillStyle === 'string' ? this.fillStyle : '#000000';
    const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    for (const c of this.circles) {
      for (let y = 0; y < this.side; y++) {
        for (let x = 0; x < this.side; x++) {
          // Pixel centres at integer + 0.5, as on a canvas.
          if ((x + 0.5 - c.x) ** 2 + (y + 0.5 - c.y) ** 2 > c.r * c.r) continue;
          this.data.set([...rgb, 255], (y * this.side + x) * 4);
        }
      }
    }
  }
  pixel(x: number, y: number): number[] {
    const i = (Math.floor(y) * this.side + Math.floor(x)) * 4;
    return [...this.data.slice(i, i + 4)];
  }
  count(rgb: number[]): number {
    let n = 0;
    for (let i = 0; i < this.data.length; i += 4)
      if (this.data[i] === rgb[0] && this.data[i + 1] === rgb[1] && this.data[i + 2] === rgb[2])
        n++;
    return n;
  }
}

const SIDE = 112;
const RED = [0xe5, 0x3e, 0x3e];

/** Scale s and shift (tx, ty): source -> crop. */
const affine = (s: number, tx: number, ty: number): Affine => [s, 0, tx, 0, s, ty];

/** A face in a 640 x 360 frame; the eyes crop puts the eyes at (0.2, 0.6) and (0.8, 0.6). */
const record: FrameRecord = {
  frameIndex: 0,
  timestampSec: 0,
  sourceWidth: 640,
  sourceHeight: 360,
  faces: [{ x: 250, y: 100, width: 140, height: 140 }],
  scores: [0.9],
  chosen: 0,
  keypoints: {
    rightEye: { x: 280, y: 150 },
    leftEye: { x: 340, y: 150 },
    noseTip: { x: 310, y: 180 },
    mouthRight: { x: 290, y: 210 },
    mouthLeft: { x: 330, y: 210 },
    mouthCenter: { x: 310, y: 210 },
  },
  angleDeg: 0,
  affines: {
    face: affine(SIDE / 140, (-250 * SIDE) / 140, (-100 * SIDE) / 140),
    // 60 px between the eyes -> 0.6 * 112 px; right eye (280, 150) -> (22.4, 67.2).
    eyes: affine(
      (0.6 * SIDE) / 60,
      22.4 - ((0.6 * SIDE) / 60) * 280,
      67.2 - ((0.6 * SIDE) / 60) * 150,
    ),
    // Mouth corners 40 px apart -> 0.5 * 112 px, centred.
    mouth: affine(
      (0.5 * SIDE) / 40,
      56 - ((0.5 * SIDE) / 40) * 310,
      56 - ((0.5 * SIDE) / 40) * 210,
    ),
  },
  lightnessBefore: 0.5,
  lightnessAfter: 0.5,
};

describe('the inspector overlay', () => {
  it('maps the keypoints through each crop’s affine', () => {
    const eyes = keypointsInCrop(record, 'eyes');
    const right = eyes.find((k) => k.name === 'right eye');
    const left = eyes.find((k) => k.name === 'left eye');
    expect(right?.at.x).toBeCloseTo(0.2 * SIDE, 6);
    expect(right?.at.y).toBeCloseTo(0.6 * SIDE, 6);
    expect(left?.at.x).toBeCloseTo(0.8 * SIDE, 6);
    const mouth = keypointsInCrop(record, 'mouth');
    expect(mouth.find((k) => k.name === 'mouth centre')?.at).toEqual({ x: 56, y: 56 });
  });

  it('draws every keypoint inside a crop as marker-coloured pixels, on face, eyes and mouth', () => {
    for (const region of ['face', 'eyes', 'mouth'] as const) {
      const ctx = new RasterContext(SIDE);
      const drawn = drawOverlay(ctx, record, region, SIDE);
      expect(drawn.length, region).toBeGreaterThan(0);
      expect(ctx.strokes, `${region} box`).toBe(1);
      for (const k of drawn)
        expect(ctx.pixel(k.at.x, k.at.y), `${region} ${k.name}`).toEqual([...RED, 255]);
      // At least the area of the minimum radius per keypoint (overlaps aside).
      expect(ctx.count(RED)).toBeGreaterThanOrEqual(drawn.length * 4);
    }
    expect(OVERLAY_STYLE.keypointColour).toBe('#e53e3e');
  });

  it('keeps markers visible on small crops and skips keypoints outside the crop', () => {
    const ctx = new RasterContext(SIDE);
    const drawn = drawOverlay(ctx, record, 'eyes', SIDE);
    // The mouth lies below the eyes crop: y = 67.2 + 1.12 * 60 = 134.4 > 112.
    expect(drawn.map((k) => k.name)).toEqual(['right eye', 'left eye', 'nose tip']);
    const tiny = new RasterContext(32);
    drawOverlay(
      tiny,
      {
        ...record,
        affines: {
          ...record.affines,
          face: affine(32 / 140, (-250 * 32) / 140, (-100 * 32) / 140),
        },
      },
      'face',
      32,
    );
    expect(tiny.count(RED)).toBeGreaterThan(0);
  });
});
