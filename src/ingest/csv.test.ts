import { describe, expect, it } from 'vitest';
import { CsvError, CsvParser, csvHeader, csvRecords, parseCsv } from './csv';

async function collect(blob: Blob, chunkBytes: number): Promise<string[][]> {
  const out: string[][] = [];
  for await (const r of csvRecords(blob, { chunkBytes })) out.push(r);
  return out;
}

const TRICKY =
  '\uFEFFname,quote,note\r\n' +
  'a,"he said ""hi""","x,y"\r\n' +
  '"multi\r\nline",,"é ü 😀"\n' +
  '\n' +
  'last,"",end\r';

const TRICKY_EXPECTED = [
  ['name', 'quote', 'note'],
  ['a', 'he said "hi"', 'x,y'],
  ['multi\r\nline', '', 'é ü 😀'],
  ['last', '', 'end'],
];

describe('parseCsv', () => {
  it('handles BOM, quotes, doubled quotes, CRLF inside quotes, blank lines and CR ends', () => {
    expect(parseCsv(TRICKY)).toEqual(TRICKY_EXPECTED);
  });

  it('keeps empty trailing fields and a last line without newline', () => {
    expect(parseCsv('a,b,\n1,,')).toEqual([
      ['a', 'b', ''],
      ['1', '', ''],
    ]);
  });

  it('treats a quote inside an unquoted field as a literal and appends text after a closing quote', () => {
    expect(parseCsv('ab"c,"x"y\n')).toEqual([['ab"c', 'xy']]);
  });

  it('throws CsvError with the line of an unterminated quote', () => {
    let err: unknown = null;
    try {
      parseCsv('a,b\nc,"open\nmore\n');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CsvError);
    expect(err instanceof CsvError ? err.line : -1).toBe(2);
  });

  it('gives the same records whatever the chunking', () => {
    for (let size = 1; size <= 7; size++) {
      const p = new CsvParser();
      const out: string[][] = [];
      for (let i = 0; i < TRICKY.length; i += size) out.push(...p.push(TRICKY.slice(i, i + size)));
      out.push(...p.end());
      expect(out).toEqual(TRICKY_EXPECTED);
    }
  });
});

describe('csvRecords', () => {
  it('streams a blob in tiny byte chunks, splitting multi-byte characters and CRLF', async () => {
    const blob = new Blob([TRICKY]);
    for (const chunk of [1, 2, 3, 5, 64]) {
      expect(await collect(blob, chunk)).toEqual(TRICKY_EXPECTED);
    }
  });

  it('reports progress up to the blob size', async () => {
    const blob = new Blob(['a,b\n1,2\n3,4\n']);
    const seen: number[] = [];
    const rows: string[][] = [];
    for await (const r of csvRecords(blob, { chunkBytes: 4, onProgress: (n) => seen.push(n) })) {
      rows.push(r);
    }
    expect(rows).toHaveLength(3);
    expect(seen).toEqual([4, 8, 12]);
  });

  it('reads just the header', async () => {
    const blob = new Blob(['path,label\n' + 'x.mp4,happy\n'.repeat(10000)]);
    expect(await csvHeader(blob, 64)).toEqual(['path', 'label']);
    expect(await csvHeader(new Blob(['no newline at all'.repeat(10)]), 16)).toBeNull();
    expect(await csvHeader(new Blob(['only,header']))).toEqual(['only', 'header']);
  });

  it('throws at the end for an unterminated quote after yielding the good rows', async () => {
    const rows: string[][] = [];
    await expect(
      (async () => {
        for await (const r of csvRecords(new Blob(['a\nb\n"c']), { chunkBytes: 2 })) rows.push(r);
      })(),
    ).rejects.toBeInstanceOf(CsvError);
    expect(rows).toEqual([['a'], ['b']]);
  });
});
