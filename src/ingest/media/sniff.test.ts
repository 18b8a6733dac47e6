import { describe, expect, it } from 'vitest';
import { checkStructure, mp4FrameRate, readBlobRange, sniff, snapFrameRate } from './sniff';

const enc = (s: string): number[] => Array.from(new TextEncoder().encode(s));

/** An ISO-BMFF box: 32-bit size, type, payload. */
function box(type: string, ...payload: (number[] | Uint8Array)[]): Uint8Array {
  const body = payload.flatMap((p) => [...p]);
  const out = new Uint8Array(8 + body.length);
  new DataView(out.buffer).setUint32(0, out.length);
  out.set(enc(type), 4);
  out.set(body, 8);
  return out;
}
const u32 = (x: number): number[] => [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255];
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** moov with one video track: timescale 12800, duration 2 s, 50 samples -> 25 fps. */
function tinyMp4(mdatBytes: number, declaredMdat = mdatBytes): Uint8Array {
  const mdhd = box('mdhd', [0, 0, 0, 0], u32(0), u32(0), u32(12800), u32(25600), [0, 0, 0, 0]);
  const hdlr = box('hdlr', [0, 0, 0, 0], u32(0), enc('vide'), u32(0), u32(0), u32(0), [0]);
  const stts = box('stts', [0, 0, 0, 0], u32(1), u32(50), u32(512));
  const trak = box('trak', box('mdia', mdhd, hdlr, box('minf', box('stbl', stts))));
  const mdat = new Uint8Array(8 + mdatBytes);
  new DataView(mdat.buffer).setUint32(0, 8 + declaredMdat);
  mdat.set(enc('mdat'), 4);
  return concat(box('ftyp', enc('isom'), u32(512), enc('isomiso2')), box('moov', trak), mdat);
}

const reader = (b: Uint8Array) => (o: number, l: number) =>
  readBlobRange(new Blob([b as BlobPart]), o, l);

describe('sniff', () => {
  it('names containers by their magic bytes, whatever the extension', () => {
    expect(sniff(tinyMp4(4), 'a.avi')).toMatchObject({ container: 'mp4', kind: 'video' });
    expect(sniff(new Uint8Array([0x89, ...enc('PNG\r\n')]), 'a.mp4').kind).toBe('image');
    expect(sniff(new Uint8Array([...enc('RIFF'), 0, 0, 0, 0, ...enc('AVI LIST')])).container).toBe(
      'avi',
    );
    expect(sniff(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0x9f])).mime).toBe('video/webm');
    expect(sniff(new Uint8Array(enc('hello, notes\n')), 'x.avi').kind).toBe('text');
    expect(sniff(new Uint8Array([0, 1, 2, 3, 0xff, 0])).kind).toBe('unknown');
  });
});

describe('checkStructure', () => {
  it('accepts a complete MP4 and flags a cut one as truncated', async () => {
    const ok = tinyMp4(100);
    expect(await checkStructure('mp4', ok.length, reader(ok))).toBe('ok');
    const cut = tinyMp4(40, 100);
    expect(await checkStructure('mp4', cut.length, reader(cut))).toBe('truncated');
  });

  it('calls noise after a valid header garbage', async () => {
    const b = concat(tinyMp4(0).subarray(0, 24), new Uint8Array([1, 2, 3, 4, 0xfe, 0xee, 0, 7]));
    new DataView(b.buffer).setUint32(0, 24);
    expect(await checkStructure('mp4', b.length, reader(b))).toBe('garbage');
  });

  it('compares an AVI RIFF size with the file size', async () => {
    const avi = new Uint8Array(64);
    avi.set(enc('RIFF'), 0);
    avi.set(enc('AVI '), 8);
    new DataView(avi.buffer).setUint32(4, 56, true);
    expect(await checkStructure('avi', 64, reader(avi))).toBe('ok');
    new DataView(avi.buffer).setUint32(4, 5000, true);
    expect(await checkStructure('avi', 64, reader(avi))).toBe('truncated');
  });
});

describe('mp4FrameRate', () => {
  it('reads samples over duration from the video track', async () => {
    expect(await mp4FrameRate(new Blob([tinyMp4(10) as BlobPart]))).toBe(25);
  });
  it('snaps measured rates to the nearest common one', () => {
    expect(snapFrameRate(30.01)).toBe(30);
    expect(snapFrameRate(29.969)).toBe(29.97);
    expect(snapFrameRate(12.5)).toBe(12.5);
  });
});
