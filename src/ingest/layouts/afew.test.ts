import { describe, expect, it } from 'vitest';
import { aviBytes, mp4Bytes, src } from '../../automation/ingest/bytes';
import { planAfew } from './afew';

describe('planAfew', () => {
  it('labels videos by class folder, splits by split folder, ignores other files', async () => {
    const files = [
      src('AFEW/Val_AFEW/Happy/010201.mp4', mp4Bytes()),
      src('AFEW/Train_AFEW/Angry/000102.avi', aviBytes()),
      src('AFEW/Train_AFEW/Angry/000101.avi', aviBytes()),
      src('AFEW/Test_AFEW/900001.avi', aviBytes()),
      src('AFEW/Train_AFEW/Angry/notes.txt', 'hello'),
      src('AFEW/Train_AFEW/.DS_Store', 'x'),
      src('AFEW/Thumbs.db', 'x'),
    ];
    const { items, problems } = await planAfew(files);
    expect(
      items.map((i) => [i.key, i.kind, i.rawLabel, i.split ?? null, i.sources.length]),
    ).toEqual([
      ['AFEW/Test_AFEW/900001.avi', 'video', null, 'test', 1],
      ['AFEW/Train_AFEW/Angry/000101.avi', 'video', 'Angry', 'train', 1],
      ['AFEW/Train_AFEW/Angry/000102.avi', 'video', 'Angry', 'train', 1],
      ['AFEW/Val_AFEW/Happy/010201.mp4', 'video', 'Happy', 'val', 1],
    ]);
    expect(problems).toEqual([
      {
        path: 'AFEW/Train_AFEW/Angry/notes.txt',
        code: 'ignored',
        message: 'not a video: this layout holds videos',
      },
    ]);
  });

  it('works without split folders', async () => {
    const { items } = await planAfew([
      src('Sad/a.mp4', mp4Bytes()),
      src('x/Fear/b.mp4', mp4Bytes()),
    ]);
    expect(items.map((i) => [i.rawLabel, i.split])).toEqual([
      ['Sad', undefined],
      ['Fear', undefined],
    ]);
  });
});
