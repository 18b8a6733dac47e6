/**
 * How datasets spell expression classes and splits, mapped onto the app's canonical names.
 * Pure functions; see docs/ingest.md for the full alias table.
 */
import { CANONICAL_CLASSES, type CanonicalClass } from './labels';
import type { Split } from './types';

/** Lower-case spellings (after normalisation) for each canonical class. */
const CLASS_ALIASES: Record<CanonicalClass, readonly string[]> = {
  angry: ['angry', 'anger', 'angered', 'mad', 'an', 'ang'],
  disgust: ['disgust', 'disgusted', 'disgusting', 'di', 'dis'],
  fear: ['fear', 'fearful', 'scared', 'afraid', 'fe', 'af', 'fea'],
  happy: ['happy', 'happiness', 'joy', 'joyful', 'smile', 'smiling', 'ha', 'hap'],
  sad: ['sad', 'sadness', 'sa', 'unhappy'],
  surprise: ['surprise', 'surprised', 'su', 'sur'],
  neutral: ['neutral', 'neutrality', 'ne', 'neu', 'calm'],
  contempt: ['contempt', 'contemptuous', 'co', 'con'],
};

const ALIAS_TO_CLASS: ReadonlyMap<string, CanonicalClass> = new Map(
  CANONICAL_CLASSES.flatMap((c) => CLASS_ALIASES[c].map((a): [string, CanonicalClass] => [a, c])),
);

/** CK+ `_emotion.txt` codes: 0 neutral, 1 anger, 2 contempt, 3 disgust, 4 fear, 5 happy, 6 sadness, 7 surprise. */
export const CKPLUS_CODES: readonly CanonicalClass[] = [
  'neutral',
  'angry',
  'contempt',
  'disgust',
  'fear',
  'happy',
  'sad',
  'surprise',
];

/** FER2013 `emotion` column codes: 0 angry, 1 disgust, 2 fear, 3 happy, 4 sad, 5 surprise, 6 neutral. */
export const FER2013_CODES: readonly CanonicalClass[] = [
  'angry',
  'disgust',
  'fear',
  'happy',
  'sad',
  'surprise',
  'neutral',
];

/** Which numeric code table (if any) a dataset's raw labels use. */
export type NumericCodeScheme = 'ckplus' | 'fer2013';

function codeToClass(
  table: readonly CanonicalClass[],
  code: number | string,
): CanonicalClass | null {
  if (typeof code === 'string' && code.trim() === '') return null;
  const n = typeof code === 'number' ? code : Number(code.trim());
  if (!Number.isInteger(n) || n < 0) return null;
  return table[n] ?? null;
}

/** Maps a CK+ emotion code (0..7, number or text such as "3" or "3.0000000e+00") to a class. */
export function ckplusCodeToClass(code: number | string): CanonicalClass | null {
  return codeToClass(CKPLUS_CODES, code);
}

/** Maps a FER2013 emotion code (0..6, number or text) to a class. */
export function fer2013CodeToClass(code: number | string): CanonicalClass | null {
  return codeToClass(FER2013_CODES, code);
}

/**
 * Normalises a raw label: lower-case, trimmed, a numeric prefix or suffix such as
 * "1_", "01 - " or "_2" removed, and anything that is not a letter stripped from the ends.
 */
export function normaliseLabel(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/^\d+\s*[-_.\s]\s*/, '')
    .replace(/\s*[-_.\s]\s*\d+$/, '')
    .replace(/^[^a-z]+|[^a-z]+$/g, '');
}

/**
 * Maps a dataset's spelling of a class to the canonical class, or null when it is not a known
 * spelling. Case-insensitive; tolerates numeric prefixes ("1_Angry"). Pure numbers are not
 * mapped here (their meaning depends on the dataset: see `ckplusCodeToClass`).
 */
export function canonicalLabel(raw: string): CanonicalClass | null {
  const norm = normaliseLabel(raw);
  if (norm === '') return null;
  return ALIAS_TO_CLASS.get(norm) ?? null;
}

/**
 * Builds the editable raw-label -> class map of an import plan. Raw labels that cannot be
 * mapped get null (their items are skipped until the user maps them). With `numericCodes`,
 * labels that are whole numbers are read with that dataset's code table.
 */
export function buildClassMap(
  rawLabels: string[],
  opts: { numericCodes?: NumericCodeScheme } = {},
): Record<string, CanonicalClass | null> {
  const map: Record<string, CanonicalClass | null> = {};
  for (const raw of rawLabels) {
    if (Object.hasOwn(map, raw)) continue;
    const isNumber = /^\s*\d+(\.0*)?\s*$/.test(raw);
    if (isNumber && opts.numericCodes === 'ckplus') map[raw] = ckplusCodeToClass(raw);
    else if (isNumber && opts.numericCodes === 'fer2013') map[raw] = fer2013CodeToClass(raw);
    else map[raw] = canonicalLabel(raw);
  }
  return map;
}

const SPLIT_ALIASES: ReadonlyMap<string, Split> = new Map<string, Split>([
  ['train', 'train'],
  ['training', 'train'],
  ['train_afew', 'train'],
  ['val', 'val'],
  ['valid', 'val'],
  ['validation', 'val'],
  ['val_afew', 'val'],
  ['publictest', 'val'],
  ['test', 'test'],
  ['testing', 'test'],
  ['test_afew', 'test'],
  ['privatetest', 'test'],
]);

/**
 * Maps a split folder name or split value to a split: train/training/Train_AFEW -> train,
 * val/valid/validation/Val_AFEW/PublicTest -> val, test/testing/Test_AFEW/PrivateTest -> test.
 */
export function canonicalSplit(raw: string): Split | null {
  const norm = raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return SPLIT_ALIASES.get(norm) ?? null;
}
