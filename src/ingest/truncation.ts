/**
 * Container size checks: whether a file's own header fields (PNG/JPEG/GIF end markers, BMP and
 * RIFF sizes, MP4/MOV boxes, the EBML Segment) fit the bytes the file has. Reads a few small
 * slices at most.
 */
import type { MediaFormat } from './formats';
import { ascii, lastIndexOfBytes, readBytes, u32be, u32le } from './headerBytes';

/** What is wrong with a header: cut short, or bytes that make no sense. */
export interface HeaderFault {
  code: 'truncated' | 'corrupt';
  message: string;
}
const cut = (message: string): HeaderFault => ({ code: 'truncated', message });
const bad = (message: string): HeaderFault => ({ code: 'corrupt', message });

/**
 * Checks that the container's own size fields fit the file. Returns a message when the file
 * looks cut short, else null. Reads a few small slices at most.
 */
export async function truncation(
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
