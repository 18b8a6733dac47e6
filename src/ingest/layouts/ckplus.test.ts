import { describe, expect, it } from 'vitest';
import { pngBytes, src } from '../../automation/ingest/bytes';
import { parseCkplusEmotion, planCkplus } from './ckplus';

const frame = (s: string, q: string, n: number) =>
  src(`CK+/cohn-kanade-images/${s}/${q}/${s}_${q}_${String(n).padStart(8, '0')}.png`, pngBytes());

describe('parseCkplusEmotion', () => {
  it('reads the float codes CK+ writes', () => {
    expect(parseCkplusEmotion('   3.0000000e+00\n')).toBe(3);
    expect(parseCkplusEmotion('7')).toBe(7);
    expect(parseCkplusEmotion('0.0000000e+00')).toBe(0);
    expect(parseCkplusEmotion('8.0000000e+00')).toBeNull();
    expect(parseCkplusEmotion('2.5')).toBeNull();
    expect(parseCkplusEmotion('happy')).toBeNull();
    expect(parseCkplusEmotion('')).toBeNull();
  });
});

describe('planCkplus', () => {
  it('makes one sorted sequence per folder, labelled from Emotion files', async () => {
    const files = [
      frame('S005', '001', 3),
      frame('S005', '001', 1),
      frame('S005', '001', 10),
      frame('S005', '001', 2),
      frame('S010', '002', 1),
      frame('S010', '002', 2),
      frame('S011', '001', 1),
      frame('S012', '004', 1),
      src('CK+/Emotion/S005/001/S005_001_00000010_emotion.txt', '   3.0000000e+00\n'),
      src('CK+/Emotion/S010/002/S010_002_00000002_emotion.txt', '   5.0000000e+00\n'),
      src('CK+/Emotion/S012/004/S012_004_00000001_emotion.txt', 'oops'),
      src('CK+/Emotion/S099/001/S099_001_00000001_emotion.txt', '1.0e+00'),
      src('CK+/Landmarks/S005/001/S005_001_00000001_landmarks.txt', '1 2'),
      src('CK+/FACS/S005/001/S005_001_00000010_facs.txt', '1 2'),
      src('CK+/readme.pdf', '%PDF-'),
      src('CK+/.DS_Store', ''),
    ];
    const { items, problems } = await planCkplus(files);
    expect(
      items.map((i) => [
        i.key,
        i.kind,
        i.subject,
        i.rawLabel,
        i.sources.map((s) => s.path.slice(-6, -4)),
      ]),
    ).toEqual([
      ['S005/001', 'image-sequence', 'S005', '3', ['01', '02', '03', '10']],
      ['S010/002', 'image-sequence', 'S010', '5', ['01', '02']],
      ['S011/001', 'image-sequence', 'S011', null, ['01']],
      ['S012/004', 'image-sequence', 'S012', null, ['01']],
    ]);
    expect(problems.map((p) => [p.path, p.code]).sort()).toEqual([
      ['CK+/Emotion/S012/004/S012_004_00000001_emotion.txt', 'parse-error'],
      ['CK+/Emotion/S099/001/S099_001_00000001_emotion.txt', 'missing-file'],
      ['CK+/readme.pdf', 'ignored'],
    ]);
  });

  it('keys sequences by folder when two copies share Sxxx/yyy', async () => {
    const { items } = await planCkplus([
      src('a/S005/001/S005_001_00000001.png', pngBytes()),
      src('b/S005/001/S005_001_00000001.png', pngBytes()),
    ]);
    expect(items.map((i) => i.key)).toEqual(['a/S005/001', 'b/S005/001']);
  });
});
