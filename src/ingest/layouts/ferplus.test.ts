import { describe, expect, it } from 'vitest';
import { src } from '../../automation/ingest/bytes';
import { ferplusVote, parsePixels, planFerplus } from './ferplus';

/** 2304 pixel values: a ramp starting at `start`. */
function pixelText(start: number, count = 2304): string {
  return Array.from({ length: count }, (_, i) => (start + i) % 256).join(' ');
}

const NEW_HEADER =
  'Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF';

describe('parsePixels', () => {
  it('parses 2304 values exactly', () => {
    const px = parsePixels(pixelText(250));
    expect(px).toBeInstanceOf(Uint8Array);
    if (typeof px === 'string') throw new Error(px);
    expect([px[0], px[5], px[6], px[2303]]).toEqual([250, 255, 0, (250 + 2303) % 256]);
  });

  it('explains malformed pixel text', () => {
    expect(parsePixels('1 2 3')).toBe('expected 2304 pixels, found 3');
    expect(parsePixels('1 2 300', 3)).toBe('pixel 3 is larger than 255');
    expect(parsePixels('1 x 3', 3)).toBe('pixel 2 is not a whole number (found "x")');
    expect(parsePixels('1 -2 3', 3)).toBe('pixel 2 is not a whole number (found "-")');
  });
});

describe('ferplusVote', () => {
  //             neu hap sur sad ang dis fea con unk NF
  it('takes the plurality emotion', () => {
    expect(ferplusVote([4, 6, 0, 0, 0, 0, 0, 0, 0, 0])).toEqual({ label: 'happiness' });
    expect(ferplusVote([0, 0, 0, 0, 0, 0, 0, 3, 2, 1])).toEqual({ label: 'contempt' });
  });

  it('skips ties, unknown, not-a-face and empty rows', () => {
    expect(ferplusVote([5, 5, 0, 0, 0, 0, 0, 0, 0, 0])).toEqual({ label: null, why: 'tie' });
    expect(ferplusVote([1, 0, 0, 0, 0, 0, 0, 0, 0, 9])).toEqual({ label: null, why: 'not-face' });
    expect(ferplusVote([3, 0, 0, 0, 0, 0, 0, 0, 3, 0])).toEqual({ label: null, why: 'unknown' });
    expect(ferplusVote([0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toEqual({ label: null, why: 'no-votes' });
  });

  it('applies FERPlus strict majority when asked', () => {
    // 4 of 10 votes is a plurality but not a majority.
    const v = [4, 3, 3, 0, 0, 0, 0, 0, 0, 0];
    expect(ferplusVote(v)).toEqual({ label: 'neutral' });
    expect(ferplusVote(v, 'strict-majority')).toEqual({ label: null, why: 'no-majority' });
    // Single votes are outliers: 5 of 9 after dropping the lone ones.
    expect(ferplusVote([5, 4, 1, 0, 0, 0, 0, 0, 1, 0], 'strict-majority')).toEqual({
      label: 'neutral',
    });
  });
});

describe('planFerplus', () => {
  const ferCsv =
    'emotion,pixels,Usage\r\n' +
    `0,${pixelText(0)},Training\r\n` +
    `3,${pixelText(10)},PublicTest\r\n` +
    `6,${pixelText(20, 2000)},PrivateTest\r\n` + // malformed: 2000 pixels
    `9,${pixelText(30)},Training\r\n` + // malformed: code 9
    `5,${pixelText(40)},PrivateTest\r\n`;

  it('streams fer2013.csv rows into 48x48 pixel items with FER2013 codes and splits', async () => {
    const { items, problems } = await planFerplus([
      src('FER/fer2013.csv', ferCsv),
      src('FER/README.txt', 'x'),
    ]);
    expect(items.map((i) => [i.key, i.kind, i.rawLabel, i.split, i.width, i.height])).toEqual([
      ['fer2013.csv#0', 'pixels', '0', 'train', 48, 48],
      ['fer2013.csv#1', 'pixels', '3', 'val', 48, 48],
      ['fer2013.csv#4', 'pixels', '5', 'test', 48, 48],
    ]);
    expect(items[1]?.pixels?.length).toBe(2304);
    expect(items[1]?.pixels?.[0]).toBe(10);
    expect(items[2]?.pixels?.[2303]).toBe((40 + 2303) % 256);
    expect(problems).toEqual([
      { path: 'FER/README.txt', code: 'ignored', message: 'not part of FER2013/FERPlus' },
      {
        path: 'FER/fer2013.csv#2',
        code: 'parse-error',
        message: 'line 4: expected 2304 pixels, found 2000',
      },
      {
        path: 'FER/fer2013.csv#3',
        code: 'parse-error',
        message: 'line 5: emotion must be a code 0..6, found "9"',
      },
    ]);
  });

  it('labels rows by FERPlus votes when fer2013new.csv is there, skipping ties and non-faces', async () => {
    const votes =
      NEW_HEADER +
      '\n' +
      'Training,fer0000000.png,1,8,1,0,0,0,0,0,0,0\n' + // happiness
      'PublicTest,fer0000001.png,5,5,0,0,0,0,0,0,0,0\n' + // tie
      'PrivateTest,,0,0,0,0,0,0,0,0,0,10\n' + // pixel row is malformed anyway
      'Training,fer0000003.png,0,0,0,0,0,0,0,0,1,9\n' + // NF
      'PrivateTest,fer0000004.png,0,0,0,0,7,2,1,0,0,0\n'; // anger
    const { items, problems } = await planFerplus([
      src('FER/fer2013.csv', ferCsv),
      src('FER/fer2013new.csv', votes),
    ]);
    expect(items.map((i) => [i.key, i.rawLabel, i.split])).toEqual([
      ['fer2013.csv#0', 'happiness', 'train'],
      ['fer2013.csv#4', 'anger', 'test'],
    ]);
    expect(problems.map((p) => [p.path, p.code, p.message])).toEqual([
      [
        'FER/fer2013.csv#1',
        'unknown-class',
        'line 3: two or more emotions tie for the most FERPlus votes',
      ],
      ['FER/fer2013.csv#2', 'parse-error', 'line 4: expected 2304 pixels, found 2000'],
      ['FER/fer2013.csv#3', 'unknown-class', 'line 5: FERPlus voters marked it "not a face" (NF)'],
    ]);
  });

  it('reports a missing fer2013.csv, a bad header and a vote file of the wrong length', async () => {
    expect((await planFerplus([src('x/fer2013new.csv', NEW_HEADER)])).problems).toEqual([
      { path: 'fer2013.csv', code: 'missing-file', message: 'fer2013.csv was not dropped' },
    ]);
    const empty = await planFerplus([src('fer2013.csv', '')]);
    expect(empty.problems.map((p) => p.code)).toEqual(['zero-byte']);
    const blank = await planFerplus([src('fer2013.csv', '\n\n')]);
    expect(blank.problems.map((p) => p.message)).toEqual(['fer2013.csv has no header row']);
    const bad = await planFerplus([src('fer2013.csv', 'a,b,c\n1,2,3\n')]);
    expect(bad.items).toEqual([]);
    expect(bad.problems[0]?.code).toBe('parse-error');
    const short = await planFerplus([
      src('fer2013.csv', ferCsv),
      src('fer2013new.csv', `${NEW_HEADER}\nTraining,a.png,0,9,0,0,0,0,0,0,0,0\n`),
    ]);
    expect(short.items.map((i) => i.rawLabel)).toEqual(['happiness']);
    expect(short.problems.map((p) => p.path)).toEqual([
      'fer2013.csv#1',
      'fer2013.csv#2',
      'fer2013.csv#3',
      'fer2013.csv#4',
      'fer2013new.csv',
    ]);
    expect(short.problems[4]?.message).toBe(
      'fer2013new.csv has 1 rows but fer2013.csv has 5; rows are matched by position',
    );
  });

  it('keeps the rows before an unterminated quote and says what was lost', async () => {
    const { items, problems } = await planFerplus([
      src('fer2013.csv', `emotion,pixels,Usage\n2,${pixelText(0)},Training\n4,"${pixelText(0)}`),
    ]);
    expect(items.map((i) => i.rawLabel)).toEqual(['2']);
    expect(problems).toEqual([
      {
        path: 'fer2013.csv',
        code: 'parse-error',
        message: 'unterminated quoted field starting on line 3; rows after it are lost',
      },
    ]);
  });
});
