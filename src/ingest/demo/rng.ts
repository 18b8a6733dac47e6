/**
 * Seeded randomness for the demo generator. Everything random in a generated dataset comes
 * from here, so one seed reproduces every byte.
 *
 * - `createRng(seed)`: a small 32-bit generator (the "mulberry32" construction: add a Weyl
 *   constant, then two xor-shift-multiply rounds). Period 2^32, fast, and identical in every
 *   JS engine because it only uses `Math.imul` and 32-bit shifts.
 * - `deriveSeed(seed, ...parts)`: the seed of one sub-stream (a clip, an identity, a frame's
 *   noise), made by hashing the dataset seed with the part names and numbers (FNV-1a over the
 *   parts, then a murmur3-style finaliser). Sub-streams are independent of generation order:
 *   clip `train/happy/3` gets the same pixels whether 3 or 300 clips are made around it.
 */
import { mulberry32 } from '../../compute/random';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box-Muller; uses two draws). */
  normal(): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** +1 or -1 with equal probability. */
  sign(): number;
}

/** Finaliser that spreads every input bit over the output (murmur3's fmix32). */
export function mix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * The seed of the sub-stream named by `parts` under `seed`. Numbers are hashed by their
 * 32-bit value, strings by their UTF-16 code units, each part followed by a separator.
 */
export function deriveSeed(seed: number, ...parts: readonly (number | string)[]): number {
  let h = 0x811c9dc5 ^ mix32(seed);
  const feed = (v: number): void => {
    h ^= v & 0xffff;
    h = Math.imul(h, 0x01000193);
    h ^= v >>> 16;
    h = Math.imul(h, 0x01000193);
  };
  for (const part of parts) {
    if (typeof part === 'number') feed(part >>> 0);
    else for (let i = 0; i < part.length; i++) feed(part.charCodeAt(i));
    feed(0x1f); // separator: ('ab', 'c') and ('a', 'bc') differ
  }
  return mix32(h);
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (n) => Math.floor(next() * n),
    normal: () => {
      const u = 1 - next(); // (0, 1]: log is finite
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    chance: (p) => next() < p,
    sign: () => (next() < 0.5 ? -1 : 1),
  };
}
