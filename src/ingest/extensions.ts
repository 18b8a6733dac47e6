/** What a file's name says it is: the extension and the kind of file it usually names. */
import type { FormatKind } from './formats';

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
