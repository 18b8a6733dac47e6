/**
 * Byte-level helpers for the header gate: signature matching, fixed-width integers, ASCII
 * tags and small reads from a Blob.
 */

/** Bytes read from the start of a file by `checkFile`. */
export const HEAD_BYTES = 4096;

export function startsWith(b: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (b.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[at + i] !== sig[i]) return false;
  return true;
}

export const u32be = (b: Uint8Array, at: number): number =>
  (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>>
  0;
export const u32le = (b: Uint8Array, at: number): number =>
  ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>>
  0;

export function ascii(b: Uint8Array, at: number, len: number): string {
  let s = '';
  for (let i = at; i < at + len && i < b.length; i++) s += String.fromCharCode(b[i] ?? 0);
  return s;
}

export async function readBytes(blob: Blob, start: number, end: number): Promise<Uint8Array> {
  // A range that is the whole file is read without slicing: each Blob.slice costs the page a
  // round trip to the browser, which on 5,000 small files added up to long main-thread tasks.
  if (start <= 0 && end >= blob.size) return new Uint8Array(await blob.arrayBuffer());
  return new Uint8Array(await blob.slice(start, end).arrayBuffer());
}

export function lastIndexOfBytes(hay: Uint8Array, needle: readonly number[]): number {
  outer: for (let i = hay.length - needle.length; i >= 0; i--) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}
