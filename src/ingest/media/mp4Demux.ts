/**
 * MP4 / QuickTime demuxing for WebCodecs: the first video track's decoder configuration and
 * its sample table (where each coded frame lies in the file, its times and whether it is a
 * keyframe). Only the `moov` box is read here (mp4box parses it); frame data is read later,
 * range by range, from the Blob, so a large file is never held in memory whole.
 *
 * Anything this cannot describe (no moov, a fragmented file, no video track, a rotated
 * track) is a WebCodecsUnsupported, on which the caller falls back to ffmpeg.wasm.
 */
import { createFile, DataStream, Endianness, MP4BoxBuffer, type Track } from 'mp4box';
import { readBlobRange } from './sniff';

/** This file (or this browser) cannot go through WebCodecs; use ffmpeg.wasm. */
export class WebCodecsUnsupported extends Error {
  override readonly name = 'WebCodecsUnsupported';
}

export interface Mp4Sample {
  /** Byte range of the coded frame in the file. */
  offset: number;
  size: number;
  /** Decode and presentation times, and duration, in `timescale` units. */
  dts: number;
  cts: number;
  duration: number;
  isSync: boolean;
}

export interface Mp4VideoTrack {
  codec: string;
  /** avcC / hvcC payload (what VideoDecoderConfig.description wants), if the codec has one. */
  description: Uint8Array | undefined;
  codedWidth: number;
  codedHeight: number;
  timescale: number;
  /** In decode (file) order. */
  samples: Mp4Sample[];
}

/** Largest moov box read (a moov is kilobytes to a few megabytes). */
const MAX_MOOV_BYTES = 64 * 1024 * 1024;

const ascii = (b: Uint8Array, from: number, len: number): string =>
  String.fromCharCode(...b.subarray(from, from + len));

/** An `ftyp` box for files without one (old QuickTime): mp4box wants one before the moov. */
const QT_FTYP = new Uint8Array([
  0, 0, 0, 16, 0x66, 0x74, 0x79, 0x70, 0x71, 0x74, 0x20, 0x20, 0, 0, 0, 0,
]);

/**
 * The top-level `ftyp` and `moov` boxes' bytes, one after the other; unsupported if there is no
 * moov or the file is fragmented.
 */
async function readMoov(blob: Blob): Promise<Uint8Array> {
  let off = 0;
  let moov: Uint8Array | null = null;
  let ftyp: Uint8Array = QT_FTYP;
  while (off + 8 <= blob.size) {
    const h = await readBlobRange(blob, off, 16);
    const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
    let size = v.getUint32(0);
    if (size === 1 && h.length >= 16) size = Number(v.getBigUint64(8));
    else if (size === 0) size = blob.size - off;
    if (size < 8) throw new WebCodecsUnsupported('unreadable MP4 box structure');
    const type = ascii(h, 4, 4);
    if (type === 'moof') throw new WebCodecsUnsupported('fragmented MP4');
    if (type === 'ftyp' && size <= 4096) ftyp = await readBlobRange(blob, off, size);
    if (type === 'moov') {
      if (size > MAX_MOOV_BYTES) throw new WebCodecsUnsupported('moov box too large');
      moov = await readBlobRange(blob, off, size);
      if (moov.length !== size) throw new WebCodecsUnsupported('moov box cut short');
    }
    off += size;
  }
  if (!moov) throw new WebCodecsUnsupported('no moov box');
  const both = new Uint8Array(ftyp.length + moov.length);
  both.set(ftyp);
  both.set(moov, ftyp.length);
  return both;
}

/** The codec configuration record WebCodecs wants as `description` (box payload, no header). */
function descriptionOf(entry: unknown): Uint8Array | undefined {
  const e = entry as Record<string, { write?: (s: DataStream) => void } | undefined>;
  const box = e.avcC ?? e.hvcC;
  if (!box?.write) return undefined;
  const stream = new DataStream(undefined, 0, Endianness.BIG_ENDIAN);
  box.write(stream);
  // 8 bytes of box header (size, type) precede the record.
  return new Uint8Array(stream.buffer, 8);
}

const IDENTITY = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];

/** Demuxes the first video track of an MP4 / MOV file (sample table and decoder config). */
export async function demuxMp4(blob: Blob): Promise<Mp4VideoTrack> {
  const moov = await readMoov(blob);
  const file = createFile();
  let info: { videoTracks: Track[] } | null = null;
  let failure: string | null = null;
  file.onReady = (i) => {
    info = i;
  };
  file.onError = (module, message) => {
    failure = `${module}: ${message}`;
  };
  const ab = MP4BoxBuffer.fromArrayBuffer(
    moov.buffer.slice(moov.byteOffset, moov.byteOffset + moov.byteLength),
    0,
  );
  file.appendBuffer(ab);
  file.flush();
  const parsed = { info, failure } as {
    info: { videoTracks: Track[] } | null;
    failure: string | null;
  };
  if (parsed.failure !== null) throw new WebCodecsUnsupported(parsed.failure);
  const ready = parsed.info;
  if (!ready) throw new WebCodecsUnsupported('moov did not parse');
  const track = ready.videoTracks[0];
  if (!track) throw new WebCodecsUnsupported('no video track');
  // Typed loosely: a damaged file may lack any of these boxes.
  const trak = file.getTrackById(track.id) as unknown as {
    tkhd?: { matrix?: ArrayLike<number> };
    mdia?: { minf?: { stbl?: { stsd?: { entries: unknown[] } } } };
  };
  const matrix = Array.from(trak.tkhd?.matrix ?? IDENTITY);
  // Only the rotation/scale part (translation does not change the picture).
  if ([0, 1, 3, 4].some((i) => matrix[i] !== IDENTITY[i])) {
    throw new WebCodecsUnsupported('rotated or mirrored video track');
  }
  const entry = trak.mdia?.minf?.stbl?.stsd?.entries[0];
  const samples = file.getTrackSamplesInfo(track.id).map((s) => ({
    offset: s.offset,
    size: s.size,
    dts: s.dts,
    cts: s.cts,
    duration: s.duration,
    isSync: s.is_sync,
  }));
  if (samples.length === 0) throw new WebCodecsUnsupported('video track has no samples');
  if (!samples[0]?.isSync) throw new WebCodecsUnsupported('first sample is not a keyframe');
  const visual = entry as { width?: number; height?: number } | undefined;
  return {
    codec: track.codec,
    description: descriptionOf(entry),
    codedWidth: visual?.width ?? track.video?.width ?? 0,
    codedHeight: visual?.height ?? track.video?.height ?? 0,
    timescale: file.getTrackSamplesInfo(track.id)[0]?.timescale ?? track.timescale,
    samples,
  };
}
