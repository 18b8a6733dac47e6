/**
 * Hand-built file headers for ingest unit tests (test-only; nothing in the app imports this).
 * Each builder makes the smallest bytes that pass `checkFile` for its format.
 */
import type { SourceFile } from '../../ingest/types';

export type Bytes = Uint8Array<ArrayBuffer>;

function concat(...parts: (Bytes | readonly number[] | string)[]): Bytes {
  const arrays = parts.map((p) =>
    typeof p === 'string'
      ? new TextEncoder().encode(p)
      : p instanceof Uint8Array
        ? p
        : Uint8Array.from(p),
  );
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

const be32 = (n: number): number[] => [
  (n >>> 24) & 255,
  (n >>> 16) & 255,
  (n >>> 8) & 255,
  n & 255,
];
const le32 = (n: number): number[] => [
  n & 255,
  (n >>> 8) & 255,
  (n >>> 16) & 255,
  (n >>> 24) & 255,
];

/** PNG: signature, IHDR (w x h, 8-bit grey), one empty IDAT, IEND (CRCs are not checked here). */
export function pngBytes(w = 2, h = 2): Bytes {
  const chunk = (type: string, data: number[]): Bytes =>
    concat(be32(data.length), type, data, [0, 0, 0, 0]);
  return concat(
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    chunk('IHDR', [...be32(w), ...be32(h), 8, 0, 0, 0, 0]),
    chunk('IDAT', [0x78, 0x9c, 0x03, 0x00]),
    chunk('IEND', []),
  );
}

export function jpegBytes(): Bytes {
  return concat(
    [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10],
    'JFIF',
    new Array<number>(200).fill(7),
    [0xff, 0xd9],
  );
}

export function gifBytes(): Bytes {
  return concat('GIF89a', [1, 0, 1, 0, 0, 0, 0], new Array<number>(10).fill(1), [0x3b]);
}

export function bmpBytes(): Bytes {
  const size = 14 + 40 + 4;
  return concat(
    'BM',
    le32(size),
    [0, 0, 0, 0],
    le32(54),
    le32(40),
    new Array<number>(36 + 4).fill(0),
  );
}

function riff(form: string, body: Bytes): Bytes {
  return concat('RIFF', le32(4 + body.length), form, body);
}

export function webpBytes(): Bytes {
  return riff('WEBP', concat('VP8 ', le32(10), new Array<number>(10).fill(0)));
}

export function aviBytes(bodyBytes = 120): Bytes {
  return riff(
    'AVI ',
    concat('LIST', le32(bodyBytes - 8), new Array<number>(bodyBytes - 8).fill(0)),
  );
}

function box(type: string, body: Bytes | number[]): Bytes {
  const b = body instanceof Uint8Array ? body : Uint8Array.from(body);
  return concat(be32(8 + b.length), type, b);
}

export function mp4Bytes(brand = 'isom', mdatBytes = 64): Bytes {
  return concat(
    box('ftyp', concat(brand, [0, 0, 2, 0], brand)),
    box('moov', new Array<number>(40).fill(0)),
    box('mdat', new Array<number>(mdatBytes).fill(0)),
  );
}

/** WebM/MKV: EBML header with a DocType, then a Segment of known size. */
export function ebmlBytes(docType = 'webm', segmentBody = 64): Bytes {
  const doc = concat([0x42, 0x82, 0x80 | docType.length], docType);
  return concat(
    [0x1a, 0x45, 0xdf, 0xa3, 0x80 | doc.length],
    doc,
    [0x18, 0x53, 0x80, 0x67, 0x40 | (segmentBody >> 8), segmentBody & 255],
    new Array<number>(segmentBody).fill(0),
  );
}

export function text(s: string): Bytes {
  return new TextEncoder().encode(s);
}

/** A SourceFile around some bytes. */
export function src(path: string, bytes: Bytes | string): SourceFile {
  const b = typeof bytes === 'string' ? text(bytes) : bytes;
  return { path, file: new Blob([b]) };
}
