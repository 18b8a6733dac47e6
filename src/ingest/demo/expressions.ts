/**
 * The FACS-style expression model: each action unit (AU) is a displacement of the regions it
 * moves (regions.ts), in face coordinates (units of the inter-ocular distance D, v down), and
 * each class is a prototype mix of AUs (after Ekman & Friesen's EMFACS prototypes). The
 * displacement of a frame is `intensity * sum(weight_AU * AU)`, applied to the landmarks
 * before the piecewise-affine warp (warp.ts). Amounts are those of a strong, posed
 * expression at intensity 1; clips use 0.55-1 at their apex (clip.ts).
 */
import type { DemoClass } from './classes';
import type { RegionWeights } from './regions';

export const ACTION_UNITS = [
  'AU1', // inner brow raiser
  'AU2', // outer brow raiser
  'AU4', // brow lowerer
  'AU5', // upper lid raiser
  'AU6', // cheek raiser
  'AU7', // lid tightener
  'AU9', // nose wrinkler
  'AU10', // upper lip raiser
  'AU12', // lip corner puller
  'AU15', // lip corner depressor
  'AU17', // chin raiser
  'AU20', // lip stretcher
  'AU24', // lip pressor (with AU23, lip tightener)
  'AU25', // lips part
  'AU26', // jaw drop
] as const;
export type ActionUnit = (typeof ACTION_UNITS)[number];

export type AuMix = Partial<Record<ActionUnit, number>>;

/** Each class's prototype: the AUs it moves and their relative strength. */
export const EXPRESSION_PROTOTYPES: Readonly<Record<DemoClass, AuMix>> = {
  happy: { AU6: 1, AU12: 1, AU25: 0.4 },
  sad: { AU1: 1, AU4: 0.5, AU15: 1, AU17: 0.6 },
  angry: { AU4: 1, AU5: 0.35, AU7: 1, AU24: 1 },
  surprise: { AU1: 1, AU2: 1, AU5: 1, AU26: 1 },
  fear: { AU1: 1, AU2: 0.7, AU4: 0.6, AU5: 1, AU20: 1, AU26: 0.35 },
  disgust: { AU9: 1, AU10: 1, AU15: 0.4, AU17: 0.4, AU4: 0.3 },
  neutral: {},
};

/**
 * Adds `amount` times AU `au`'s displacement to `disp` (flat du, dv per landmark).
 * `side(i)` is -1 on the person's right half, +1 on the left (for movements away from or
 * towards the midline).
 */
function addAu(
  disp: Float64Array,
  w: RegionWeights,
  side: Float32Array,
  au: ActionUnit,
  amount: number,
): void {
  const n = side.length;
  for (let i = 0; i < n; i++) {
    const s = side[i] ?? 0;
    let du = 0;
    let dv = 0;
    const g = (name: keyof RegionWeights): number => w[name][i] ?? 0;
    switch (au) {
      case 'AU1': // inner brows up and slightly together
        dv = -0.14 * g('browInner');
        du = -0.02 * s * g('browInner');
        break;
      case 'AU2': // outer brows up
        dv = -0.13 * g('browOuter');
        break;
      case 'AU4': // brows down and together, most at their inner ends
        dv = 0.09 * g('brow') * (0.5 + 0.5 * g('browInner'));
        du = -0.06 * s * g('brow');
        break;
      case 'AU5': // upper lids up: eyes wide
        dv = -0.07 * g('upperLid');
        break;
      case 'AU6': // cheeks up, pushing the lower lids up
        dv = -0.07 * g('cheek') - 0.035 * g('lowerLid');
        break;
      case 'AU7': // lower lids up, upper lids slightly down: narrowed eyes
        dv = -0.04 * g('lowerLid') + 0.015 * g('upperLid');
        break;
      case 'AU9': // nose wings and bridge skin up, brows pulled down medially
        dv = -0.07 * g('noseWing') - 0.03 * g('noseBridge') + 0.03 * g('browInner');
        break;
      case 'AU10': // upper lip up
        dv = -0.08 * g('upperLip');
        break;
      case 'AU12': // lip corners up and out (and the cheek a little)
        dv = -0.1 * g('lipCorner') - 0.02 * g('cheek');
        du = 0.07 * s * g('lipCorner');
        break;
      case 'AU15': // lip corners down
        dv = 0.08 * g('lipCorner');
        du = -0.01 * s * g('lipCorner');
        break;
      case 'AU17': // chin and lower lip pushed up
        dv = -0.05 * g('chin') - 0.03 * g('lowerLip');
        break;
      case 'AU20': // lip corners stretched sideways
        du = 0.09 * s * g('lipCorner');
        dv = 0.015 * g('lipCorner');
        break;
      case 'AU24': // lips pressed together and thinned
        dv = 0.025 * g('upperLip') - 0.035 * g('lowerLip');
        du = -0.02 * s * g('lipCorner');
        break;
      case 'AU25': // lips part
        dv = 0.05 * g('lowerLip');
        break;
      case 'AU26': // jaw drops, carrying the lower lip and chin
        dv = 0.3 * g('jaw');
        break;
    }
    disp[2 * i] = (disp[2 * i] ?? 0) + amount * du;
    disp[2 * i + 1] = (disp[2 * i + 1] ?? 0) + amount * dv;
  }
}

/** -1 / +1 per landmark: which half of the face (by u relative to the mouth's centre). */
export function sidesOf(uv: Float64Array, midU = 0): Float32Array {
  const n = uv.length / 2;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (uv[2 * i] ?? 0) < midU ? -1 : 1;
  return out;
}

/** The displacement (face coordinates) of a mix of AUs, each scaled by `intensity`. */
export function auDisplacement(
  weights: RegionWeights,
  side: Float32Array,
  mix: AuMix,
  intensity: number,
  into: Float64Array = new Float64Array(2 * side.length),
): Float64Array {
  for (const au of ACTION_UNITS) {
    const k = mix[au];
    if (k !== undefined && k !== 0 && intensity !== 0)
      addAu(into, weights, side, au, k * intensity);
  }
  return into;
}

/** A class's prototype with each AU's weight scaled by `jitter[au]` (per-clip variation). */
export function expressionMix(cls: DemoClass, jitter: (au: ActionUnit) => number): AuMix {
  const proto = EXPRESSION_PROTOTYPES[cls];
  const out: AuMix = {};
  for (const au of ACTION_UNITS) {
    const k = proto[au];
    if (k !== undefined) out[au] = k * jitter(au);
  }
  return out;
}

/**
 * What makes a base photo neutral: a photo with the mouth open or smiling (astronaut.png
 * smiles with parted lips) gets its jaw closed to a 0.02 D gap and its mouth corners
 * lowered to 0.06 D above the mouth line, as measured on its landmarks. Returned as an
 * AU mix (negative AU26 and positive AU15) so it warps like any expression.
 */
export function neutralisingMix(a: {
  mouthV: number;
  upperLipInnerV: number;
  lowerLipInnerV: number;
  rightCorner: { v: number };
  leftCorner: { v: number };
}): AuMix {
  const gap = a.lowerLipInnerV - a.upperLipInnerV;
  const lift = a.mouthV - (a.rightCorner.v + a.leftCorner.v) / 2;
  const mix: AuMix = {};
  if (gap > 0.02) mix.AU26 = -(gap - 0.02) / 0.3;
  if (lift > 0.06) mix.AU15 = (lift - 0.06) / 0.08;
  return mix;
}
