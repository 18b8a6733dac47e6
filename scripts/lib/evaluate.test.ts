import { describe, expect, it } from 'vitest';
import { evaluateText, type EvaluateJson } from './evaluate';

const doc: EvaluateJson = {
  model: {
    run: { id: 'r1', name: 'tiny' },
    phase: { index: 0, name: 'teacher' },
    weightsDir: null,
  },
  dataset: { id: 'ck', name: 'CK+' },
  split: 'test',
  splitByDefault: true,
  splitSource: 'items',
  classes: ['happy', 'sad'],
  accuracy: 0.75,
  macroF1: 0.5,
  total: 4,
  evalUnit: 'item',
  perClass: [
    { name: 'happy', support: 4, recall: 0.75, precision: 1, f1: 0.857 },
    { name: 'sad', support: 0, recall: null, precision: 0, f1: 0 },
  ],
  missingClasses: ['sad'],
  confusion: [
    [3, 1],
    [0, 0],
  ],
  framesPerClip: 4,
  backend: 'cpu',
  seconds: 1,
  recordId: 'r1|0|ck|test',
};

describe('evaluateText', () => {
  it('says which split was taken and why, and prints n/a for a class without clips', () => {
    const text = evaluateText(doc);
    expect(text).toContain(
      'run tiny / teacher on dataset "CK+" (ck), test split (default: the dataset\'s own split), 4 items',
    );
    expect(text).toContain('accuracy 75.0%, macro-F1 50.0%');
    expect(text).toMatch(/sad\s+0\s+n\/a/);
    expect(text).toContain('The split has no clip of sad: their recall is n/a');
    expect(text).toContain('Stored as evaluation r1|0|ck|test.');
  });

  it('names a weights folder and a seeded split', () => {
    const text = evaluateText({
      ...doc,
      model: { run: null, phase: null, weightsDir: '/w/weights' },
      splitByDefault: false,
      splitSource: 'seeded',
      missingClasses: [],
    });
    expect(text).toContain('weights /w/weights on dataset');
    expect(text).toContain('test split (seeded split)');
    expect(text).not.toContain('no clip of');
  });
});
