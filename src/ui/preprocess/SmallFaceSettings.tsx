/**
 * The Preprocess panel's small-face settings (docs/preprocessing.md, "Small faces"): when the
 * tiled detection pass runs, and the score a face found only by a tile needs. Renders the
 * preprocess settings state; the panel's store keeps it.
 */
import { DEFAULT_PREPROCESS_CONFIG } from '../../preprocess/config';
import type { PreprocessConfigInput } from '../../preprocess/config';
import { TILED_DETECTION_MODES, type TiledDetection } from '../../preprocess/steps/tiles';

const d = DEFAULT_PREPROCESS_CONFIG;

const MODE_LABEL: Record<TiledDetection, string> = {
  auto: 'auto (when no or only small faces)',
  always: 'always',
  off: 'off',
};

/** A typed mode from the select's value; anything else is the default. */
export function tiledModeOf(value: string): TiledDetection {
  return TILED_DETECTION_MODES.find((m) => m === value) ?? d.tiledDetection;
}

/** The score input's value: empty or not a number in [0, 1] means the default (undefined). */
export function tileScoreOf(value: string): number | undefined {
  const n = Number(value);
  return value.trim() === '' || !(n >= 0 && n <= 1) ? undefined : n;
}

export function SmallFaceSettings({
  settings,
  set,
}: {
  settings: Pick<PreprocessConfigInput, 'tiledDetection' | 'minTileScore'>;
  set: (s: Pick<PreprocessConfigInput, 'tiledDetection' | 'minTileScore'>) => void;
}) {
  return (
    <>
      <label>
        Small faces (tiled detection){' '}
        <select
          data-testid="preprocess.tiled-detection"
          aria-describedby="preprocess-tiled-help"
          value={settings.tiledDetection ?? d.tiledDetection}
          onChange={(e) => set({ tiledDetection: tiledModeOf(e.target.value) })}
        >
          {TILED_DETECTION_MODES.map((m) => (
            <option key={m} value={m}>
              {MODE_LABEL[m]}
            </option>
          ))}
        </select>
        <small className="help muted" id="preprocess-tiled-help">
          Also detects in overlapping 320 px tiles, for faces under about 64 px (group scenes).
        </small>
      </label>
      <label>
        Min tile score{' '}
        <input
          type="number"
          data-testid="preprocess.min-tile-score"
          aria-describedby="preprocess-tile-score-help"
          min={0}
          max={1}
          step={0.05}
          value={settings.minTileScore ?? d.minTileScore}
          onChange={(e) => set({ minTileScore: tileScoreOf(e.target.value) })}
        />
        <small className="help muted" id="preprocess-tile-score-help">
          Detector score a face found only in a tile needs (0 to 1; default 0.7).
        </small>
      </label>
    </>
  );
}
