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
