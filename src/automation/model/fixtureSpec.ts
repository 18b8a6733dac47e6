/**
 * What the committed fixture (src/automation/model/fixtures/tiny/) was made from, shared by its generator
 * (scripts/bench/make-model-fixture.ts), the unit test and the in-browser check.
 */
import type { ModelConfigInput } from '../../model/config';
import { mulberry32 } from '../../model/params';

/** The full topology (grouped ResNet-18, all attention) at 16x16 and widths / 32. */
export const FIXTURE_CONFIG: ModelConfigInput = Object.freeze({
  seed: 7,
  numClasses: 7,
  backbone: { inputSize: 16, widthMultiplier: 1 / 32 },
  spatialAttention: { hidden: 4 },
  channelAttention: { hidden: 4 },
  frameAttention: { hidden: 4 },
});

/** One clip of 3 frames, 16x16, 9 channels. */
export const FIXTURE_INPUT_SHAPE = [1, 3, 16, 16, 9] as const;

/** The fixture input: uniform [0, 1) from mulberry32(2024), in row-major [B, n, H, W, C] order. */
export function fixtureInput(): Float32Array {
  const r = mulberry32(2024);
  return Float32Array.from({ length: FIXTURE_INPUT_SHAPE.reduce<number>((a, b) => a * b, 1) }, () =>
    r(),
  );
}

/** The files of the fixture folder. */
export const FIXTURE_FILES = {
  modelJson: 'model.json',
  input: 'input.bin',
  expected: 'expected.json',
} as const;

/** Tolerance the fixture's logits and attention are checked with (absolute). */
export const FIXTURE_TOLERANCE = 1e-4;

export interface FixtureExpected {
  inputShape: number[];
  logits: number[];
  penalty: number;
  regionAlpha: number[] | null;
  regionWeights: number[] | null;
  frameAlpha: number[] | null;
  frameWeights: number[];
  spatial: { stage: number; height: number; width: number; shape: number[]; m: number[] }[];
}
