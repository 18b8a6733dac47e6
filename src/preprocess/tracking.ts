/**
 * Face tracks across an item's sampled frames (issue 18.2): which face box of frame t is the
 * same person as which of frame t - 1. Greedy association of consecutive boxes by centre
 * distance (relative to the larger box's side) or IoU, with a few frames' grace for a face
 * the detector missed. Pure: it sees only the boxes per frame (the stored faceLog), so a
 * stored item's tracks can be recomputed without decoding it again.
 */

export interface TrackConfig {
  /** Boxes overlapping at least this much (IoU) are the same face... */
  minIou: number;
  /**
   * ... and so are boxes whose centres are closer than this fraction of the larger box's
   * side (a face that grows or shrinks in place, e.g. a cut to a close-up, has a low IoU).
   */
  maxCentreShift: number;
  /** A track not seen for more than this many sampled frames ends (a new one starts). */
  maxGap: number;
}

export const DEFAULT_TRACK_CONFIG: TrackConfig = { minIou: 0.3, maxCentreShift: 0.5, maxGap: 2 };

export interface TrackBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

function iou(a: TrackBox, b: TrackBox): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/** Centre distance over the larger side of the two boxes. */
function centreShift(a: TrackBox, b: TrackBox): number {
  const dx = a.x + a.width / 2 - (b.x + b.width / 2);
  const dy = a.y + a.height / 2 - (b.y + b.height / 2);
  const side = Math.max(a.width, a.height, b.width, b.height, 1e-9);
  return Math.hypot(dx, dy) / side;
}

/**
 * Track ids per frame and box: `ids[t][j]` is the track of `frames[t][j]`. Ids count from 0
 * in order of first appearance. Each frame's boxes are matched to the tracks alive (seen in
 * the last maxGap + 1 frames) closest pair first (by centre shift, then IoU); a box left
 * unmatched starts a new track.
 */
export function trackFaces(
  frames: readonly (readonly TrackBox[])[],
  config: TrackConfig = DEFAULT_TRACK_CONFIG,
): number[][] {
  const tracks: { box: TrackBox; last: number }[] = [];
  return frames.map((boxes, t) => {
    const ids = boxes.map(() => -1);
    const pairs: { track: number; box: number; shift: number; iou: number }[] = [];
    tracks.forEach((tr, k) => {
      if (t - tr.last > config.maxGap + 1) return;
      boxes.forEach((b, j) => {
        const shift = centreShift(tr.box, b);
        const o = iou(tr.box, b);
        if (o >= config.minIou || shift <= config.maxCentreShift)
          pairs.push({ track: k, box: j, shift, iou: o });
      });
    });
    pairs.sort((a, b) => a.shift - b.shift || b.iou - a.iou);
    const used = new Set<number>();
    for (const p of pairs) {
      if (used.has(p.track) || ids[p.box] !== -1) continue;
      used.add(p.track);
      ids[p.box] = p.track;
    }
    boxes.forEach((b, j) => {
      const id = ids[j] ?? -1;
      if (id >= 0) {
        tracks[id] = { box: b, last: t };
      } else {
        ids[j] = tracks.length;
        tracks.push({ box: b, last: t });
      }
    });
    return ids;
  });
}
