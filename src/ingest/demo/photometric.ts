/**
 * Photometric variation applied to each rendered frame, in this order: colour cast and
 * saturation (the identity's), lighting (overall gain, a linear gradient across the frame as
 * from a side light, and gamma), Gaussian blur, then Gaussian sensor noise. Scenes of some
 * classes are darker more often (see DARK_SCENE_PROBABILITY), as fear and sadness are in
 * films, so a model must not learn "dark = fear" and illumination correction matters.
 */
import type { DemoClass } from './classes';
import type { Rng } from './rng';
import type { RgbaImage } from './warp';

export interface Lighting {
  /** Overall brightness gain. */
  gain: number;
  /** Gradient strength: gain varies by ±strength/2 across the frame along `angle`. */
  gradient: number;
  angle: number;
  /** Output = 255 * (input / 255) ^ gamma. */
  gamma: number;
}

export interface PhotometricParams {
  channelGain: readonly [number, number, number];
  saturation: number;
  lighting: Lighting;
  /** Gaussian blur sigma in output pixels (0 = none). */
  blurSigma: number;
  /** Noise standard deviation in 8-bit levels. */
  noiseSigma: number;
}

/** Probability that a clip of each class is a dark scene. */
export const DARK_SCENE_PROBABILITY: Readonly<Record<DemoClass, number>> = {
  fear: 0.6,
  sad: 0.45,
  angry: 0.4,
  surprise: 0.3,
  disgust: 0.3,
  neutral: 0.2,
  happy: 0.15,
};

/** Lighting of a clip: dark scenes have gain 0.35-0.6 and gamma 1.1-1.4, others 0.85-1.15. */
export function drawLighting(rng: Rng, cls: DemoClass): Lighting & { dark: boolean } {
  const dark = rng.chance(DARK_SCENE_PROBABILITY[cls]);
  return {
    dark,
    gain: dark ? rng.uniform(0.35, 0.6) : rng.uniform(0.85, 1.15),
    gradient: rng.uniform(0, 0.6),
    angle: rng.uniform(0, 2 * Math.PI),
    gamma: dark ? rng.uniform(1.1, 1.4) : rng.uniform(0.9, 1.1),
  };
}

/** Colour, lighting, blur and noise, in place. `noise` supplies the noise draws. */
export function applyPhotometric(img: RgbaImage, p: PhotometricParams, noise: Rng): void {
  const { width, height, data } = img;
  const l = p.lighting;
  const cos = Math.cos(l.angle);
  const sin = Math.sin(l.angle);
  const lut = new Float64Array(256);
  for (let i = 0; i < 256; i++) lut[i] = 255 * Math.pow(i / 255, l.gamma);
  const sat = p.saturation;
  const [gr, gg, gb] = p.channelGain;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Position along the light's direction, -0.5..0.5 of the frame.
      const t = ((x + 0.5) / width - 0.5) * cos + ((y + 0.5) / height - 0.5) * sin;
      const g = l.gain * (1 + l.gradient * t);
      const o = (y * width + x) * 4;
      const r = (data[o] ?? 0) * gr;
      const gn = (data[o + 1] ?? 0) * gg;
      const b = (data[o + 2] ?? 0) * gb;
      const grey = 0.299 * r + 0.587 * gn + 0.114 * b;
      const rl = Math.round(Math.min(255, Math.max(0, (grey + (r - grey) * sat) * g)));
      const gl = Math.round(Math.min(255, Math.max(0, (grey + (gn - grey) * sat) * g)));
      const bl = Math.round(Math.min(255, Math.max(0, (grey + (b - grey) * sat) * g)));
      data[o] = lut[rl] ?? 0;
      data[o + 1] = lut[gl] ?? 0;
      data[o + 2] = lut[bl] ?? 0;
    }
  }
  if (p.blurSigma > 0.05) gaussianBlur(img, p.blurSigma);
  if (p.noiseSigma > 0) addNoise(data, p.noiseSigma, noise);
}

/**
 * Sensor-like noise, in place: Gaussian luminance noise of `sigma` (Box-Muller, both values
 * of each pair used) plus uniform chroma noise of 0.3 sigma per channel.
 */
export function addNoise(data: Uint8ClampedArray, sigma: number, rng: Rng): void {
  const chroma = 0.3 * sigma * Math.sqrt(12); // uniform of that width has sd 0.3 sigma
  let spare = NaN;
  for (let i = 0; i < data.length; i += 4) {
    let lum: number;
    if (Number.isNaN(spare)) {
      const radius = Math.sqrt(-2 * Math.log(1 - rng.next())) * sigma;
      const angle = 2 * Math.PI * rng.next();
      lum = radius * Math.cos(angle);
      spare = radius * Math.sin(angle);
    } else {
      lum = spare;
      spare = NaN;
    }
    data[i] = (data[i] ?? 0) + lum + (rng.next() - 0.5) * chroma;
    data[i + 1] = (data[i + 1] ?? 0) + lum + (rng.next() - 0.5) * chroma;
    data[i + 2] = (data[i + 2] ?? 0) + lum + (rng.next() - 0.5) * chroma;
  }
}

/** The normalised 1-D Gaussian kernel of `sigma`, radius ceil(3 sigma). */
export function gaussianKernel(sigma: number): Float64Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) {
    const v = Math.exp(-(i * i) / (2 * sigma * sigma));
    k[i + r] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] = (k[i] ?? 0) / sum;
  return k;
}

/** Separable Gaussian blur of the RGB channels, edges clamped, in place. */
export function gaussianBlur(img: RgbaImage, sigma: number): void {
  const { width, height, data } = img;
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const tmp = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let i = -r; i <= r; i++) {
          const xx = Math.min(width - 1, Math.max(0, x + i));
          s += (k[i + r] ?? 0) * (data[(y * width + xx) * 4 + c] ?? 0);
        }
        tmp[(y * width + x) * 3 + c] = s;
      }
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let i = -r; i <= r; i++) {
          const yy = Math.min(height - 1, Math.max(0, y + i));
          s += (k[i + r] ?? 0) * (tmp[(yy * width + x) * 3 + c] ?? 0);
        }
        data[(y * width + x) * 4 + c] = s;
      }
}
