import { describe, expect, it } from 'vitest';
import {
  buildClassMap,
  canonicalLabel,
  canonicalSplit,
  ckplusCodeToClass,
  fer2013CodeToClass,
  normaliseLabel,
} from './aliases';

describe('canonicalLabel', () => {
  it.each([
    ['Angry', 'angry'],
    ['anger', 'angry'],
    [' AN ', 'angry'],
    ['ANG', 'angry'],
    ['mad', 'angry'],
    ['Disgusted', 'disgust'],
    ['DI', 'disgust'],
    ['fearful', 'fear'],
    ['Scared', 'fear'],
    ['afraid', 'fear'],
    ['FE', 'fear'],
    ['Happiness', 'happy'],
    ['joy', 'happy'],
    ['HA', 'happy'],
    ['smile', 'happy'],
    ['SADNESS', 'sad'],
    ['SA', 'sad'],
    ['Surprised', 'surprise'],
    ['SU', 'surprise'],
    ['Neutral', 'neutral'],
    ['NE', 'neutral'],
    ['calm', 'neutral'],
    ['Contempt', 'contempt'],
    ['CO', 'contempt'],
    ['1_Angry', 'angry'],
    ['03 - Happy', 'happy'],
    ['sad_2', 'sad'],
    ['Fear (copy)', null],
  ] as const)('%s -> %s', (raw, expected) => {
    expect(canonicalLabel(raw)).toBe(expected);
  });

  it('does not map numbers, empty strings or unknown words', () => {
    expect(canonicalLabel('3')).toBeNull();
    expect(canonicalLabel('')).toBeNull();
    expect(canonicalLabel('   ')).toBeNull();
    expect(canonicalLabel('confused')).toBeNull();
    expect(canonicalLabel('S005')).toBeNull();
  });

  it('normalises prefixes and punctuation', () => {
    expect(normaliseLabel('  12.Surprise!! ')).toBe('surprise');
    expect(normaliseLabel('Angry (2)')).toBe('angry');
  });
});

describe('numeric codes', () => {
  it('maps CK+ codes 0..7', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((c) => ckplusCodeToClass(c))).toEqual([
      'neutral',
      'angry',
      'contempt',
      'disgust',
      'fear',
      'happy',
      'sad',
      'surprise',
    ]);
    expect(ckplusCodeToClass('   3.0000000e+00')).toBe('disgust');
    expect(ckplusCodeToClass(8)).toBeNull();
    expect(ckplusCodeToClass(-1)).toBeNull();
    expect(ckplusCodeToClass('2.5')).toBeNull();
    expect(ckplusCodeToClass('')).toBeNull();
  });

  it('maps FER2013 codes 0..6', () => {
    expect(['0', '1', '2', '3', '4', '5', '6'].map((c) => fer2013CodeToClass(c))).toEqual([
      'angry',
      'disgust',
      'fear',
      'happy',
      'sad',
      'surprise',
      'neutral',
    ]);
    expect(fer2013CodeToClass(7)).toBeNull();
    expect(fer2013CodeToClass('x')).toBeNull();
  });
});

describe('buildClassMap', () => {
  it('maps names and leaves unknown labels null', () => {
    expect(buildClassMap(['Angry', 'Happy', 'Angry', 'Bored'])).toEqual({
      Angry: 'angry',
      Happy: 'happy',
      Bored: null,
    });
  });

  it('reads numbers with the dataset code table when asked', () => {
    expect(buildClassMap(['1', '6'], { numericCodes: 'ckplus' })).toEqual({
      '1': 'angry',
      '6': 'sad',
    });
    expect(buildClassMap(['1', '6'], { numericCodes: 'fer2013' })).toEqual({
      '1': 'disgust',
      '6': 'neutral',
    });
    expect(buildClassMap(['1'])).toEqual({ '1': null });
  });
});

describe('canonicalSplit', () => {
  it('maps split folder names and FER2013 usages', () => {
    expect(canonicalSplit('Train_AFEW')).toBe('train');
    expect(canonicalSplit('Val_AFEW')).toBe('val');
    expect(canonicalSplit('validation')).toBe('val');
    expect(canonicalSplit('PublicTest')).toBe('val');
    expect(canonicalSplit('PrivateTest')).toBe('test');
    expect(canonicalSplit('Training')).toBe('train');
    expect(canonicalSplit('Angry')).toBeNull();
  });
});
