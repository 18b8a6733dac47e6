import { describe, expect, it } from 'vitest';
import {
  defaultTrainConfig,
  learningRateAt,
  parseTrainConfig,
  phaseLearningRate,
  studentModelConfig,
  TrainConfigError,
  tinyTrainConfig,
  validateTrainConfig,
} from './config';
import { planPhases } from './run/plan';

describe('training config', () => {
  it('ships the paper defaults at full size', () => {
    const c = defaultTrainConfig('ds');
    expect(c.optim).toMatchObject({
      learningRate: 1e-5,
      decayFactor: 0.6,
      decayEvery: 30,
      epochs: 100,
    });
    expect(c.classes).toEqual(['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral']);
    expect(c.model).toEqual({});
    expect(c.noisyStudent.noise).toEqual({ randAugment: true, dropout: 0.5 });
  });

  it('decays the learning rate by 40% every 30 epochs', () => {
    const o = defaultTrainConfig('ds').optim;
    expect(learningRateAt(o, 0)).toBe(1e-5);
    expect(learningRateAt(o, 29)).toBe(1e-5);
    expect(learningRateAt(o, 30)).toBeCloseTo(6e-6, 15);
    expect(learningRateAt(o, 99)).toBeCloseTo(1e-5 * 0.6 ** 3, 15);
  });

  it('reads a preset with overrides and a Table 2 variant', () => {
    const c = parseTrainConfig(
      {
        preset: 'tiny',
        seed: 9,
        variant: 'baseline',
        optim: { epochs: 3 },
        noisyStudent: { noise: { dropout: 0.2 } },
      },
      'ds',
    );
    expect(c.seed).toBe(9);
    expect(c.optim.epochs).toBe(3);
    expect(c.optim.learningRate).toBe(tinyTrainConfig('ds').optim.learningRate);
    expect(c.noisyStudent.noise).toEqual({ randAugment: true, dropout: 0.2 });
    expect(c.model.backbone?.regions).toBe(1);
    expect(c.model.backbone?.inputSize).toBe(48);
    expect(c.data.datasetId).toBe('ds');
  });

  it('refuses what cannot train, saying which field', () => {
    expect(() => parseTrainConfig({ preset: 'huge' }, 'ds')).toThrow(
      /preset must be 'full' or 'small' or 'tiny', got "huge"/,
    );
    expect(() => parseTrainConfig({ variant: 'nope' }, 'ds')).toThrow(
      /variant must be .*got "nope"/,
    );
    expect(() => parseTrainConfig({ optim: { epochs: 0 } }, 'ds')).toThrow(TrainConfigError);
    expect(() => parseTrainConfig({ optim: { epochs: 0 } }, 'ds')).toThrow(
      'optim.epochs must be an integer ≥ 1, got 0',
    );
    expect(() => parseTrainConfig({ classes: ['happy'] }, 'ds')).toThrow(
      /classes must .*two classes/,
    );
    expect(() =>
      validateTrainConfig({ ...defaultTrainConfig('ds'), classes: ['happy', 'happy'] }),
    ).toThrow(/classes must be distinct/);
    expect(() => parseTrainConfig([], 'ds')).toThrow(/must be an object/);
    expect(() =>
      parseTrainConfig({ noisyStudent: { noise: { magnitude: [5, 2] } } }, 'ds'),
    ).toThrow(/noise.magnitude/);
    expect(() =>
      parseTrainConfig({ noisyStudent: { noise: { magnitude: [0, 11] } } }, 'ds'),
    ).toThrow(/noise.magnitude/);
    expect(() => parseTrainConfig({ reuseTeacher: 'yes' }, 'ds')).toThrow(
      'reuseTeacher must be true or false, got "yes"',
    );
  });

  it('lists every problem, unknown fields (typos) included, and checks the model block', () => {
    let problems: readonly string[] = [];
    try {
      parseTrainConfig({ optim: { epoch: 5, batchSize: 0 }, data: { folds: 1 } }, 'ds');
    } catch (e) {
      if (e instanceof TrainConfigError) problems = e.problems;
    }
    expect(problems).toEqual([
      'data.folds must be null or an integer ≥ 2, got 1',
      'optim.batchSize must be an integer ≥ 1, got 0',
      'optim.epoch is not a known field',
    ]);
    expect(() => parseTrainConfig({ model: { backbone: { depth: 50 } } }, 'ds')).toThrow(
      'model.backbone.depth must be 18 or 34, got 50',
    );
    expect(() =>
      parseTrainConfig({ variant: 'baseline', model: { regionFusion: 'channelAttention' } }, 'ds'),
    ).toThrow(/model.regionFusion must be 'average' when backbone.regions = 1/);
  });

  it("starts students at noisyStudent.learningRate when set, decayed as the teacher's", () => {
    const c = parseTrainConfig({ preset: 'tiny', noisyStudent: { learningRate: 1e-3 } }, 'ds');
    expect(phaseLearningRate(c, false, 0)).toBe(3e-3);
    expect(phaseLearningRate(c, true, 0)).toBe(1e-3);
    expect(phaseLearningRate(c, true, 10)).toBeCloseTo(6e-4, 12);
    expect(phaseLearningRate(parseTrainConfig({ preset: 'tiny' }, 'ds'), true, 0)).toBe(3e-3);
    expect(() => parseTrainConfig({ noisyStudent: { learningRate: 0 } }, 'ds')).toThrow(
      /noisyStudent.learningRate/,
    );
  });

  it('the small preset is tiny at widths / 4 with the measured noisy-student recipe', () => {
    const c = parseTrainConfig({ preset: 'small' }, 'ds');
    const t = tinyTrainConfig('ds');
    expect(c.model.backbone?.widthMultiplier).toBe(0.25);
    expect(c.model.backbone?.inputSize).toBe(t.model.backbone?.inputSize);
    expect(c.optim.epochs).toBe(20);
    expect(c.noisyStudent).toMatchObject({
      iterations: 2,
      studentInit: 'teacher',
      studentEpochs: 5,
      learningRate: 5e-4,
      pseudoLabels: { mode: 'soft', minConfidence: 0.7 },
      noise: { randAugment: true, dropout: 0.3, magnitude: [0, 5] },
    });
    expect(() => validateTrainConfig(c)).not.toThrow();
  });

  it('keeps the noise magnitude and reuseTeacher settings it is given', () => {
    const c = parseTrainConfig(
      { preset: 'tiny', reuseTeacher: true, noisyStudent: { noise: { magnitude: [0, 5] } } },
      'ds',
    );
    expect(c.reuseTeacher).toBe(true);
    expect(c.noisyStudent.noise).toEqual({ randAugment: true, dropout: 0.5, magnitude: [0, 5] });
    expect(parseTrainConfig({ preset: 'tiny' }, 'ds').reuseTeacher).toBeUndefined();
  });

  it('plans teacher and students; students get their own seed, dropout and depth', () => {
    const c = parseTrainConfig(
      { preset: 'tiny', seed: 3, noisyStudent: { iterations: 2, studentDepth: 34 } },
      'ds',
    );
    const phases = planPhases(c);
    expect(phases.map((p) => [p.kind, p.iteration])).toEqual([
      ['teacher', 0],
      ['student', 1],
      ['student', 2],
    ]);
    expect(phases[0]?.modelConfig.seed).toBe(3);
    expect(phases[1]?.modelConfig.seed).toBe(1003);
    expect(phases[1]?.modelConfig.backbone.depth).toBe(34);
    expect(phases[1]?.modelConfig.dropout).toBe(0.5);
    expect(studentModelConfig(c, 2).seed).toBe(2003);
    expect(phases[1]?.epochsPlanned).toBe(10);
  });
});
