/**
 * Crops cut with OffscreenCanvas instead of JS loops (the worker's warper): the canvas's
 * transform is the crop's affine, and drawImage samples the frame natively (Skia: bilinear;
 * with mipmaps when the map shrinks by 2 or more, standing in for warpAffine's box
 * prefilter). Conventions match warpAffine: canvas coordinates put pixel centres at
 * integer + 0.5, as ours do, and the canvas is filled black first, so outside the source is
 * black. About 0.6 ms per 224 px crop against 3 ms in JS (docs/preprocessing.md, "Speed").
 */
import type { CropWarper } from './crops';
import { warpPlan } from './steps/warp';
import type { Affine } from './types';

/**
 * The arguments of CanvasRenderingContext2D.setTransform(a, b, c, d, e, f) for our affine
 * [a, b, c, d, e, f] (x' = a x + b y + c, y' = d x + e y + f): canvas's x' = a x + c y + e,
 * y' = b x + d y + f, so the order is a, d, b, e, c, f.
 */
export function canvasTransform(m: Affine): [number, number, number, number, number, number] {
  return [m[0], m[3], m[1], m[4], m[2], m[5]];
}

/** Smoothing for `m`: plain bilinear unless the map shrinks by 2 or more. */
export function canvasSmoothing(m: Affine): ImageSmoothingQuality {
  return warpPlan(m).prefilter >= 2 ? 'medium' : 'low';
}

/** The 2D context calls the warper makes (so tests can record them). */
export type WarpContext = Pick<
  OffscreenCanvasRenderingContext2D,
  'setTransform' | 'fillRect' | 'drawImage' | 'getImageData'
> & {
  fillStyle: OffscreenCanvasRenderingContext2D['fillStyle'];
  imageSmoothingEnabled: boolean;
  imageSmoothingQuality: ImageSmoothingQuality;
};

/** A warper drawing `image` through `context` (a canvas at least size x size). */
export function contextWarper(context: WarpContext, image: CanvasImageSource): CropWarper {
  return (m, size) => {
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.fillStyle = '#000';
    context.fillRect(0, 0, size, size);
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = canvasSmoothing(m);
    context.setTransform(...canvasTransform(m));
    context.drawImage(image, 0, 0);
    context.setTransform(1, 0, 0, 1, 0, 0);
    const data = context.getImageData(0, 0, size, size).data;
    return { width: size, height: size, data };
  };
}

let canvas: OffscreenCanvas | null = null;
let context: OffscreenCanvasRenderingContext2D | null = null;

/** The worker's warper for one frame: one reused OffscreenCanvas per crop size. */
export function canvasWarper(image: CanvasImageSource): CropWarper {
  return (m, size) => {
    if (!canvas || !context || canvas.width !== size || canvas.height !== size) {
      canvas = new OffscreenCanvas(size, size);
      context = canvas.getContext('2d', { willReadFrequently: true });
      if (!context) throw new Error('no 2d context on OffscreenCanvas');
    }
    return contextWarper(context, image)(m, size);
  };
}
