import { describe, expect, it } from 'vitest';
import type { ClipRef } from '../train/data/clips';
import {
  CrossEvalError,
  crossEvaluationRecord,
  readingClasses,
  resolveSplit,
  runEvalRequest,
  selectClips,
} from './crossCorpus';

function clip(i: number, label: number | null, split: ClipRef['split']): ClipRef {
  return {
    itemId: `i${i}`,
    datasetId: 'd',
    key: `k${i}`,
    label,
    hiddenLabel: null,
    subject: null,
    split,
    frames: [0, 1],
  };
}

const opts = { valFraction: 0.5, seed: 1 };

describe('resolveSplit', () => {
  const withTest = [
    clip(0, 0, 'train'),
    clip(1, 1, 'val'),
    clip(2, 0, 'test'),
    clip(3, null, null),
  ];
  it('defaults to the test split when there is one, else validation', () => {
    const t = resolveSplit(withTest, null, opts);
    expect(t).toMatchObject({ split: 'test', byDefault: true, source: 'items' });
    expect(t.clips.map((c) => c.itemId)).toEqual(['i2']);
    const noTest = [clip(0, 0, 'train'), clip(1, 1, 'val')];
    expect(resolveSplit(noTest, null, opts).split).toBe('validation');
    expect(resolveSplit(withTest, 'all', opts).clips.map((c) => c.itemId)).toEqual([
      'i0',
      'i1',
      'i2',
    ]);
  });

  it('refuses a split without clips, naming those that have some', () => {
    const noTest = [clip(0, 0, 'train'), clip(1, 1, 'val')];
    expect(() => resolveSplit(noTest, 'test', opts)).toThrow(CrossEvalError);
    expect(() => resolveSplit(noTest, 'test', opts)).toThrow(
      /no preprocessed labelled clips in its test split \(splits with clips: validation, train, all\)/,
    );
  });

  it('parts a dataset without split labels with the seeded rule, as training does', () => {
    const plain = Array.from({ length: 8 }, (_, i) => clip(i, i % 2, null));
    const a = resolveSplit(plain, 'validation', opts);
    expect(a.source).toBe('seeded');
    expect(a.clips.length).toBe(4);
    expect(resolveSplit(plain, 'validation', opts).clips).toEqual(a.clips);
    expect(resolveSplit(plain, 'train', opts).clips).toHaveLength(4);
  });
});

describe('classes', () => {
  it('reads the model classes first, then every other canonical class', () => {
    const r = readingClasses(['happy', 'sad']);
    expect(r.slice(0, 2)).toEqual(['happy', 'sad']);
    expect(r).toHaveLength(8);
    expect(new Set(r).size).toBe(8);
  });

  it('refuses a split holding a class the model does not know, naming it', () => {
    // Reading classes for ['happy', 'sad']: index 2 is 'angry'.
    const read = [clip(0, 0, 'val'), clip(1, 2, 'val'), clip(2, 1, 'train')];
    expect(() => selectClips(read, ['happy', 'sad'], 'validation', opts)).toThrow(
      /does not know the class\(es\) angry that 1 clip\(s\) of the validation split carry/,
    );
    // The train split has only known classes.
    expect(selectClips(read, ['happy', 'sad'], 'train', opts).clips).toHaveLength(1);
  });
});

describe('crossEvaluationRecord', () => {
  const split = {
    split: 'test' as const,
    byDefault: true,
    source: 'items' as const,
    clips: [],
  };
  const input = {
    runId: 'r1',
    phase: 2,
    modelLabel: 'r / student 1',
    weightsSource: null,
    datasetId: 'ck',
    datasetName: 'CK+',
    split,
    classes: ['happy' as const, 'sad' as const, 'angry' as const],
    framesPerClip: 4,
    evalUnit: 'clip' as const,
  };
  it('scores the clips; a class without clips has recall null and is listed as missing', () => {
    const rec = crossEvaluationRecord(
      input,
      [
        { label: 0, predicted: 0 },
        { label: 0, predicted: 1 },
        { label: 1, predicted: 1 },
      ],
      { backend: 'cpu', seconds: 1, createdAt: 5 },
    );
    expect(rec.id).toBe('r1|2|ck|test');
    expect(rec.runKey).toBe('r1');
    expect(rec.confusion).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
    expect(rec.accuracy).toBeCloseTo(2 / 3, 12);
    expect(rec.perClass.map((c) => c.recall)).toEqual([0.5, 1, null]);
    expect(rec.missingClasses).toEqual(['angry']);
    // Macro-F1 over the present classes: happy F1 2/3, sad F1 2/3.
    expect(rec.macroF1).toBeCloseTo(2 / 3, 12);
  });

  it('keys imported weights by their source', () => {
    const rec = crossEvaluationRecord(
      { ...input, runId: null, phase: null, weightsSource: 'weights' },
      [{ label: 0, predicted: 0 }],
      { backend: 'cpu', seconds: 1, createdAt: 5 },
    );
    expect(rec.id).toBe('weights:weights|-|ck|test');
  });
});

describe('runEvalRequest', () => {
  it('takes the run batch size, frames (1 for pre-training) and split rule', () => {
    const run = {
      name: 'r',
      classes: ['happy' as const],
      config: {
        seed: 7,
        data: { framesPerClip: 6, valFraction: 0.3 },
        optim: { batchSize: 5 },
      },
    } as unknown as Parameters<typeof runEvalRequest>[0];
    const r = runEvalRequest(run, { name: 'teacher', kind: 'teacher' }, 'd', null);
    expect(r).toMatchObject({
      framesPerClip: 6,
      batchSize: 5,
      splitOptions: { seed: 7, valFraction: 0.3 },
      modelLabel: 'r / teacher',
    });
    expect(runEvalRequest(run, { name: 'pre', kind: 'pretrain' }, 'd', null).framesPerClip).toBe(1);
  });

  it("scores the unit the run validated with: per item unless the run's evalUnit is 'clip'", () => {
    const run = (evalUnit?: 'item' | 'clip') =>
      ({
        name: 'r',
        classes: ['happy' as const],
        config: {
          seed: 7,
          data: { framesPerClip: 6, valFraction: 0.3, ...(evalUnit ? { evalUnit } : {}) },
          optim: { batchSize: 5 },
        },
      }) as unknown as Parameters<typeof runEvalRequest>[0];
    const unit = (u?: 'item' | 'clip') =>
      runEvalRequest(run(u), { name: 't', kind: 'teacher' }, 'd', null).evalUnit;
    expect([unit(), unit('item'), unit('clip')]).toEqual(['item', 'item', 'clip']);
  });

  it('marks a k-fold run as trained on all of its own dataset (only its test split may be scored)', () => {
    const run = (folds: number | null) =>
      ({
        name: 'r',
        classes: ['happy' as const],
        config: { seed: 7, data: { datasetId: 'afew', folds }, optim: { batchSize: 5 } },
      }) as unknown as Parameters<typeof runEvalRequest>[0];
    const on = (folds: number | null) =>
      runEvalRequest(run(folds), { name: 't', kind: 'teacher' }, 'afew', null).trainedOnAllOf;
    expect([on(5), on(null)]).toEqual(['afew', null]);
  });
});
