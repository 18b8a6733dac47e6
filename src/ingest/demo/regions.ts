/**
 * Facial regions of MediaPipe's 478-point mesh, derived from the geometry of the face at
 * hand rather than from a hard-coded index table: each region is a soft weight per landmark
 * (0..1), a smooth function of the landmark's position in the face frame (geometry.ts)
 * anchored on a few named points (irises, eye corners, mouth corners, inner lips, nose tip,
 * chin). Soft weights make displacements fade out smoothly, so warps do not tear, and they
 * fit faces of any proportions. `regionMembers()` lists the landmarks whose weight is at
 * least one half; docs/demo-dataset.md shows these lists for astronaut.png.
 *
 * "Right"/"left" are the person's; u < 0 is the person's right (image left).
 */
import { ANCHOR, bump, FIRST_IRIS_POINT, LANDMARK_COUNT, ramp } from './geometry';

export const REGION_NAMES = [
  'browInner',
  'browOuter',
  'brow',
  'upperLid',
  'lowerLid',
  'cheek',
  'noseWing',
  'noseBridge',
  'upperLip',
  'lowerLip',
  'lipCorner',
  'jaw',
  'chin',
] as const;
export type RegionName = (typeof REGION_NAMES)[number];

/** Per-landmark weights of every region. */
export type RegionWeights = Record<RegionName, Float32Array>;

/** Positions (face coordinates) the regions are placed by, measured on the neutral face. */
export interface FaceAnchors {
  /** u of each eye's centre (midpoint of its corners) and half its width. */
  rightEyeU: number;
  leftEyeU: number;
  eyeHalfWidth: number;
  /** v of the nose tip. */
  noseV: number;
  /** v of the outer and inner upper lip, inner and outer lower lip. */
  upperLipTopV: number;
  upperLipInnerV: number;
  lowerLipInnerV: number;
  lowerLipBottomV: number;
  /** Midpoint between the inner lips: the mouth line. */
  mouthU: number;
  mouthV: number;
  /** Half the distance between the mouth corners. */
  mouthHalfWidth: number;
  rightCorner: { u: number; v: number };
  leftCorner: { u: number; v: number };
  chinV: number;
}

function at(uv: Float64Array, i: number): { u: number; v: number } {
  return { u: uv[2 * i] ?? NaN, v: uv[2 * i + 1] ?? NaN };
}

export function faceAnchors(uv: Float64Array): FaceAnchors {
  const reo = at(uv, ANCHOR.rightEyeOuter);
  const rei = at(uv, ANCHOR.rightEyeInner);
  const lei = at(uv, ANCHOR.leftEyeInner);
  const leo = at(uv, ANCHOR.leftEyeOuter);
  const ul = at(uv, ANCHOR.upperLipInner);
  const ll = at(uv, ANCHOR.lowerLipInner);
  const rc = at(uv, ANCHOR.mouthRight);
  const lc = at(uv, ANCHOR.mouthLeft);
  return {
    rightEyeU: (reo.u + rei.u) / 2,
    leftEyeU: (lei.u + leo.u) / 2,
    eyeHalfWidth: (Math.abs(rei.u - reo.u) + Math.abs(leo.u - lei.u)) / 4,
    noseV: at(uv, ANCHOR.noseTip).v,
    upperLipTopV: at(uv, ANCHOR.upperLipTop).v,
    upperLipInnerV: ul.v,
    lowerLipInnerV: ll.v,
    lowerLipBottomV: at(uv, ANCHOR.lowerLipBottom).v,
    mouthU: (ul.u + ll.u) / 2,
    mouthV: (ul.v + ll.v) / 2,
    mouthHalfWidth: Math.abs(lc.u - rc.u) / 2,
    rightCorner: rc,
    leftCorner: lc,
    chinV: at(uv, ANCHOR.chin).v,
  };
}

/**
 * The weights of every region for landmarks `uv` (face coordinates of the neutral face).
 * The numbers are in units of the inter-ocular distance D; see docs/demo-dataset.md.
 */
export function regionWeights(uv: Float64Array, a: FaceAnchors = faceAnchors(uv)): RegionWeights {
  const n = uv.length / 2;
  const w = Object.fromEntries(
    REGION_NAMES.map((name) => [name, new Float32Array(n)]),
  ) as RegionWeights;
  const set = (name: RegionName, i: number, value: number): void => {
    w[name][i] = value;
  };
  for (let i = 0; i < n; i++) {
    const u = uv[2 * i] ?? 0;
    const v = uv[2 * i + 1] ?? 0;
    const au = Math.abs(u);
    const iris = i >= FIRST_IRIS_POINT && i < LANDMARK_COUNT;

    // Brows: the band above the upper eyelids (v below -0.05 fading in by -0.17), fading to
    // 40 % over the forehead (frontalis and corrugator move the skin above the brow less).
    const browBand = ramp(v, -0.05, -0.17) * (1 - 0.6 * ramp(v, -0.42, -0.75));
    const inFace = 1 - ramp(au, 0.95, 1.15);
    set('brow', i, browBand * inFace);
    set('browInner', i, browBand * bump(au, 0.22, 0.22));
    set('browOuter', i, browBand * bump(au, 0.7, 0.25) * inFace);

    // Eyelids: around each eye's centre (within its corners, tapering to 0 at the corners),
    // above the corner line for the upper lid (its margin and the lid skin up to the crease),
    // below it for the lower lid. The irises are never moved by lids.
    const eyeU = u < 0 ? a.rightEyeU : a.leftEyeU;
    const eyeX = 1 - ramp(Math.abs(u - eyeU) / a.eyeHalfWidth, 0.55, 1.05);
    const upper = ramp(v, 0.0, -0.05) * (1 - ramp(v, -0.13, -0.22));
    const lower = ramp(v, 0.0, 0.045) * (1 - ramp(v, 0.15, 0.25));
    set('upperLid', i, iris ? 0 : eyeX * upper);
    set('lowerLid', i, iris ? 0 : eyeX * lower);

    // Cheeks: the malar fat pad below and outside each eye.
    set('cheek', i, bump(au, 0.62, 0.28) * bump(v, 0.42, 0.22));

    // Nose: the alae (wings) either side of the tip, and the bridge's skin.
    const wingV = a.noseV - 0.07;
    set('noseWing', i, bump(au, 0.28, 0.15) * bump(v, wingV, 0.13));
    set('noseBridge', i, bump(au, 0, 0.15) * ramp(v, 0.0, 0.1) * (1 - ramp(v, 0.4, 0.5)));

    // Lips: the mouth's width (tapering past the corners), split at the mouth line.
    const mouthX = 1 - ramp(Math.abs(u - a.mouthU) / a.mouthHalfWidth, 0.75, 1.15);
    const noseBase = a.noseV + 0.08;
    set(
      'upperLip',
      i,
      mouthX *
        ramp(v, noseBase, a.upperLipTopV - 0.02) *
        (1 - ramp(v, a.mouthV - 0.01, a.mouthV + 0.01)),
    );
    set(
      'lowerLip',
      i,
      mouthX *
        ramp(v, a.mouthV - 0.01, a.mouthV + 0.01) *
        (1 - ramp(v, a.lowerLipBottomV + 0.02, a.lowerLipBottomV + 0.12)),
    );
    const corner = u < a.mouthU ? a.rightCorner : a.leftCorner;
    set('lipCorner', i, bump(u, corner.u, 0.16) * bump(v, corner.v, 0.14));

    // Jaw: everything below the mouth line carried by the mandible, fading out towards the
    // ears; chin: the soft tissue over the mentalis.
    set('jaw', i, ramp(v, a.mouthV - 0.01, a.mouthV + 0.03) * (1 - ramp(au, 0.55, 1.05)));
    set('chin', i, bump(u, a.mouthU, 0.35) * bump(v, a.chinV - 0.18, 0.22));
  }
  return w;
}

/** Landmarks whose weight in `region` is at least `threshold`, ascending. */
export function regionMembers(weights: Float32Array, threshold = 0.5): number[] {
  const out: number[] = [];
  weights.forEach((x, i) => {
    if (x >= threshold) out.push(i);
  });
  return out;
}
