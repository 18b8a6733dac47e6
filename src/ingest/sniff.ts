/**
 * Cheap first gate for dropped files: magic bytes, extension and header sanity. Reads only a
 * few KB from the start (and a few bytes near the end) of each file. A corrupt body is found
 * later, by decoding.
 */
import { isSignaturePrefix, sniffFormat, type MediaFormat, type SniffResult } from './formats';
import { extensionKind, extensionOf } from './extensions';
import { HEAD_BYTES, readBytes } from './headerBytes';
import { truncation } from './truncation';
import type { FileProblem, SourceFile } from './types';

// Sniffing, extensions and the head size live in their own modules; re-exported here so the
// header gate keeps one entry point (docs/ingest.md lists these under sniff.ts).
export { sniffFormat, type FormatKind, type MediaFormat, type SniffResult } from './formats';
export { extensionKind, extensionOf } from './extensions';
export { HEAD_BYTES } from './headerBytes';

/** Default size limit: 4 GiB. */
export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 ** 3;

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
