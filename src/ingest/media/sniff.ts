/**
 * Content sniffing and cheap structural checks on the first and last bytes of a file, done
 * before any decoder runs: it tells what a file really is (whatever its extension says) and
 * whether its container declares more bytes than the file holds (a truncated download).
 */

export type ContainerKind =
  | 'mp4' // ISO-BMFF / QuickTime (ftyp, moov, mdat...)
  | 'matroska' // WebM / MKV (EBML)
  | 'avi' // RIFF AVI
  | 'flv'
  | 'ogg'
  | 'mpegts'
  | 'png'
  | 'jpeg'
  | 'gif'
  | 'webp'
  | 'bmp'
  | 'text'
  | 'unknown';

export interface Sniffed {
  container: ContainerKind;
  kind: 'video' | 'image' | 'text' | 'unknown';
  mime: string;
}

const ascii = (b: Uint8Array, from: number, len: number): string =>
  String.fromCharCode(...b.subarray(from, from + len));

const MIME: Record<ContainerKind, string> = {
  mp4: 'video/mp4',
  matroska: 'video/webm',
  avi: 'video/x-msvideo',
  flv: 'video/x-flv',
  ogg: 'video/ogg',
  mpegts: 'video/mp2t',
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  text: 'text/plain',
  unknown: 'application/octet-stream',
};

function kindOf(c: ContainerKind): Sniffed['kind'] {
  if (c === 'png' || c === 'jpeg' || c === 'gif' || c === 'webp' || c === 'bmp') return 'image';
  if (c === 'text') return 'text';
  if (c === 'unknown') return 'unknown';
  return 'video';
}

/** Looks at the first bytes (64 are plenty) and names the format. */
export function sniff(head: Uint8Array, name = ''): Sniffed {
  const c = sniffContainer(head);
  let mime = MIME[c];
  const ext = extensionOf(name);
  if (c === 'mp4' && (ext === 'mov' || ascii(head, 8, 4) === 'qt  ')) mime = 'video/quicktime';
  if (c === 'matroska' && ext === 'mkv') mime = 'video/x-matroska';
  return { container: c, kind: kindOf(c), mime };
}

function sniffContainer(b: Uint8Array): ContainerKind {
  if (b.length >= 8) {
    const box = ascii(b, 4, 4);
    if (box === 'ftyp' || box === 'moov' || box === 'mdat' || box === 'free' || box === 'wide')
      return 'mp4';
  }
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'matroska';
  if (ascii(b, 0, 4) === 'RIFF') {
    const form = ascii(b, 8, 4);
    if (form === 'AVI ') return 'avi';
    if (form === 'WEBP') return 'webp';
  }
  if (ascii(b, 0, 3) === 'FLV') return 'flv';
  if (ascii(b, 0, 4) === 'OggS') return 'ogg';
  if (b[0] === 0x47 && b[188] === 0x47) return 'mpegts';
  if (b[0] === 0x89 && ascii(b, 1, 3) === 'PNG') return 'png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (ascii(b, 0, 4) === 'GIF8') return 'gif';
  if (ascii(b, 0, 2) === 'BM' && b.length > 14) return 'bmp';
  if (looksLikeText(b)) return 'text';
  return 'unknown';
}

function looksLikeText(b: Uint8Array): boolean {
  if (b.length === 0) return false;
  for (const x of b) {
    // Printable ASCII, tab/CR/LF, or UTF-8 multibyte bytes.
    if (!((x >= 0x20 && x < 0x7f) || x === 9 || x === 10 || x === 13 || x >= 0x80)) return false;
  }
  return true;
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

const VIDEO_EXT = new Set([
  'mp4',
  'm4v',
  'mov',
  'webm',
  'mkv',
  'avi',
  'flv',
  'ogv',
  'ts',
  'mts',
  'mpg',
  'mpeg',
  'wmv',
  '3gp',
]);
const IMAGE_EXT = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp']);

export function isVideoName(name: string): boolean {
  return VIDEO_EXT.has(extensionOf(name));
}
export function isImageName(name: string): boolean {
  return IMAGE_EXT.has(extensionOf(name));
}

/**
 * What the container's own size fields say about the file's completeness.
 * 'truncated': a box/element/chunk declares more bytes than the file has.
 * 'garbage': the structure stops making sense (non-ASCII box types, impossible sizes).
 */
export type Structure = 'ok' | 'truncated' | 'garbage' | 'unchecked';

/**
 * Walks the top level of an MP4 (boxes), checks a Matroska Segment's size, or an AVI's RIFF
 * size against the file's length. `head` must hold the first bytes; for MP4 the walk reads
 * box headers at arbitrary offsets through `readAt`.
 */
export async function checkStructure(
  container: ContainerKind,
  size: number,
  readAt: (offset: number, length: number) => Promise<Uint8Array>,
): Promise<Structure> {
  if (container === 'mp4') return checkMp4(size, readAt);
  if (container === 'avi') {
    const h = await readAt(0, 12);
    const riff = new DataView(h.buffer, h.byteOffset, h.byteLength).getUint32(4, true);
    return riff + 8 > size ? 'truncated' : 'ok';
  }
  if (container === 'matroska') return checkMatroska(size, readAt);
  return 'unchecked';
}

const BOX_TYPE = /^[a-zA-Z0-9 ©_-]{4}$/;

async function checkMp4(
  size: number,
  readAt: (offset: number, length: number) => Promise<Uint8Array>,
): Promise<Structure> {
  let off = 0;
  let boxes = 0;
  while (off + 8 <= size && boxes < 10_000) {
    const h = await readAt(off, 16);
    const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
    let boxSize = v.getUint32(0);
    const type = ascii(h, 4, 4);
    if (!BOX_TYPE.test(type)) return 'garbage';
    if (boxSize === 1) {
      if (h.length < 16) return 'truncated';
      boxSize = Number(v.getBigUint64(8));
    } else if (boxSize === 0) {
      boxSize = size - off; // "to end of file"
    }
    if (boxSize < 8) return 'garbage';
    if (off + boxSize > size) {
      // A plausible box that runs past the end: the file was cut. An absurd one is noise.
      return boxSize > size * 16 + (1 << 20) ? 'garbage' : 'truncated';
    }
    off += boxSize;
    boxes++;
  }
  return off === size || size - off < 8 ? 'ok' : 'truncated';
}

/** Reads an EBML variable-length integer; returns [value, length] (value -1 for "unknown"). */
function readVint(b: Uint8Array, at: number, keepMarker: boolean): [number, number] {
  const first = b[at] ?? 0;
  let len = 1;
  while (len <= 8 && !(first & (0x80 >> (len - 1)))) len++;
  if (len > 8) return [-2, 1];
  let value = keepMarker ? first : first & (0xff >> len);
  let allOnes = value === 0xff >> len;
  for (let i = 1; i < len; i++) {
    const x = b[at + i] ?? 0;
    if (x !== 0xff) allOnes = false;
    value = value * 256 + x;
  }
  return [!keepMarker && allOnes ? -1 : value, len];
}

async function checkMatroska(
  size: number,
  readAt: (offset: number, length: number) => Promise<Uint8Array>,
): Promise<Structure> {
  const h = await readAt(0, 64);
  // EBML header element
  const [, idLen] = readVint(h, 0, true);
  const [ebmlSize, szLen] = readVint(h, idLen, false);
  if (ebmlSize < 0) return 'garbage';
  const segAt = idLen + szLen + ebmlSize;
  const s = await readAt(segAt, 12);
  const [segId, segIdLen] = readVint(s, 0, true);
  if (segId !== 0x18538067) return 'garbage';
  const [segSize, segSzLen] = readVint(s, segIdLen, false);
  if (segSize === -1) return 'unchecked'; // live-streamed WebM: size unknown
  if (segSize < 0) return 'garbage';
  return segAt + segIdLen + segSzLen + segSize > size ? 'truncated' : 'ok';
}

/** Reads a byte range of a Blob. */
export async function readBlobRange(
  blob: Blob,
  offset: number,
  length: number,
): Promise<Uint8Array> {
  // The whole file: read without a slice (see readBytes in ../sniff.ts).
  if (offset <= 0 && offset + length >= blob.size) return new Uint8Array(await blob.arrayBuffer());
  return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
}

/** Child boxes of an ISO-BMFF box payload: [type, payloadStart, end] within `b`. */
function* boxes(b: Uint8Array, from: number, to: number): Generator<[string, number, number]> {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let off = from;
  while (off + 8 <= to) {
    let size = v.getUint32(off);
    let header = 8;
    if (size === 1 && off + 16 <= to) {
      size = Number(v.getBigUint64(off + 8));
      header = 16;
    } else if (size === 0) size = to - off;
    if (size < header || off + size > to) return;
    yield [ascii(b, off + 4, 4), off + header, off + size];
    off += size;
  }
}

/**
 * Frame rate of the first video track of an MP4, from its sample table: number of samples
 * (stts) over the track's duration (mdhd). Null if the file is not a readable MP4.
 */
export async function mp4FrameRate(blob: Blob): Promise<number | null> {
  // Find the moov box at the top level.
  let off = 0;
  let moov: Uint8Array | null = null;
  while (off + 8 <= blob.size) {
    const h = await readBlobRange(blob, off, 16);
    const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
    let size = v.getUint32(0);
    if (size === 1) size = Number(v.getBigUint64(8));
    else if (size === 0) size = blob.size - off;
    if (size < 8) return null;
    if (ascii(h, 4, 4) === 'moov') {
      moov = await readBlobRange(blob, off, size);
      break;
    }
    off += size;
  }
  if (!moov) return null;
  for (const [t, ps, pe] of boxes(moov, 8, moov.length)) {
    if (t !== 'trak') continue;
    const tr = { timescale: 0, duration: 0, isVideo: false, samples: 0 };
    const walk = (from: number, to: number): void => {
      for (const [ct, cs, ce] of boxes(moov, from, to)) {
        const v = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
        if (ct === 'mdia' || ct === 'minf' || ct === 'stbl') walk(cs, ce);
        else if (ct === 'hdlr') tr.isVideo = ascii(moov, cs + 8, 4) === 'vide';
        else if (ct === 'mdhd') {
          const version = moov[cs] ?? 0;
          tr.timescale = v.getUint32(cs + (version === 1 ? 20 : 12));
          tr.duration = version === 1 ? Number(v.getBigUint64(cs + 24)) : v.getUint32(cs + 16);
        } else if (ct === 'stts') {
          const n = v.getUint32(cs + 4);
          for (let i = 0; i < n && cs + 16 + i * 8 <= ce; i++)
            tr.samples += v.getUint32(cs + 8 + i * 8);
        }
      }
    };
    walk(ps, pe);
    if (tr.isVideo && tr.timescale > 0 && tr.duration > 0 && tr.samples > 0) {
      return tr.samples / (tr.duration / tr.timescale);
    }
  }
  return null;
}

/** Snaps a measured rate to the nearest common one when within 0.5%. */
export function snapFrameRate(fps: number): number {
  let best = fps;
  let bestErr = 0.005;
  for (const r of [23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60]) {
    const err = Math.abs(fps - r) / r;
    if (err < bestErr) {
      best = r;
      bestErr = err;
    }
  }
  return best === fps ? Math.round(fps * 1000) / 1000 : best;
}
