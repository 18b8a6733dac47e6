/** The settings of the inspector's "Compare illumination correction" (one frame, twice). */
import type { PreprocessConfigInput } from '../../preprocess/config';
import type { IlluminationMethod } from '../../preprocess/types';

/**
 * The panel's settings for one frame, with `method` as the illumination: the run's minimum of
 * frames per video (default 5) does not apply to one frame (asking for 1 frame with that minimum
 * failed with "minFramesPerVideo must not exceed maxFramesPerVideo": issue 17 item 9).
 */
export function comparisonConfig(
  settings: PreprocessConfigInput,
  method?: IlluminationMethod,
): PreprocessConfigInput {
  return {
    ...settings,
    maxFramesPerVideo: 1,
    minFramesPerVideo: 0,
    ...(method ? { illumination: { ...settings.illumination, method } } : {}),
  };
}
