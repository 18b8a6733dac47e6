/**
 * What a file is, from its first bytes: magic numbers for the video, image, archive and
 * document formats we know, and a UTF-8 / CSV check for text.
 */
import { ascii, HEAD_BYTES, startsWith, u32le } from './headerBytes';

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

const SIGNATURES: readonly (readonly number[])[] = [
  PNG_SIG,
  [0xff, 0xd8, 0xff],
  [0x47, 0x49, 0x46, 0x38],
  [0x52, 0x49, 0x46, 0x46],
  EBML_SIG,
];

/** True when `head` is a proper prefix of a known signature (or of an MP4 `....ftyp`). */
export function isSignaturePrefix(head: Uint8Array): boolean {
  if (head.length > 4 && head.length < 8 && head[0] === 0) {
    if ('ftyp'.startsWith(ascii(head, 4, head.length - 4))) return true;
  }
  return SIGNATURES.some(
    (sig) => head.length > 0 && head.length < sig.length && head.every((b, i) => b === sig[i]),
  );
}
