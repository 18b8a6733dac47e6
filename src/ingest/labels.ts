/**
 * The canonical expression classes and the aliases that datasets use for them.
 * Order is the app's canonical class order (the paper's seven plus CK+'s contempt).
 */
export const CANONICAL_CLASSES = [
  'angry',
  'disgust',
  'fear',
  'happy',
  'sad',
  'surprise',
  'neutral',
  'contempt',
] as const;

export type CanonicalClass = (typeof CANONICAL_CLASSES)[number];

export function isCanonicalClass(value: string): value is CanonicalClass {
  return (CANONICAL_CLASSES as readonly string[]).includes(value);
}
