import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { warpAffine } from '../../src/preprocess/steps/warp';
import type { RgbaImage } from '../../src/preprocess/types';
import { FFMPEG, ffmpeg } from './ffmpeg';

/**
 * Generated group frames for the small-face tests (docs/preprocessing.md, "Small faces"):
 * the shipped demo portraits (public/demo/faces), each cut around its face and scaled so
 * that its face box is `side` px, pasted on a grey 1280 x 926 canvas (the size of the 1927
 * group photograph of issue 18) at seeded positions, some mirrored. The face boxes of the
 * portraits are what the app's detector finds on them at full size (preprocess-media), so the
 * pasted boxes are the ground truth at the same convention.
 */
export const GROUP_WIDTH = 1280;
export const GROUP_HEIGHT = 926;

interface Portrait {
  file: string;
  /** The detector's face box on the full-size portrait, px. */
  box: { x: number; y: number; width: number; height: number };
}

const DEMO = path.resolve('public/demo/faces');
export const PORTRAITS: readonly Portrait[] = [
  { file: path.join(DEMO, 'astronaut.png'), box: { x: 173, y: 67, width: 103, height: 103 } },
  { file: path.join(DEMO, 'ousterhout.png'), box: { x: 13, y: 46, width: 104, height: 103 } },
  { file: path.join(DEMO, 'grace_hopper.jpg'), box: { x: 166, y: 130, width: 199, height: 199 } },
];

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** mulberry32: a small seeded generator (the same seed gives the same frame). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An image's RGBA pixels through Debian's ffmpeg / ffprobe. */
export function readRgba(file: string): RgbaImage {
  const [width = 0, height = 0] = execFileSync('/usr/bin/ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height',
    '-of',
    'csv=p=0',
    file,
  ])
    .toString()
    .trim()
    .split(',')
    .map(Number);
  const raw = execFileSync(
    FFMPEG,
    ['-hide_banner', '-loglevel', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'],
    { maxBuffer: 1 << 28 },
  );
  return { width, height, data: new Uint8ClampedArray(raw.buffer, raw.byteOffset, raw.length) };
}

/** Writes RGBA pixels as a PNG through ffmpeg. */
export function writePng(image: RgbaImage, file: string): void {
  const raw = `${file}.rgba`;
  writeFileSync(raw, image.data);
  ffmpeg([
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgba',
    '-s',
    `${image.width}x${image.height}`,
    '-i',
    raw,
    '-frames:v',
    '1',
    file,
  ]);
  rmSync(raw);
}

/** A grey canvas with a soft horizontal gradient (not flat: a flat field is too easy). */
function canvas(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const v = 90 + Math.round((60 * x) / width + (20 * y) / height);
      data[i] = v;
      data[i + 1] = v;
      data[i + 2] = v + 8;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

/**
 * Pastes portrait `p` so that its face box becomes `side` px with its top-left at (fx, fy),
 * the cut reaching `margin` face sides around the box (hair, shoulders); returns the box.
 */
function paste(
  dst: RgbaImage,
  src: RgbaImage,
  p: Portrait,
  side: number,
  fx: number,
  fy: number,
  mirror: boolean,
  margin = 0.6,
): Box {
  const k = side / p.box.width;
  const height = Math.round(p.box.height * k);
  const pad = Math.round(margin * side);
  const w = side + 2 * pad;
  const h = height + 2 * pad;
  // Source -> patch: u = k * (x - box.x) + pad, v = k * (y - box.y) + pad.
  // Mirrored: u -> w - u (pixel centres at integer + 0.5), the box stays at [pad, pad + side].
  const m = mirror
    ? ([-k, 0, w - pad + k * p.box.x, 0, k, pad - k * p.box.y] as const)
    : ([k, 0, pad - k * p.box.x, 0, k, pad - k * p.box.y] as const);
  // Shape: patch is w x h RGBA, copied with its top-left at (fx - pad, fy - pad).
  const patch = warpAffine(src, m, { width: w, height: h });
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      const x = fx - pad + u;
      const y = fy - pad + v;
      if (x < 0 || y < 0 || x >= dst.width || y >= dst.height) continue;
      const si = (v * w + u) * 4;
      const di = (y * dst.width + x) * 4;
      dst.data[di] = patch.data[si] ?? 0;
      dst.data[di + 1] = patch.data[si + 1] ?? 0;
      dst.data[di + 2] = patch.data[si + 2] ?? 0;
    }
  }
  return { x: fx, y: fy, width: side, height };
}

export interface GroupFrame {
  width: number;
  height: number;
  faces: Box[];
}

/**
 * Writes a group frame to `file`: `count` faces of `minSide`-`maxSide` px on a jittered
 * grid (one face per cell, cells of GROUP_WIDTH / cols px), portraits taken in turn, every
 * other one mirrored. Returns the ground-truth face boxes.
 */
export function makeGroupFrame(
  file: string,
  opts: { seed: number; cols?: number; rows?: number; minSide?: number; maxSide?: number },
): GroupFrame {
  const { seed, cols = 7, rows = 4, minSide = 40, maxSide = 60 } = opts;
  const random = rng(seed);
  const sources = PORTRAITS.map((p) => readRgba(p.file));
  const dst = canvas(GROUP_WIDTH, GROUP_HEIGHT);
  const cw = GROUP_WIDTH / cols;
  const ch = GROUP_HEIGHT / rows;
  const faces: Box[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const n = r * cols + c;
      const i = n % PORTRAITS.length;
      const p = PORTRAITS[i];
      const src = sources[i];
      if (!p || !src) continue;
      const side = Math.round(minSide + random() * (maxSide - minSide));
      // The face box anywhere in the cell's middle, so neighbours' cuts do not cover it.
      const fx = Math.round(c * cw + (cw - side) * (0.3 + 0.4 * random()));
      const fy = Math.round(r * ch + (ch - side) * (0.3 + 0.4 * random()));
      faces.push(paste(dst, src, p, side, fx, fy, n % 2 === 1));
    }
  }
  writePng(dst, file);
  return { width: GROUP_WIDTH, height: GROUP_HEIGHT, faces };
}

/**
 * Writes a frame of `size` to `file` with, for each of `faces`, portrait `index` pasted so
 * that its face box is `side` px with its top-left at (x, y). Returns the face boxes and the
 * maps from each portrait's pixels to the frame's.
 */
export function makePortraitFrame(
  file: string,
  faces: readonly { index: number; side: number; x: number; y: number }[],
  size: { width: number; height: number },
): { boxes: Box[]; maps: ((p: { x: number; y: number }) => { x: number; y: number })[] } {
  const dst = canvas(size.width, size.height);
  const boxes: Box[] = [];
  const maps: ((p: { x: number; y: number }) => { x: number; y: number })[] = [];
  for (const f of faces) {
    const p = PORTRAITS[f.index];
    if (!p) throw new Error(`no portrait ${f.index}`);
    boxes.push(paste(dst, readRgba(p.file), p, f.side, f.x, f.y, false));
    const k = f.side / p.box.width;
    maps.push((q) => ({ x: f.x + k * (q.x - p.box.x), y: f.y + k * (q.y - p.box.y) }));
  }
  writePng(dst, file);
  return { boxes, maps };
}

/** Recall: the share of `truth` boxes matched (IoU >= minIou) by a distinct found box. */
export function recall(truth: readonly Box[], found: readonly Box[], minIou = 0.3): number {
  const iou = (a: Box, b: Box): number => {
    const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
    const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
    if (w <= 0 || h <= 0) return 0;
    const inter = w * h;
    return inter / (a.width * a.height + b.width * b.height - inter);
  };
  const taken = new Set<number>();
  let hits = 0;
  for (const t of truth) {
    let best = -1;
    let bestIou = minIou;
    found.forEach((f, j) => {
      const o = iou(t, f);
      if (!taken.has(j) && o >= bestIou) {
        best = j;
        bestIou = o;
      }
    });
    if (best >= 0) {
      taken.add(best);
      hits++;
    }
  }
  return truth.length === 0 ? 1 : hits / truth.length;
}
