import { describe, expect, it } from 'vitest';
import { validatePreprocessConfig } from '../../preprocess/config';
import { comparisonConfig } from './comparison';

describe('Compare illumination correction (issue 17 item 9)', () => {
  it('asks for one frame in a config that validates, whatever the panel’s settings', () => {
    for (const settings of [{}, { maxFramesPerVideo: 3 }, { minFramesPerVideo: 8, fps: 2 }]) {
      const config = validatePreprocessConfig(comparisonConfig(settings));
      expect(config.maxFramesPerVideo).toBe(1);
      expect(config.minFramesPerVideo).toBe(0);
    }
    // The run's own minimum (default 5) with one frame is what failed.
    expect(() => validatePreprocessConfig({ maxFramesPerVideo: 1 })).toThrow(
      /minFramesPerVideo must not exceed maxFramesPerVideo/,
    );
  });

  it('keeps the panel’s illumination, or the one asked for', () => {
    const settings = { illumination: { method: 'gamma' as const }, crop: { size: 112 } };
    expect(validatePreprocessConfig(comparisonConfig(settings)).illumination.method).toBe('gamma');
    const plain = validatePreprocessConfig(comparisonConfig(settings, 'none'));
    expect(plain.illumination.method).toBe('none');
    expect(plain.crop.size).toBe(112);
  });
});
