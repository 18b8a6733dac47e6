/**
 * Illumination correction (paper Sec. 3). The paper uses EnlightenGAN, whose weights we cannot
 * ship; we offer CLAHE on lightness (Emotion-FAN's clip 2.5, 8x8 tiles; the default) and an
 * automatic gamma, both hue-preserving (docs/preprocessing.md, "Illumination").
 */
import type { IlluminationConfig, RgbaImage } from '../types';
import { clahe } from './clahe';
import { autoGamma } from './gamma';

export { meanLightness } from './lab';
export { clahe } from './clahe';
export { autoGamma, autoGammaValue, applyGamma } from './gamma';

export const DEFAULT_ILLUMINATION_CONFIG: IlluminationConfig = {
  method: 'clahe',
  claheClipLimit: 2.5,
  claheTiles: 8,
  gammaTargetMean: 0.5,
};

/** Dispatches on cfg.method; 'none' returns `img` itself (no copy). */
export function correctIllumination(img: RgbaImage, cfg: IlluminationConfig): RgbaImage {
  switch (cfg.method) {
    case 'none':
      return img;
    case 'clahe':
      return clahe(img, { clipLimit: cfg.claheClipLimit, tiles: cfg.claheTiles });
    case 'gamma':
      return autoGamma(img, cfg.gammaTargetMean);
  }
}
