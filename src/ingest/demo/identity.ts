/**
 * Identity variation: many "people" from few base photos. An identity is a base photo plus
 * a face shape (landmark displacements in face coordinates), a colour cast, a face size, a
 * mirror flag, and sometimes a beard or glasses (appearance.ts), all drawn from the
 * identity's own seed, so the same identity looks the same in every clip it appears in.
 */
import { bump, ramp } from './geometry';
import type { FaceAnchors } from './regions';
import type { Rng } from './rng';

export interface IdentityParams {
  /** Index into the base photos. */
  photo: number;
  mirror: boolean;
  /** Shape factors (1 = the photo's own). */
  faceWidth: number;
  lowerFaceLength: number;
  eyeSpacing: number;
  noseLength: number;
  mouthWidth: number;
  jawWidth: number;
  /** Brow height offset in D (negative = higher). */
  browShift: number;
  /** Per-channel gain (skin tone / white balance) and saturation. */
  gain: [number, number, number];
  saturation: number;
  /** Multiplies the face's size in the frame. */
  scale: number;
  /** Beard shading 0..1 over jaw and chin, lips clear (0: none; 30 % of identities have one). */
  beard: number;
  /** Glasses (30 % of identities): rim radius and line width in inter-ocular distances, grey level. */
  glasses: { radius: number; width: number; grey: number } | null;
}

export function drawIdentity(rng: Rng, photos: number, index: number): IdentityParams {
  return {
    photo: index % photos,
    mirror: rng.chance(0.5),
    faceWidth: rng.uniform(0.9, 1.1),
    lowerFaceLength: rng.uniform(0.92, 1.08),
    eyeSpacing: rng.uniform(0.92, 1.08),
    noseLength: rng.uniform(0.88, 1.12),
    mouthWidth: rng.uniform(0.88, 1.12),
    jawWidth: rng.uniform(0.88, 1.12),
    browShift: rng.uniform(-0.05, 0.05),
    gain: [rng.uniform(0.82, 1.15), rng.uniform(0.85, 1.08), rng.uniform(0.8, 1.15)],
    saturation: rng.uniform(0.6, 1.2),
    scale: rng.uniform(0.9, 1.1),
    // Drawn after the rest, so adding them left every earlier identity parameter as it was.
    beard: rng.chance(0.3) ? rng.uniform(0.15, 0.35) : 0,
    glasses: rng.chance(0.3)
      ? {
          radius: rng.uniform(0.36, 0.46),
          width: rng.uniform(0.04, 0.08),
          grey: rng.uniform(10, 70),
        }
      : null,
  };
}

/**
 * The identity's shape as a displacement (face coordinates) of the neutral landmarks `uv`:
 * the whole face widened, the lower face lengthened (about the eye line), the eyes moved
 * apart, the nose lengthened, the mouth and jaw widened, the brows shifted.
 */
export function identityDisplacement(
  uv: Float64Array,
  a: FaceAnchors,
  p: IdentityParams,
  into: Float64Array = new Float64Array(uv.length),
): Float64Array {
  const n = uv.length / 2;
  for (let i = 0; i < n; i++) {
    const u = uv[2 * i] ?? 0;
    const v = uv[2 * i + 1] ?? 0;
    const au = Math.abs(u);
    const s = u < 0 ? -1 : 1;
    let du = (p.faceWidth - 1) * u;
    let dv = v > 0 ? (p.lowerFaceLength - 1) * v : 0;
    const eye = bump(au, 0.5, 0.3) * bump(v, 0, 0.25);
    du += (p.eyeSpacing - 1) * 0.5 * s * eye;
    dv += (p.noseLength - 1) * a.noseV * bump(au, 0, 0.3) * bump(v, a.noseV, 0.2);
    const mouth = bump(u, a.mouthU, a.mouthHalfWidth * 1.3) * bump(v, a.mouthV, 0.25);
    du += (p.mouthWidth - 1) * (u - a.mouthU) * mouth;
    du += (p.jawWidth - 1) * u * ramp(v, a.mouthV, a.chinV);
    dv += p.browShift * ramp(v, -0.05, -0.17) * (1 - ramp(au, 0.95, 1.15));
    into[2 * i] = (into[2 * i] ?? 0) + du;
    into[2 * i + 1] = (into[2 * i + 1] ?? 0) + dv;
  }
  return into;
}
