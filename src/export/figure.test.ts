import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  crc32,
  figureDescription,
  figureFileName,
  pixelsFor,
  pngChunks,
  pngWithMetadata,
  type FigureMeta,
} from './figure';

const meta: FigureMeta = {
  run: 'ablation, "frame" ü',
  seed: 3,
  phase: 'student 1',
  chart: 'Validation accuracy per iteration',
  created: '2026-12-07T12:00:00.000Z',
};

/** A 2x1 RGB PNG built by hand (signature, IHDR, IDAT, IEND) with a pHYs of 72 dpi. */
function tinyPng(): Uint8Array {
  const chunk = (type: string, data: Uint8Array): number[] => {
    const body = new Uint8Array([...Array.from(type, (c) => c.charCodeAt(0)), ...data]);
    const len = data.length;
    const crc = crc32(body);
    return [
      (len >>> 24) & 255,
      (len >>> 16) & 255,
      (len >>> 8) & 255,
      len & 255,
      ...body,
      (crc >>> 24) & 255,
      (crc >>> 16) & 255,
      (crc >>> 8) & 255,
      crc & 255,
    ];
  };
  const ihdr = new Uint8Array([0, 0, 0, 2, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  const phys = new Uint8Array([0, 0, 11, 19, 0, 0, 11, 19, 1]);
  const idat = zlibSync(new Uint8Array([0, 255, 0, 0, 0, 0, 255]));
  return new Uint8Array([
    137,
    80,
    78,
    71,
    13,
    10,
    26,
    10,
    ...chunk('IHDR', ihdr),
    ...chunk('pHYs', phys),
    ...chunk('IDAT', idat),
    ...chunk('IEND', new Uint8Array()),
  ]);
}

describe('publication figure names and metadata', () => {
  it('the file name carries run, seed, phase, chart and width', () => {
    expect(figureFileName(meta, 'svg', 85)).toBe(
      'ablation-frame-ü-seed3-student-1-Validation-accuracy-per-iteration-85mm.svg',
    );
    expect(figureFileName({ ...meta, seed: null, phase: null }, 'png')).toBe(
      'ablation-frame-ü-Validation-accuracy-per-iteration.png',
    );
  });

  it('the description is the caption data', () => {
    expect(figureDescription(meta)).toBe(
      'Validation accuracy per iteration. run "ablation, "frame" ü", seed 3, phase student 1. FER Workbench, 2026-12-07T12:00:00.000Z.',
    );
  });

  it('85 mm at 300 dpi is 1004 pixels', () => {
    expect(pixelsFor(85, 300)).toBe(1004);
  });
});

describe('PNG chunks', () => {
  it('crc32 is the standard one', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('adds pHYs (300 dpi) and tEXt after IHDR, drops the old pHYs, keeps the image', () => {
    const src = tinyPng();
    const out = pngWithMetadata(src, 300, meta);
    const chunks = pngChunks(out);
    expect(chunks.map((c) => c.type)).toEqual([
      'IHDR',
      'pHYs',
      'tEXt',
      'tEXt',
      'tEXt',
      'tEXt',
      'tEXt',
      'tEXt',
      'IDAT',
      'IEND',
    ]);
    const phys = new DataView(
      chunks[1]?.data.buffer ?? new ArrayBuffer(9),
      chunks[1]?.data.byteOffset,
    );
    expect(phys.getUint32(0)).toBe(11811); // 300 / 0.0254
    expect(phys.getUint32(4)).toBe(11811);
    expect(chunks[1]?.data[8]).toBe(1);
    const text = Object.fromEntries(
      chunks
        .filter((c) => c.type === 'tEXt')
        .map((c) => {
          const s = new TextDecoder('latin1').decode(c.data);
          const i = s.indexOf('\0');
          return [s.slice(0, i), s.slice(i + 1)];
        }),
    );
    expect(text.Title).toBe(meta.chart);
    expect(text.Description).toContain('seed 3, phase student 1');
    expect(JSON.parse(text.Comment ?? '{}')).toEqual({
      run: meta.run,
      seed: 3,
      phase: 'student 1',
      chart: meta.chart,
    });
    // Every chunk's CRC is valid and the image data is untouched.
    const idat = (u: Uint8Array) => pngChunks(u).find((c) => c.type === 'IDAT')?.data;
    expect(idat(out)).toEqual(idat(src));
    const view = new DataView(out.buffer);
    for (let at = 8; at < out.length;) {
      const len = view.getUint32(at);
      expect(view.getUint32(at + 8 + len)).toBe(crc32(out.subarray(at + 4, at + 8 + len)));
      at += 12 + len;
    }
  });

  it('refuses what is not a PNG', () => {
    expect(() => pngWithMetadata(new Uint8Array(20), 300, meta)).toThrow('not a PNG');
  });
});
