import { describe, expect, it } from 'vitest';
import { jpegBytes, mp4Bytes, pngBytes, src } from '../../automation/ingest/bytes';
import { planImageFolders } from './imageFolders';

describe('planImageFolders', () => {
  it('labels images by class folder in natural order, with splits', async () => {
    const { items, problems } = await planImageFolders([
      src('faces/train/happy/img10.png', pngBytes()),
      src('faces/train/happy/img2.png', pngBytes()),
      src('faces/test/sad/a.jpg', jpegBytes()),
      src('faces/clip.mp4', mp4Bytes()),
    ]);
    expect(items.map((i) => [i.key, i.kind, i.rawLabel, i.split])).toEqual([
      ['faces/test/sad/a.jpg', 'image', 'sad', 'test'],
      ['faces/train/happy/img2.png', 'image', 'happy', 'train'],
      ['faces/train/happy/img10.png', 'image', 'happy', 'train'],
    ]);
    expect(problems.map((p) => [p.path, p.code])).toEqual([['faces/clip.mp4', 'ignored']]);
  });

  it('leaves images without a class folder unlabelled', async () => {
    const { items } = await planImageFolders([
      src('faces/a.png', pngBytes()),
      src('b.png', pngBytes()),
    ]);
    expect(items.map((i) => i.rawLabel)).toEqual([null, null]);
  });
});
