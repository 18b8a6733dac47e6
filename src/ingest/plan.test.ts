import { describe, expect, it } from 'vitest';
import { defaultDatasetName, LayoutNotDetectedError, planImport, summarisePlan } from './plan';
import { aviBytes, mp4Bytes, pngBytes, src, text } from '../automation/ingest/bytes';

const frame = (s: string, q: string, n: number, bytes = pngBytes()) =>
  src(`CK+/cohn-kanade-images/${s}/${q}/${s}_${q}_${String(n).padStart(8, '0')}.png`, bytes);

describe('defaultDatasetName', () => {
  it('uses the shared top folder, else the single file, else a default', () => {
    expect(defaultDatasetName(['AFEW/Train_AFEW/Angry/a.avi', 'AFEW/Val_AFEW/Sad/b.avi'])).toBe(
      'AFEW',
    );
    expect(defaultDatasetName(['fer2013.csv'])).toBe('fer2013');
    expect(defaultDatasetName(['a.mp4', 'b.mp4'])).toBe('Imported dataset');
  });
});

describe('planImport', () => {
  it('plans an AFEW drop, moving files that fail the header gate to problems', async () => {
    const files = [
      src('AFEW/Train_AFEW/Angry/000101.avi', aviBytes()),
      src('AFEW/Train_AFEW/Angry/000102.avi', new Uint8Array(0)), // zero-byte
      src('AFEW/Train_AFEW/Happy/000201.mp4', mp4Bytes()),
      src('AFEW/Train_AFEW/Happy/000202.mp4', pngBytes()), // wrong extension
      src('AFEW/Train_AFEW/Happy/000203.mp4', mp4Bytes().slice(0, 100)), // truncated
      src('AFEW/Val_AFEW/Bored/010101.mp4', mp4Bytes()),
      src('AFEW/Val_AFEW/Sad/010301.mp4', mp4Bytes('isom', 5000)), // too large (limit below)
      src('AFEW/Val_AFEW/Sad/readme.txt', 'hi'),
      src('AFEW/.DS_Store', 'x'),
    ];
    const plan = await planImport(files, { maxFileBytes: 1000 });
    expect(plan.name).toBe('AFEW');
    expect(plan.layout).toBe('afew');
    expect(plan.layoutReason).toBe(
      'found 7 videos in 4 class folders (Angry, Bored, Happy, Sad; 3 known), splits train/val',
    );
    expect(plan.labelled).toBe(true);
    expect(plan.items.map((i) => [i.key, i.rawLabel, i.split, i.mime])).toEqual([
      ['AFEW/Train_AFEW/Angry/000101.avi', 'Angry', 'train', 'video/x-msvideo'],
      ['AFEW/Train_AFEW/Happy/000201.mp4', 'Happy', 'train', 'video/mp4'],
      ['AFEW/Val_AFEW/Bored/010101.mp4', 'Bored', 'val', 'video/mp4'],
    ]);
    expect(plan.classMap).toEqual({ Angry: 'angry', Bored: null, Happy: 'happy' });
    expect(plan.problems.map((p) => [p.path, p.code])).toEqual([
      ['AFEW/Val_AFEW/Sad/readme.txt', 'ignored'],
      ['AFEW/Train_AFEW/Angry/000102.avi', 'zero-byte'],
      ['AFEW/Train_AFEW/Happy/000202.mp4', 'wrong-extension'],
      ['AFEW/Train_AFEW/Happy/000203.mp4', 'truncated'],
      ['AFEW/Val_AFEW/Sad/010301.mp4', 'too-large'],
    ]);

    const summary = summarisePlan(plan);
    expect(summary).toEqual({
      classes: [
        { rawLabel: 'Angry', canonical: 'angry', count: 1 },
        { rawLabel: 'Happy', canonical: 'happy', count: 1 },
        { rawLabel: 'Bored', canonical: null, count: 1 },
      ],
      unlabelledCount: 0,
      itemCount: 3,
      fileCount: 3,
      totalBytes: aviBytes().length + 2 * mp4Bytes().length,
      splits: { train: 2, val: 1 },
      problemCounts: {
        ignored: 1,
        'zero-byte': 1,
        'wrong-extension': 1,
        truncated: 1,
        'too-large': 1,
      },
    });
  });

  it('plans CK+: drops bad frames, drops a sequence with none left, maps codes with the CK+ table', async () => {
    const files = [
      frame('S005', '001', 1),
      frame('S005', '001', 2, pngBytes().slice(0, 20)), // truncated frame
      frame('S005', '001', 3),
      frame('S010', '002', 1, new Uint8Array(0)),
      frame('S011', '001', 1),
      src('CK+/Emotion/S005/001/S005_001_00000003_emotion.txt', '   3.0000000e+00\n'),
      src('CK+/Emotion/S011/001/S011_001_00000001_emotion.txt', '   7.0000000e+00\n'),
    ];
    const plan = await planImport(files);
    expect(plan.layout).toBe('ckplus');
    expect(plan.items.map((i) => [i.key, i.rawLabel, i.sources.length, i.mime])).toEqual([
      ['S005/001', '3', 2, 'image/png'],
      ['S011/001', '7', 1, 'image/png'],
    ]);
    expect(plan.classMap).toEqual({ '3': 'disgust', '7': 'surprise' });
    expect(plan.problems.map((p) => [p.path, p.code])).toEqual([
      ['CK+/cohn-kanade-images/S005/001/S005_001_00000002.png', 'truncated'],
      ['CK+/cohn-kanade-images/S010/002/S010_002_00000001.png', 'zero-byte'],
      ['S010/002', 'zero-byte'],
    ]);
    const s = summarisePlan(plan);
    expect(s.fileCount).toBe(3);
    expect(s.splits).toEqual({ none: 2 });
    expect(s.classes.map((c) => [c.rawLabel, c.canonical, c.count])).toEqual([
      ['3', 'disgust', 1],
      ['7', 'surprise', 1],
    ]);
  });

  it('plans FER2013 with FER2013 codes and counts pixel bytes', async () => {
    const px = Array.from({ length: 2304 }, () => '7').join(' ');
    const csv = `emotion,pixels,Usage\n3,${px},Training\n6,${px},PrivateTest\n`;
    const plan = await planImport([src('fer2013.csv', csv)]);
    expect(plan.name).toBe('fer2013');
    expect(plan.classMap).toEqual({ '3': 'happy', '6': 'neutral' });
    const s = summarisePlan(plan);
    expect([s.itemCount, s.fileCount, s.totalBytes]).toEqual([2, 0, 2 * 2304]);
    expect(s.splits).toEqual({ train: 1, test: 1 });
  });

  it('detects a manifest by reading CSV headers', async () => {
    const plan = await planImport([
      src('set/labels.csv', 'path,label\na.mp4,joy\nb.mp4,\n'),
      src('set/a.mp4', mp4Bytes()),
      src('set/b.mp4', mp4Bytes()),
    ]);
    expect(plan.layout).toBe('manifest');
    expect(plan.items.map((i) => [i.key, i.rawLabel])).toEqual([
      ['set/a.mp4', 'joy'],
      ['set/b.mp4', null],
    ]);
    expect(plan.classMap).toEqual({ joy: 'happy' });
    expect(summarisePlan(plan).unlabelledCount).toBe(1);
  });

  it('plans unlabelled videos and honours a given layout and name', async () => {
    const files = [src('clips/a.mp4', mp4Bytes()), src('clips/b.webm', text('not a video'))];
    const plan = await planImport(files, { layout: 'unlabelled-video', name: 'BoLD' });
    expect([plan.name, plan.layout, plan.labelled, plan.layoutReason]).toEqual([
      'BoLD',
      'unlabelled-video',
      false,
      'chosen by the user',
    ]);
    expect(plan.items.map((i) => i.key)).toEqual(['clips/a.mp4']);
    expect(plan.problems.map((p) => p.code)).toEqual(['wrong-extension']);
  });

  it('throws LayoutNotDetectedError with the reason when nothing fits', async () => {
    await expect(planImport([src('x/readme.md', 'hello')])).rejects.toBeInstanceOf(
      LayoutNotDetectedError,
    );
    await expect(planImport([src('x/readme.md', 'hello')])).rejects.toThrow(
      'Could not tell what kind of dataset this is: none of the 1 file is a video, an image or a known CSV.',
    );
  });

  it('checks many files with bounded concurrency and reports progress', async () => {
    const files = Array.from({ length: 50 }, (_, i) => src(`v/Happy/${i}.mp4`, mp4Bytes()));
    const seen: number[] = [];
    const plan = await planImport(files, {
      concurrency: 3,
      onProgress: (p) => {
        if (p.phase === 'checking') seen.push(p.done);
      },
    });
    expect(plan.items).toHaveLength(50);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
});
