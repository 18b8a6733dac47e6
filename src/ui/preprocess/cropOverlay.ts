import type { Affine, FrameRecord, Point, Region } from '../../preprocess/types';

function apply(m: Affine, p: Point): Point {
  return { x: m[0] * p.x + m[1] * p.y + m[2], y: m[3] * p.x + m[4] * p.y + m[5] };
}

/** The named keypoints of a frame, in one crop's pixels (what the inspector draws). */
export function keypointsInCrop(
  record: FrameRecord,
  region: Region,
): { name: string; at: Point }[] {
  const m = record.affines[region];
  const k = record.keypoints;
  const named: [string, Point | null][] = [
    ['right eye', k.rightEye],
    ['left eye', k.leftEye],
    ['nose tip', k.noseTip],
    ['mouth right', k.mouthRight],
    ['mouth left', k.mouthLeft],
    ['mouth centre', k.mouthCenter],
  ];
  return named
    .filter((n): n is [string, Point] => n[1] !== null)
    .map(([name, p]) => ({ name, at: apply(m, p) }));
}

/** The chosen face box's corners in a crop's pixels (a rotated rectangle after alignment). */
export function boxInCrop(record: FrameRecord, region: Region): Point[] {
  const b = record.faces[record.chosen];
  if (!b) return [];
  const m = record.affines[region];
  return [
    { x: b.x, y: b.y },
    { x: b.x + b.width, y: b.y },
    { x: b.x + b.width, y: b.y + b.height },
    { x: b.x, y: b.y + b.height },
  ].map((p) => apply(m, p));
}

/** The part of a 2-D canvas context the overlay uses (a fake one in unit tests). */
export interface OverlayContext {
  strokeStyle: string | CanvasGradient | CanvasPattern;
  fillStyle: string | CanvasGradient | CanvasPattern;
  lineWidth: number;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  closePath(): void;
  stroke(): void;
  arc(x: number, y: number, radius: number, startAngle: number, endAngle: number): void;
  fill(): void;
}

export interface OverlayStyle {
  boxColour: string;
  keypointColour: string;
  /** Sizes are given for a 224 px crop and scaled with the crop's side. */
  boxWidth: number;
  keypointRadius: number;
  /** Never thinner / smaller than this many pixels (small crops stay readable). */
  minPixels: number;
}

export const OVERLAY_STYLE: OverlayStyle = {
  boxColour: '#38a169',
  keypointColour: '#e53e3e',
  boxWidth: 2,
  keypointRadius: 3,
  minPixels: 2,
};

/**
 * Draws the face box and the keypoints over a crop already drawn at `side` x `side` pixels.
 * The side is passed in, not read from the image: an ImageBitmap reads 0 x 0 once closed, and
 * a radius of 0 once drew no keypoint at all (issue 17 item 8). Returns the keypoints drawn.
 */
export function drawOverlay(
  ctx: OverlayContext,
  record: FrameRecord,
  region: Region,
  side: number,
  style: OverlayStyle = OVERLAY_STYLE,
): { name: string; at: Point }[] {
  const s = side / 224;
  ctx.strokeStyle = style.boxColour;
  ctx.lineWidth = Math.max(style.minPixels / 2, style.boxWidth * s);
  const box = boxInCrop(record, region);
  if (box.length > 0) {
    ctx.beginPath();
    box.forEach((p, i) => (i === 0 ? ctx.moveTo(p.x, p.y) : ctx.lineTo(p.x, p.y)));
    ctx.closePath();
    ctx.stroke();
  }
  ctx.fillStyle = style.keypointColour;
  const radius = Math.max(style.minPixels, style.keypointRadius * s);
  const inside = keypointsInCrop(record, region).filter(
    (k) => k.at.x >= 0 && k.at.y >= 0 && k.at.x <= side && k.at.y <= side,
  );
  for (const k of inside) {
    ctx.beginPath();
    ctx.arc(k.at.x, k.at.y, radius, 0, 2 * Math.PI);
    ctx.fill();
  }
  return inside;
}
