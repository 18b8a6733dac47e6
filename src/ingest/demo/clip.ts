/**
 * Renders clips: composes the pure steps (identity, expression, course, motion, warp,
 * photometric) into RGBA frames. Knows nothing of workers, canvases or JPEG.
 *
 * Per frame: landmark displacement (face coordinates) = base neutralisation + identity shape
 * + intensity(t) x expression; destination points = view(t)(neutral + displacement), where
 * view(t) is the clip's head motion (roll, translation, zoom, mirror) into the output frame;
 * the fixed ring and frame points go through view(t) undisplaced. The base photo is then
 * warped piecewise-affinely onto the destination mesh, the open mouth (if the jaw drops) is
 * shaded dark, and the photometric steps run.
 */
import { type DemoClass } from './classes';
import { beardTriangles, drawGlasses } from './appearance';
import { drawCourse, intensities, type ExpressionCourse } from './course';
import { auDisplacement, expressionMix, neutralisingMix, sidesOf, type AuMix } from './expressions';
import { ANCHOR, faceFrameOf, toFaceCoords, type FaceFrame, type Points } from './geometry';
import { drawIdentity, identityDisplacement, type IdentityParams } from './identity';
import { buildMesh, fixedPointsUv, RING_CENTRE_V, type WarpMesh } from './mesh';
import { applyPhotometric, drawLighting, type Lighting } from './photometric';
import type { ClipSpec } from './planner';
import { faceAnchors, regionWeights, type FaceAnchors, type RegionWeights } from './regions';
import { createRng, deriveSeed, type Rng } from './rng';
import { warpPiecewiseAffine, type RgbaImage, type WarpShade } from './warp';

/** A base photo made ready once: its landmarks in face coordinates, regions and mesh. */
export interface PreparedFace {
  image: RgbaImage;
  landmarks: Points;
  frame: FaceFrame;
  uv: Float64Array;
  anchors: FaceAnchors;
  weights: RegionWeights;
  sides: Float32Array;
  mesh: WarpMesh;
  /** Displacement that makes the photo neutral (closes an open mouth, flattens a smile). */
  neutral: Float64Array;
  /** Triangles (by number) spanning the gap between the inner lips. */
  mouthTriangles: Uint32Array;
  /** Triangles a beard shades (appearance.ts), the mouth's gap excluded. */
  beardTriangles: Uint32Array;
}

export function prepareFace(image: RgbaImage, landmarks: Points): PreparedFace {
  const frame = faceFrameOf(landmarks);
  const uv = toFaceCoords(frame, landmarks);
  const anchors = faceAnchors(uv);
  const weights = regionWeights(uv, anchors);
  const sides = sidesOf(uv, anchors.mouthU);
  const mesh = buildMesh(landmarks, frame);
  const neutral = auDisplacement(weights, sides, neutralisingMix(anchors), 1);
  const n = mesh.landmarkCount;
  const mouth: number[] = [];
  const inMouth = (i: number): boolean => {
    if (i >= n) return false;
    const u = uv[2 * i] ?? 0;
    const v = uv[2 * i + 1] ?? 0;
    return (
      Math.abs(u - anchors.mouthU) < 0.9 * anchors.mouthHalfWidth &&
      v > anchors.upperLipInnerV - 0.03 &&
      v < anchors.lowerLipInnerV + 0.03
    );
  };
  const t = mesh.triangles;
  for (let k = 0; k < t.length; k += 3) {
    const ids = [t[k] ?? 0, t[k + 1] ?? 0, t[k + 2] ?? 0];
    if (!ids.every(inMouth)) continue;
    const vs = ids.map((i) => uv[2 * i + 1] ?? 0);
    if (vs.some((v) => v < anchors.mouthV) && vs.some((v) => v > anchors.mouthV)) mouth.push(k / 3);
  }
  const mouthSet = new Set(mouth);
  const beard = beardTriangles(t, n, weights).filter((tri) => !mouthSet.has(tri));
  return {
    image,
    landmarks,
    frame,
    uv,
    anchors,
    weights,
    sides,
    mesh,
    neutral,
    mouthTriangles: Uint32Array.from(mouth),
    beardTriangles: beard,
  };
}

/** Head motion over a clip (fractions of the frame, radians). */
export interface Motion {
  /** Inter-ocular distance as a fraction of the frame width. */
  faceFraction: number;
  roll: number;
  rollAmplitude: number;
  x: number;
  y: number;
  xAmplitude: number;
  yAmplitude: number;
  /** Relative change of scale from the first frame to the last. */
  zoom: number;
  /** Cycles of sway per clip, and its phase. */
  frequency: number;
  phase: number;
}

export const STILL: Motion = {
  faceFraction: 0.3,
  roll: 0,
  rollAmplitude: 0,
  x: 0,
  y: 0,
  xAmplitude: 0,
  yAmplitude: 0,
  zoom: 0,
  frequency: 0,
  phase: 0,
};

export function drawMotion(rng: Rng, identityScale: number): Motion {
  const deg = Math.PI / 180;
  return {
    faceFraction: rng.uniform(0.27, 0.33) * identityScale,
    roll: rng.normal() * 3 * deg,
    rollAmplitude: rng.uniform(0, 4) * deg,
    x: rng.uniform(-0.04, 0.04),
    y: rng.uniform(-0.04, 0.04),
    xAmplitude: rng.uniform(0, 0.04),
    yAmplitude: rng.uniform(0, 0.03),
    zoom: rng.uniform(-0.08, 0.08),
    frequency: rng.uniform(0.3, 1),
    phase: rng.uniform(0, 2 * Math.PI),
  };
}

/** Everything random about one clip, drawn from its seed. */
export interface ClipParams {
  identity: IdentityParams;
  mix: AuMix;
  course: ExpressionCourse;
  motion: Motion;
  lighting: Lighting & { dark: boolean };
  blurSigma: number;
  noiseSigma: number;
}

export function drawClipParams(datasetSeed: number, clip: ClipSpec, photos: number): ClipParams {
  const identity = drawIdentity(
    createRng(deriveSeed(datasetSeed, 'identity', clip.identity)),
    photos,
    clip.identity,
  );
  const rng = createRng(clip.seed);
  const mix = expressionMix(clip.cls, () => rng.uniform(0.8, 1.2));
  const course = drawCourse(rng);
  const motion = drawMotion(rng, identity.scale);
  const lighting = drawLighting(rng, clip.cls);
  return {
    identity,
    mix,
    course,
    motion,
    lighting,
    blurSigma: rng.chance(0.3) ? 0 : rng.uniform(0.2, 1.3),
    noiseSigma: rng.uniform(1, 7),
  };
}

/** Destination points (output pixels) of the displaced landmarks and the fixed points. */
export function viewPoints(
  face: PreparedFace,
  disp: Float64Array,
  motion: Motion,
  mirror: boolean,
  t: number,
  size: number,
): Points {
  const n = face.mesh.landmarkCount;
  const fixed = fixedPointsUv();
  const out = new Float64Array(face.mesh.points.length);
  const sway = 2 * Math.PI * motion.frequency * t + motion.phase;
  const roll = motion.roll + motion.rollAmplitude * Math.sin(sway);
  const cx = size * (0.5 + motion.x + motion.xAmplitude * Math.sin(sway + 1.3));
  const cy = size * (0.5 + motion.y + motion.yAmplitude * Math.sin(sway + 2.1));
  const k = size * motion.faceFraction * (1 + motion.zoom * t);
  const cos = Math.cos(roll);
  const sin = Math.sin(roll);
  const m = mirror ? -1 : 1;
  const total = out.length / 2;
  for (let i = 0; i < total; i++) {
    let u: number;
    let v: number;
    if (i < n) {
      u = (face.uv[2 * i] ?? 0) + (disp[2 * i] ?? 0);
      v = (face.uv[2 * i + 1] ?? 0) + (disp[2 * i + 1] ?? 0);
    } else {
      u = fixed[2 * (i - n)] ?? 0;
      v = fixed[2 * (i - n) + 1] ?? 0;
    }
    const x = m * u;
    const y = v - RING_CENTRE_V;
    out[2 * i] = cx + k * (cos * x - sin * y);
    out[2 * i + 1] = cy + k * (sin * x + cos * y);
  }
  return out;
}

/** The inner-lip gap (in D) after displacement `disp`. */
export function mouthOpening(face: PreparedFace, disp: Float64Array): number {
  const v13 =
    (face.uv[2 * ANCHOR.upperLipInner + 1] ?? 0) + (disp[2 * ANCHOR.upperLipInner + 1] ?? 0);
  const v14 =
    (face.uv[2 * ANCHOR.lowerLipInner + 1] ?? 0) + (disp[2 * ANCHOR.lowerLipInner + 1] ?? 0);
  return v14 - v13;
}

/** Warps the face for one frame: displacement = neutral + identity + intensity x mix. */
export function warpFrame(
  face: PreparedFace,
  identity: IdentityParams | null,
  mix: AuMix,
  intensity: number,
  motion: Motion,
  t: number,
  size: number,
): RgbaImage {
  const disp = Float64Array.from(face.neutral);
  if (identity) identityDisplacement(face.uv, face.anchors, identity, disp);
  auDisplacement(face.weights, face.sides, mix, intensity, disp);
  const dst = viewPoints(face, disp, motion, identity?.mirror ?? false, t, size);
  const amount = new Float32Array(face.mesh.triangles.length / 3);
  if (identity && identity.beard > 0)
    for (const tri of face.beardTriangles) amount[tri] = identity.beard;
  const dark = Math.min(0.8, Math.max(0, (mouthOpening(face, disp) - 0.06) / 0.2));
  if (dark > 0) for (const tri of face.mouthTriangles) amount[tri] = dark;
  const shade: WarpShade = { amount, colour: [40, 18, 20] };
  const img = warpPiecewiseAffine(
    face.image,
    face.mesh.points,
    dst,
    face.mesh.triangles,
    size,
    size,
    shade,
  );
  const g = identity?.glasses;
  if (g) {
    const [rx, ry, lx, ly] = [IRIS.right, IRIS.left].flatMap((i) => [
      dst[2 * i] ?? 0,
      dst[2 * i + 1] ?? 0,
    ]);
    const eyes = Math.hypot((lx ?? 0) - (rx ?? 0), (ly ?? 0) - (ry ?? 0));
    drawGlasses(img, {
      centres: [rx ?? 0, ry ?? 0, lx ?? 0, ly ?? 0],
      radius: g.radius * eyes,
      width: Math.max(1, g.width * eyes),
      colour: [g.grey, g.grey, g.grey],
    });
  }
  return img;
}

/** The iris-centre landmarks of the 478-point mesh (the face frame's origin lies between them). */
const IRIS = { right: 468, left: 473 } as const;

export interface RenderedClip {
  frames: RgbaImage[];
  intensities: number[];
  params: ClipParams;
}

/** Renders every frame of `clip` (faces[identity.photo] is its base photo). */
export function renderClip(
  faces: readonly PreparedFace[],
  datasetSeed: number,
  clip: ClipSpec,
  frameCount: number,
  size: number,
): RenderedClip {
  const params = drawClipParams(datasetSeed, clip, faces.length);
  const face = faces[params.identity.photo];
  if (!face) throw new RangeError('no base photo for this identity');
  const levels = intensities(params.course, frameCount);
  const frames = levels.map((level, k) => {
    const t = frameCount > 1 ? k / (frameCount - 1) : 0;
    const img = warpFrame(face, params.identity, params.mix, level, params.motion, t, size);
    // Lighting flickers a little from frame to frame.
    const noise = createRng(deriveSeed(clip.seed, 'frame', k));
    const lighting = { ...params.lighting, gain: params.lighting.gain * noise.uniform(0.97, 1.03) };
    applyPhotometric(
      img,
      {
        channelGain: params.identity.gain,
        saturation: params.identity.saturation,
        lighting,
        blurSigma: params.blurSigma,
        noiseSigma: params.noiseSigma,
      },
      noise,
    );
    return img;
  });
  return { frames, intensities: levels, params };
}

/**
 * One clean frame for checks: the photo's own identity (no shape change, no mirror), no
 * motion, no photometric change, a class at a given intensity.
 */
export function renderProbe(
  face: PreparedFace,
  cls: DemoClass,
  intensity: number,
  size: number,
): RgbaImage {
  return warpFrame(
    face,
    null,
    expressionMix(cls, () => 1),
    intensity,
    STILL,
    0,
    size,
  );
}
