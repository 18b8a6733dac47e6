import type { CanonicalClass } from '../labels';

/** The seven classes the demo generates (the paper's seven, in the app's canonical order). */
export const DEMO_CLASSES = [
  'angry',
  'disgust',
  'fear',
  'happy',
  'sad',
  'surprise',
  'neutral',
] as const satisfies readonly CanonicalClass[];

export type DemoClass = (typeof DEMO_CLASSES)[number];

export function isDemoClass(value: string): value is DemoClass {
  return (DEMO_CLASSES as readonly string[]).includes(value);
}
