import { describe, expect, it } from 'vitest';
import { mp4Bytes, pngBytes, src } from '../../automation/ingest/bytes';
import { planUnlabelledVideo } from './unlabelledVideo';

describe('planUnlabelledVideo', () => {
  it('makes every video an unlabelled item and ignores the rest', async () => {
    const { items, problems } = await planUnlabelledVideo([
      src('bold/clip_b.mp4', mp4Bytes()),
      src('bold/clip_a.mp4', mp4Bytes()),
      src('bold/cover.png', pngBytes()),
      src('bold/._clip_a.mp4', 'x'),
    ]);
    expect(items.map((i) => [i.key, i.kind, i.rawLabel])).toEqual([
      ['bold/clip_a.mp4', 'video', null],
      ['bold/clip_b.mp4', 'video', null],
    ]);
    expect(problems).toEqual([{ path: 'bold/cover.png', code: 'ignored', message: 'not a video' }]);
  });
});
