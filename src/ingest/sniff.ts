/**
 * Cheap first gate for dropped files: magic bytes, extension and header sanity. Reads only a
 * few KB from the start (and a few bytes near the end) of each file. A corrupt body is found
 * later, by decoding.
 */
import type { FileProblem, SourceFile } from './types';

export type MediaFormat =
  // videos the app decodes (natively in Chrome, or with ffmpeg.wasm for AVI/MKV)
  | 'mp4'
  | 'mov'
  | 'webm'
  | 'mkv'
  | 'avi'
  // images the browser decodes
  | 'png'
  | 'jpeg'
  | 'gif'
  | 'bmp'
  | 'webp'
  | 'avif'
  // known, but not supported
  | 'heic'
  | 'tiff'
  | 'flv'
  | 'asf'
  | 'mpeg'
  | 'zip'
  | 'gzip'
  | 'rar'
  | '7z'
  | 'pdf'
  | 'utf16'
  // text
  | 'csv'
  | 'text'
  | 'unknown';

export type FormatKind = 'video' | 'image' | 'text' | 'unknown';

export interface SniffResult {
  format: MediaFormat;
  kind: FormatKind;
  mime: string;
  /** True when the format is known but the app cannot use it. */
  unsupported?: boolean;
}

/** Bytes read from the start of a file by `checkFile`. */
export const HEAD_BYTES = 4096;
/** Default size limit: 4 GiB. */
export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 ** 3;

const SUPPORTED: Record<string, { kind: FormatKind; mime: string }> = {
  mp4: { kind: 'video', mime: 'video/mp4' },
  mov: { kind: 'video', mime: 'video/quicktime' },
  webm: { kind: 'video', mime: 'video/webm' },
  mkv: { kind: 'video', mime: 'video/x-matroska' },
  avi: { kind: 'video', mime: 'video/x-msvideo' },
  png: { kind: 'image', mime: 'image/png' },
  jpeg: { kind: 'image', mime: 'image/jpeg' },
  gif: { kind: 'image', mime: 'image/gif' },
  bmp: { kind: 'image', mime: 'image/bmp' },
  webp: { kind: 'image', mime: 'image/webp' },
  avif: { kind: 'image', mime: 'image/avif' },
  csv: { kind: 'text', mime: 'text/csv' },
  text: { kind: 'text', mime: 'text/plain' },
};

const UNSUPPORTED: Record<string, { kind: FormatKind; mime: string }> = {
  heic: { kind: 'image', mime: 'image/heic' },
  tiff: { kind: 'image', mime: 'image/tiff' },
  flv: { kind: 'video', mime: 'video/x-flv' },
  asf: { kind: 'video', mime: 'video/x-ms-asf' },
  mpeg: { kind: 'video', mime: 'video/mpeg' },
  zip: { kind: 'unknown', mime: 'application/zip' },
  gzip: { kind: 'unknown', mime: 'application/gzip' },
  rar: { kind: 'unknown', mime: 'application/vnd.rar' },
  '7z': { kind: 'unknown', mime: 'application/x-7z-compressed' },
  pdf: { kind: 'unknown', mime: 'application/pdf' },
  utf16: { kind: 'text', mime: 'text/plain; charset=utf-16' },
};

function result(format: MediaFormat): SniffResult {
  const s = SUPPORTED[format];
  if (s) return { format, kind: s.kind, mime: s.mime };
  const u = UNSUPPORTED[format];
  if (u) return { format, kind: u.kind, mime: u.mime, unsupported: true };
  return { format: 'unknown', kind: 'unknown', mime: 'application/octet-stream' };
}

function startsWith(b: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (b.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[at + i] !== sig[i]) return false;
  return true;
}

const u32be = (b: Uint8Array, at: number): number =>
  (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>>
  0;
const u32le = (b: Uint8Array, at: number): number =>
  ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>>
  0;

function ascii(b: Uint8Array, at: number, len: number): string {
  let s = '';
  for (let i = at; i < at + len && i < b.length; i++) s += String.fromCharCode(b[i] ?? 0);
  return s;
}

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
const EBML_SIG = [0x1a, 0x45, 0xdf, 0xa3] as const;

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

/** Classifies a file from its first bytes. */
export function sniffFormat(head: Uint8Array): SniffResult {
  if (startsWith(head, PNG_SIG)) return result('png');
  if (startsWith(head, [0xff, 0xd8, 0xff])) return result('jpeg');
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return result('gif');
  if (ascii(head, 0, 2) === 'BM' && isBmpHeader(head)) return result('bmp');
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return result('utf16');
  if (ascii(head, 0, 4) === 'RIFF') {
    const sub = ascii(head, 8, 4);
    if (sub === 'AVI ') return result('avi');
    if (sub === 'WEBP') return result('webp');
  }
  if (head[0] === 0 && ascii(head, 4, 4) === 'ftyp') {
    const brand = ascii(head, 8, 4);
    if (brand === 'qt  ') return result('mov');
    if (AVIF_BRANDS.has(brand)) return result('avif');
    if (HEIF_BRANDS.has(brand)) return result('heic');
    return result('mp4');
  }
  // QuickTime files without ftyp start with moov/mdat/wide/free boxes.
  if (head[0] === 0 && ['moov', 'mdat', 'wide', 'free', 'skip'].includes(ascii(head, 4, 4))) {
    return result('mov');
  }
  if (startsWith(head, EBML_SIG)) {
    // The DocType string sits inside the EBML header; look for it in the first bytes.
    const text = ascii(head, 0, Math.min(head.length, 64));
    return result(text.includes('webm') ? 'webm' : 'mkv');
  }
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) {
    return result('tiff');
  }
  if (ascii(head, 0, 3) === 'FLV') return result('flv');
  if (startsWith(head, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11])) return result('asf');
  if (startsWith(head, [0x00, 0x00, 0x01, 0xba]) || startsWith(head, [0x00, 0x00, 0x01, 0xb3])) {
    return result('mpeg');
  }
  if (head[0] === 0x47 && head.length >= 189 && head[188] === 0x47) return result('mpeg'); // MPEG-TS
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
    return result('zip');
  }
  if (startsWith(head, [0x1f, 0x8b])) return result('gzip');
  if (ascii(head, 0, 4) === 'Rar!') return result('rar');
  if (startsWith(head, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return result('7z');
  if (ascii(head, 0, 5) === '%PDF-') return result('pdf');
  if (looksLikeText(head)) return result(looksLikeCsv(head) ? 'csv' : 'text');
  return result('unknown');
}

/** A BMP file header: reserved bytes zero and a known DIB header size. */
function isBmpHeader(head: Uint8Array): boolean {
  if (head.length < 18) return head.length >= 10 && u32le(head, 6) === 0;
  return u32le(head, 6) === 0 && [12, 40, 52, 56, 64, 108, 124].includes(u32le(head, 14));
}

/** UTF-8 (or ASCII) text: no NUL bytes, few control characters, valid UTF-8 apart from a cut tail. */
function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  let control = 0;
  for (const b of head) {
    if (b === 0) return false;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12) control++;
  }
  if (control > head.length / 100) return false;
  // Drop a possibly cut multi-byte character at the end, then require valid UTF-8.
  let end = head.length;
  for (let k = 1; k <= 3 && end - k >= 0; k++) {
    const b = head[end - k] ?? 0;
    if ((b & 0xc0) === 0xc0) {
      end -= k;
      break;
    }
    if ((b & 0x80) === 0) break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** Text whose first lines have the same number (> 1) of commas outside quotes. */
function looksLikeCsv(head: Uint8Array): boolean {
  const text = new TextDecoder().decode(head);
  const lines = text.split(/\r?\n/).slice(0, 5);
  if (head.length === HEAD_BYTES || lines.length > 1) lines.pop(); // last line may be cut
  const counts = lines
    .filter((l) => l.length > 0)
    .map((l) => l.replace(/"[^"]*"/g, '').split(',').length);
  const first = counts[0];
  return first !== undefined && first > 1 && counts.every((c) => c === first);
}

const EXT_KIND: Record<string, FormatKind> = {
  mp4: 'video',
  m4v: 'video',
  mov: 'video',
  qt: 'video',
  webm: 'video',
  mkv: 'video',
  avi: 'video',
  flv: 'video',
  wmv: 'video',
  asf: 'video',
  mpg: 'video',
  mpeg: 'video',
  ts: 'video',
  '3gp': 'video',
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  jpe: 'image',
  gif: 'image',
  bmp: 'image',
  webp: 'image',
  avif: 'image',
  heic: 'image',
  heif: 'image',
  tif: 'image',
  tiff: 'image',
  csv: 'text',
  txt: 'text',
  tsv: 'text',
  json: 'text',
};

/** Lower-case extension of a path without the dot ('' when none). */
export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** What a file's extension says it is. */
export function extensionKind(path: string): FormatKind {
  return EXT_KIND[extensionOf(path)] ?? 'unknown';
}

async function readBytes(blob: Blob, start: number, end: number): Promise<Uint8Array> {
  // A range that is the whole file is read without slicing: each Blob.slice costs the page a
  // round trip to the browser, which on 5,000 small files added up to long main-thread tasks.
  if (start <= 0 && end >= blob.size) return new Uint8Array(await blob.arrayBuffer());
  return new Uint8Array(await blob.slice(start, end).arrayBuffer());
}

function lastIndexOfBytes(hay: Uint8Array, needle: readonly number[]): number {
  outer: for (let i = hay.length - needle.length; i >= 0; i--) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

/** What is wrong with a header: cut short, or bytes that make no sense. */
interface HeaderFault {
  code: 'truncated' | 'corrupt';
  message: string;
}
const cut = (message: string): HeaderFault => ({ code: 'truncated', message });
const bad = (message: string): HeaderFault => ({ code: 'corrupt', message });

/**
 * Checks that the container's own size fields fit the file. Returns a message when the file
 * looks cut short, else null. Reads a few small slices at most.
 */
async function truncation(
  blob: Blob,
  head: Uint8Array,
  format: MediaFormat,
): Promise<HeaderFault | null> {
  const size = blob.size;
  switch (format) {
    case 'png': {
      if (size < 33)
        return cut(`a PNG needs at least 33 bytes for its header, this one has ${size}`);
      if (ascii(head, 12, 4) !== 'IHDR') return bad('the PNG header chunk (IHDR) is missing');
      const tail = await readBytes(blob, Math.max(0, size - 1024), size);
      if (lastIndexOfBytes(tail, [0x49, 0x45, 0x4e, 0x44]) < 0) {
        return cut('the PNG has no end chunk (IEND): the file was cut short');
      }
      return null;
    }
    case 'jpeg': {
      const tail = await readBytes(blob, Math.max(0, size - 1024), size);
      if (lastIndexOfBytes(tail, [0xff, 0xd9]) < 0) {
        return cut('the JPEG has no end marker (FFD9): the file was cut short');
      }
      return null;
    }
    case 'gif': {
      if (size < 14) return cut(`a GIF needs at least 14 bytes, this one has ${size}`);
      const tail = await readBytes(blob, Math.max(0, size - 16), size);
      const lastNonZero = [...tail].reverse().find((b) => b !== 0);
      if (lastNonZero !== 0x3b) return cut('the GIF has no trailer byte: the file was cut short');
      return null;
    }
    case 'bmp': {
      if (size < 26) return cut(`a BMP needs at least 26 bytes, this one has ${size}`);
      const declared = u32le(head, 2);
      if (declared > size)
        return cut(`the BMP header says ${declared} bytes but the file has ${size}`);
      return null;
    }
    case 'avi':
    case 'webp': {
      const min = format === 'avi' ? 64 : 20;
      if (size < min) return cut(`this ${format.toUpperCase()} has only ${size} bytes`);
      const declared = u32le(head, 4) + 8;
      if (declared > size) {
        return cut(`the RIFF header says ${declared} bytes but the file has ${size}`);
      }
      return null;
    }
    case 'mp4':
    case 'mov':
    case 'avif':
      return isoBmffTruncation(blob, size, format !== 'avif');
    case 'webm':
    case 'mkv':
      return ebmlTruncation(head, size);
    default:
      return null;
  }
}

/** Walks the top-level boxes of an MP4/MOV file. */
async function isoBmffTruncation(
  blob: Blob,
  size: number,
  needMoov: boolean,
): Promise<HeaderFault | null> {
  if (size < 32) return cut(`an MP4/MOV file needs at least 32 bytes, this one has ${size}`);
  let offset = 0;
  let sawMoov = false;
  for (let n = 0; n < 256 && offset < size; n++) {
    if (size - offset < 8) return cut(`a box header at byte ${offset} is cut short`);
    const h = await readBytes(blob, offset, Math.min(size, offset + 16));
    let boxSize = u32be(h, 0);
    const type = ascii(h, 4, 4);
    if (!/^[\x20-\x7e]{4}$/.test(type)) {
      const hex = Array.from(h.subarray(4, 8), (x) => x.toString(16).padStart(2, '0')).join(' ');
      return bad(`garbage where a box header should be, at byte ${offset} (type bytes ${hex})`);
    }
    if (type === 'moov') sawMoov = true;
    if (boxSize === 1) {
      if (h.length < 16) return cut(`the box '${type}' at byte ${offset} is cut short`);
      boxSize = u32be(h, 8) * 2 ** 32 + u32be(h, 12);
    } else if (boxSize === 0) {
      boxSize = size - offset; // runs to the end of the file
    }
    if (boxSize < 8)
      return bad(`the box '${type}' at byte ${offset} has an impossible size ${boxSize}`);
    if (offset + boxSize > size) {
      return cut(
        `the box '${type}' at byte ${offset} needs ${offset + boxSize} bytes but the file has ${size}`,
      );
    }
    offset += boxSize;
  }
  if (needMoov && !sawMoov && offset >= size) {
    return cut('no movie header (moov box): the recording was cut short or never finalised');
  }
  return null;
}

/** Reads an EBML variable-length integer; null when malformed or not in `b`. */
function ebmlVint(
  b: Uint8Array,
  at: number,
  keepMarker: boolean,
): { value: number; length: number; unknown: boolean } | null {
  const first = b[at];
  if (first === undefined || first === 0) return null;
  let length = 1;
  while (length <= 8 && (first & (0x80 >> (length - 1))) === 0) length++;
  if (length > 8 || at + length > b.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = (first & (0xff >> length)) === 0xff >> length;
  for (let k = 1; k < length; k++) {
    const byte = b[at + k] ?? 0;
    value = value * 256 + byte;
    if (byte !== 0xff) allOnes = false;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

function ebmlTruncation(head: Uint8Array, size: number): HeaderFault | null {
  if (size < 32) return cut(`a WebM/MKV file needs at least 32 bytes, this one has ${size}`);
  const hdrSize = ebmlVint(head, 4, false);
  if (!hdrSize) return bad('the EBML header is malformed');
  const segAt = 4 + hdrSize.length + hdrSize.value;
  if (segAt >= size) return cut('the file ends inside its EBML header');
  if (segAt + 12 > head.length) return null; // the header is larger than what we read: not checked
  const id = ebmlVint(head, segAt, true);
  if (!id || id.value !== 0x18538067) return null; // not a Segment next: leave it to the decoder
  const segSize = ebmlVint(head, segAt + id.length, false);
  if (!segSize) return bad('the Segment header is malformed');
  if (segSize.unknown) return null; // live recordings leave the size open
  const declared = segAt + id.length + segSize.length + segSize.value;
  if (declared > size) return cut(`the Segment says ${declared} bytes but the file has ${size}`);
  return null;
}

export interface CheckOptions {
  /** Larger files are refused ('too-large'); default 4 GiB. */
  maxBytes?: number;
}

export interface ProbeHeaderResult {
  problem: FileProblem | null;
  sniff: SniffResult | null;
}

/**
 * Like `checkFile`, but also returns what the bytes were found to be (for the item's mime).
 */
export async function probeHeader(
  src: SourceFile,
  expected: 'video' | 'image' | 'text',
  opts: CheckOptions = {},
): Promise<ProbeHeaderResult> {
  const { path, file } = src;
  const fail = (code: FileProblem['code'], message: string, sniff: SniffResult | null = null) => ({
    problem: { path, code, message },
    sniff,
  });
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (file.size === 0) return fail('zero-byte', 'the file is empty (0 bytes)');
  if (file.size > maxBytes) {
    return fail('too-large', `the file has ${file.size} bytes, more than the limit of ${maxBytes}`);
  }
  const head = await readBytes(file, 0, Math.min(file.size, HEAD_BYTES));
  const sniff = sniffFormat(head);
  const extKind = extensionKind(path);
  const ext = extensionOf(path);

  if (sniff.kind === 'unknown' && sniff.format === 'unknown') {
    // Could be the start of a known signature cut off.
    if (file.size < 12 && isSignaturePrefix(head)) {
      return fail('truncated', `the file has only ${file.size} bytes: its header is cut short`);
    }
    return fail('unsupported', `unrecognised contents (not a known ${expected} format)`, sniff);
  }
  const kindsDiffer =
    extKind !== 'unknown' &&
    sniff.kind !== 'unknown' &&
    extKind !== sniff.kind &&
    // a .txt/.csv that sniffed as the other text flavour is fine; text never contradicts text
    !(extKind === 'text' && sniff.kind === 'text');
  if (kindsDiffer || (sniff.kind === 'unknown' && extKind !== 'unknown')) {
    return fail(
      'wrong-extension',
      `the name says ${ext ? `.${ext}` : 'no extension'} (${extKind}) but the bytes are ${describe(sniff)}`,
      sniff,
    );
  }
  if (sniff.unsupported) {
    return fail('unsupported', `${describe(sniff)} is not supported`, sniff);
  }
  if (sniff.kind !== expected) {
    return fail('unsupported', `expected ${expected}, found ${describe(sniff)}`, sniff);
  }
  const fault = await truncation(file, head, sniff.format);
  if (fault) return fail(fault.code, fault.message, sniff);
  return { problem: null, sniff };
}

/**
 * The cheap first gate for one file: empty, too large, extension contradicted by the bytes,
 * unsupported or unknown bytes, a header cut short ('truncated') or nonsensical ('corrupt'). Reads only the first 4 KB and a few
 * small slices. Returns null when the file may proceed to decoding.
 */
export async function checkFile(
  src: SourceFile,
  expected: 'video' | 'image' | 'text',
  opts: CheckOptions = {},
): Promise<FileProblem | null> {
  return (await probeHeader(src, expected, opts)).problem;
}

const SIGNATURES: readonly (readonly number[])[] = [
  PNG_SIG,
  [0xff, 0xd8, 0xff],
  [0x47, 0x49, 0x46, 0x38],
  [0x52, 0x49, 0x46, 0x46],
  EBML_SIG,
];

/** True when `head` is a proper prefix of a known signature (or of an MP4 `....ftyp`). */
function isSignaturePrefix(head: Uint8Array): boolean {
  if (head.length > 4 && head.length < 8 && head[0] === 0) {
    if ('ftyp'.startsWith(ascii(head, 4, head.length - 4))) return true;
  }
  return SIGNATURES.some(
    (sig) => head.length > 0 && head.length < sig.length && head.every((b, i) => b === sig[i]),
  );
}

function describe(s: SniffResult): string {
  if (s.format === 'csv') return 'CSV text';
  if (s.format === 'text') return 'plain text';
  if (s.format === 'unknown') return 'unrecognised bytes';
  const names: Partial<Record<MediaFormat, string>> = {
    zip: 'a ZIP archive (unpack it first)',
    gzip: 'a gzip archive (unpack it first)',
    rar: 'a RAR archive (unpack it first)',
    '7z': 'a 7-Zip archive (unpack it first)',
    pdf: 'a PDF document',
    utf16: 'UTF-16 text (save it as UTF-8)',
  };
  return names[s.format] ?? `a ${s.format.toUpperCase()} ${s.kind}`;
}
