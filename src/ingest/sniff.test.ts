import { describe, expect, it } from 'vitest';
import { checkFile, extensionKind, probeHeader, sniffFormat } from './sniff';
import {
  aviBytes,
  bmpBytes,
  ebmlBytes,
  gifBytes,
  jpegBytes,
  mp4Bytes,
  pngBytes,
  src,
  text,
  webpBytes,
} from '../automation/ingest/bytes';

describe('sniffFormat', () => {
  it.each([
    ['png', pngBytes(), 'image', 'image/png'],
    ['jpeg', jpegBytes(), 'image', 'image/jpeg'],
    ['gif', gifBytes(), 'image', 'image/gif'],
    ['bmp', bmpBytes(), 'image', 'image/bmp'],
    ['webp', webpBytes(), 'image', 'image/webp'],
    ['avi', aviBytes(), 'video', 'video/x-msvideo'],
    ['mp4', mp4Bytes(), 'video', 'video/mp4'],
    ['mov', mp4Bytes('qt  '), 'video', 'video/quicktime'],
    ['webm', ebmlBytes('webm'), 'video', 'video/webm'],
    ['mkv', ebmlBytes('matroska'), 'video', 'video/x-matroska'],
    ['csv', text('path,label\na.mp4,happy\nb.mp4,sad\n'), 'text', 'text/csv'],
    ['text', text('   3.0000000e+00\n'), 'text', 'text/plain'],
  ] as const)('%s', (format, bytes, kind, mime) => {
    expect(sniffFormat(bytes)).toMatchObject({ format, kind, mime });
  });

  it('knows unsupported formats', () => {
    expect(sniffFormat(Uint8Array.from([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]))).toMatchObject({
      format: 'tiff',
      unsupported: true,
    });
    expect(sniffFormat(mp4Bytes('heic'))).toMatchObject({ format: 'heic', unsupported: true });
    expect(sniffFormat(text('PK\u0003\u0004rest'))).toMatchObject({ format: 'zip' });
    expect(sniffFormat(Uint8Array.from([0, 1, 2, 3, 250, 251]))).toMatchObject({
      format: 'unknown',
      kind: 'unknown',
    });
  });

  it('does not take text starting with BM or containing ftyp for media', () => {
    expect(sniffFormat(text('BMW,Audi\n1,2\n')).format).toBe('csv');
    expect(sniffFormat(text('abcdftypisom')).format).toBe('text');
  });
});

describe('extensionKind', () => {
  it('reads the extension case-insensitively', () => {
    expect(extensionKind('a/b/Clip.AVI')).toBe('video');
    expect(extensionKind('x.jpeg')).toBe('image');
    expect(extensionKind('fer2013.csv')).toBe('text');
    expect(extensionKind('README')).toBe('unknown');
    expect(extensionKind('dir.mp4/file')).toBe('unknown');
  });
});

describe('checkFile', () => {
  it('passes good files of every supported format', async () => {
    const good: [string, Uint8Array<ArrayBuffer>, 'video' | 'image' | 'text'][] = [
      ['a.png', pngBytes(), 'image'],
      ['a.jpg', jpegBytes(), 'image'],
      ['a.gif', gifBytes(), 'image'],
      ['a.bmp', bmpBytes(), 'image'],
      ['a.webp', webpBytes(), 'image'],
      ['a.avi', aviBytes(), 'video'],
      ['a.mp4', mp4Bytes(), 'video'],
      ['a.mov', mp4Bytes('qt  '), 'video'],
      ['a.webm', ebmlBytes('webm'), 'video'],
      ['a.mkv', ebmlBytes('matroska'), 'video'],
      ['a.csv', text('a,b\n1,2\n'), 'text'],
    ];
    for (const [path, bytes, kind] of good) {
      expect([path, await checkFile(src(path, bytes), kind)]).toEqual([path, null]);
    }
  });

  it('reports zero-byte and too-large files', async () => {
    expect(await checkFile(src('a.mp4', new Uint8Array(0)), 'video')).toMatchObject({
      code: 'zero-byte',
      path: 'a.mp4',
    });
    const p = await checkFile(src('a.mp4', mp4Bytes()), 'video', { maxBytes: 100 });
    expect(p?.code).toBe('too-large');
    expect(p?.message).toContain('140');
  });

  it('reports a wrong extension when the bytes say another kind', async () => {
    expect((await checkFile(src('clip.mp4', pngBytes()), 'video'))?.code).toBe('wrong-extension');
    expect((await checkFile(src('clip.mp4', text('hello world\n')), 'video'))?.code).toBe(
      'wrong-extension',
    );
    expect((await checkFile(src('face.png', aviBytes()), 'image'))?.code).toBe('wrong-extension');
    // A .mp4 that is really an AVI is still a video: accepted, and its real mime is known.
    const r = await probeHeader(src('clip.mp4', aviBytes()), 'video');
    expect(r.problem).toBeNull();
    expect(r.sniff?.mime).toBe('video/x-msvideo');
  });

  it('reports unsupported and unknown formats', async () => {
    const tiff = Uint8Array.from([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 1, 2, 3]);
    expect((await checkFile(src('face.tif', tiff), 'image'))?.code).toBe('unsupported');
    expect((await checkFile(src('x.zip', text('PK\u0003\u0004......')), 'video'))?.code).toBe(
      'unsupported',
    );
    const junk = Uint8Array.from({ length: 100 }, (_, i) => (i * 37 + 1) % 256);
    expect((await checkFile(src('x.bin', junk), 'video'))?.code).toBe('unsupported');
    expect((await checkFile(src('a.png', pngBytes()), 'video'))?.code).toBe('unsupported');
    const utf16 = Uint8Array.from([0xff, 0xfe, 0x61, 0, 0x2c, 0, 0x62, 0]);
    expect((await checkFile(src('m.csv', utf16), 'text'))?.message).toContain('UTF-16');
  });

  it('reports headers cut short', async () => {
    const cases: [string, Uint8Array, 'video' | 'image'][] = [
      ['png shorter than its IHDR', pngBytes().slice(0, 20), 'image'],
      ['png without IEND', pngBytes().slice(0, 45), 'image'],
      ['png signature only, half', pngBytes().slice(0, 5), 'image'],
      ['jpeg without EOI', jpegBytes().slice(0, 100), 'image'],
      ['gif without trailer', gifBytes().slice(0, 15), 'image'],
      ['bmp shorter than declared', bmpBytes().slice(0, 40), 'image'],
      ['mp4 < 32 bytes', mp4Bytes().slice(0, 24), 'video'],
      ['mp4 mdat cut', mp4Bytes().slice(0, 100), 'video'],
      ['mp4 without moov', mp4Bytes().slice(0, 20), 'video'],
      ['avi shorter than RIFF size', aviBytes(400).slice(0, 200), 'video'],
      ['webm segment cut', ebmlBytes('webm', 200).slice(0, 100), 'video'],
    ];
    for (const [name, bytes, kind] of cases) {
      const ext =
        kind === 'video' ? (name.startsWith('webm') ? 'webm' : name.slice(0, 3)) : name.slice(0, 3);
      const p = await checkFile(src(`f.${ext}`, Uint8Array.from(bytes)), kind);
      expect([name, p?.code]).toEqual([name, 'truncated']);
    }
  });

  it('says how many bytes the mp4 box needs', async () => {
    const p = await checkFile(src('a.mp4', mp4Bytes().slice(0, 100)), 'video');
    expect(p?.message).toBe("the box 'mdat' at byte 68 needs 140 bytes but the file has 100");
  });

  it('calls garbage where a box header should be corrupt, not truncated', async () => {
    const bytes = mp4Bytes();
    bytes.set([0x7f, 0xd9, 0x89, 0x14, 0x87], 20 + 3); // scribble over the moov box header
    const p = await checkFile(src('a.mp4', bytes), 'video');
    expect(p?.code).toBe('corrupt');
    expect(p?.message).toBe(
      'garbage where a box header should be, at byte 20 (type bytes d9 89 14 87)',
    );
  });

  it('flags an mp4 with no moov box', async () => {
    const bytes = mp4Bytes();
    // Rename 'moov' to 'free': still a well-formed box list, but no movie header.
    bytes.set(text('free'), 20 + 4);
    const p = await checkFile(src('a.mp4', bytes), 'video');
    expect(p?.code).toBe('truncated');
    expect(p?.message).toContain('moov');
  });
});
