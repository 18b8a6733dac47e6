import { describe, expect, it } from 'vitest';
import { jpegBytes, mp4Bytes, src } from '../../automation/ingest/bytes';
import { planManifest, resolveRelative } from './manifest';

describe('resolveRelative', () => {
  it('resolves ./, ../ and backslashes against the manifest folder', () => {
    expect(resolveRelative('set', './clips/a.mp4')).toBe('set/clips/a.mp4');
    expect(resolveRelative('set/meta', '..\\clips\\a.mp4')).toBe('set/clips/a.mp4');
    expect(resolveRelative('', 'a.mp4')).toBe('a.mp4');
    expect(resolveRelative('set', '../../a.mp4')).toBeNull();
  });
});

describe('planManifest', () => {
  const media = [
    src('set/clips/a.mp4', mp4Bytes()),
    src('set/clips/b.mp4', mp4Bytes()),
    src('set/faces/c.jpg', jpegBytes()),
    src('set/extra.mp4', mp4Bytes()),
    src('set/.DS_Store', 'x'),
  ];

  it('reads path,label,subject,split rows relative to the manifest', async () => {
    const csv =
      'Label,Path,Subject,Split\n' +
      'happy,clips/a.mp4,p01,train\n' +
      ',clips/b.mp4,p02,validation\n' +
      '"sad, very",faces/c.jpg,,\n' +
      'angry,clips/missing.mp4,p03,test\n' +
      'angry,clips/a.mp4,p01,train\n' +
      'fear,notes.txt,p04,train\n' +
      'neutral,clips/b.mp4\n';
    const { items, problems } = await planManifest([
      src('set/labels.csv', csv),
      src('set/notes.txt', 'x'),
      ...media,
    ]);
    expect(items.map((i) => [i.key, i.kind, i.rawLabel, i.subject, i.split])).toEqual([
      ['set/clips/a.mp4', 'video', 'happy', 'p01', 'train'],
      ['set/clips/b.mp4', 'video', null, 'p02', 'val'],
      ['set/faces/c.jpg', 'image', 'sad, very', undefined, undefined],
    ]);
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ['set/clips/missing.mp4', 'missing-file'],
      ['set/labels.csv#4', 'parse-error'],
      ['set/notes.txt', 'unsupported'],
      ['set/labels.csv#6', 'parse-error'],
      ['set/extra.mp4', 'ignored'],
    ]);
    expect(problems[0]?.message).toBe('line 5 of set/labels.csv lists it, but it was not dropped');
    expect(problems[3]?.message).toBe('line 8: 2 fields, the header has 4');
  });

  it('picks the CSV with a path,label header and refuses one without', async () => {
    const pick = await planManifest([
      src('set/other.csv', 'a,b\n1,2\n'),
      src('set/sub/m.csv', 'path,label\n../clips/a.mp4,happy\n'),
      ...media,
    ]);
    expect(pick.items.map((i) => [i.key, i.rawLabel])).toEqual([['set/clips/a.mp4', 'happy']]);
    const bad = await planManifest([src('set/m.csv', 'file,class\na.mp4,happy\n'), ...media]);
    expect(bad.items).toEqual([]);
    expect(bad.problems).toEqual([
      {
        path: 'set/m.csv',
        code: 'parse-error',
        message: 'the header must have path and label columns (found: file, class)',
      },
    ]);
  });
});
