/**
 * Seeded randomness. One run seed drives everything random (shuffling, initialisation,
 * augmentation, pseudo-label tie-breaks); each use draws from its own named stream, so
 * adding a random call in one place does not change the numbers of another.
 */

/** 32-bit FNV-1a hash of a string, to turn stream names into seeds. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A seeded generator of floats in [0, 1) (mulberry32: small, fast, good enough for ML bookkeeping). */
export interface Rng {
  next: () => number;
  /** Integer in [0, n). */
  int: (n: number) => number;
  /** A fresh 32-bit seed (for tfjs initialisers, which take a number). */
  seed: () => number;
}

/**
 * mulberry32: a small, well-mixed 32-bit generator of floats in [0, 1). The project's one
 * implementation: model initialisation, the demo generator, fixtures and tests all use it.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function rngFromSeed(seed: number): Rng {
  const next = mulberry32(seed);
  return {
    next,
    int: (n) => Math.floor(next() * n),
    seed: () => Math.floor(next() * 4294967296) >>> 0,
  };
}

/** The generator for one named use of a run's seed, e.g. stream(seed, 'shuffle/epoch-3'). */
export function stream(seed: number, name: string): Rng {
  return rngFromSeed((Math.imul(seed >>> 0, 0x9e3779b1) ^ hashString(name)) >>> 0);
}

/** Fisher-Yates shuffle into a new array. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}
