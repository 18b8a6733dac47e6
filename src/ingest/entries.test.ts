import { describe, expect, it } from 'vitest';
import {
  filesFromDataTransferItems,
  filesFromInput,
  walkEntries,
  type DataTransferItemLike,
  type DirectoryEntryLike,
  type EntryLike,
  type FileEntryLike,
} from './entries';
import type { FileProblem } from './types';

function fileEntry(name: string, content = name, fail = false): FileEntryLike {
  return {
    name,
    isFile: true,
    isDirectory: false,
    file(success, error) {
      if (fail) error?.(new DOMException('gone', 'NotFoundError'));
      else success(new File([content], name));
    },
  };
}

/** A directory whose reader hands out children at most 100 at a time, like Chrome's. */
function dirEntry(name: string, children: EntryLike[], calls = { n: 0 }): DirectoryEntryLike {
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader() {
      let at = 0;
      return {
        readEntries(success) {
          calls.n++;
          const batch = children.slice(at, at + 100);
          at += batch.length;
          setTimeout(() => {
            success(batch);
          }, 0);
        },
      };
    },
  };
}

function item(entry: EntryLike | null, file: File | null = null): DataTransferItemLike {
  return { kind: 'file', getAsFile: () => file, webkitGetAsEntry: () => entry };
}

describe('walkEntries', () => {
  it('reads a directory of 250 entries in batches until an empty batch', async () => {
    const calls = { n: 0 };
    const kids = Array.from({ length: 250 }, (_, i) => fileEntry(`f${i}.png`));
    const files = await walkEntries([dirEntry('big', kids, calls)]);
    expect(files).toHaveLength(250);
    expect(calls.n).toBe(4); // 100 + 100 + 50 + the empty batch
    expect(files[0]?.path).toBe('big/f0.png');
    expect(files[249]?.path).toBe('big/f249.png');
  });

  it('builds /-separated paths through nested folders and reports unreadable files', async () => {
    const problems: FileProblem[] = [];
    const tree = dirEntry('AFEW', [
      dirEntry('Train_AFEW', [dirEntry('Angry', [fileEntry('a.avi', 'abc')])]),
      fileEntry('broken.avi', '', true),
      dirEntry('empty', []),
    ]);
    const files = await walkEntries([tree], { onProblem: (p) => problems.push(p) });
    expect(files.map((f) => [f.path, f.file.size])).toEqual([['AFEW/Train_AFEW/Angry/a.avi', 3]]);
    expect(problems).toEqual([
      { path: 'AFEW/broken.avi', code: 'missing-file', message: 'could not be read: gone' },
    ]);
  });
});

describe('filesFromDataTransferItems', () => {
  it('takes entries synchronously, before the drop event ends', async () => {
    let valid = true;
    const live: DataTransferItemLike = {
      kind: 'file',
      getAsFile: () => null,
      webkitGetAsEntry: () => (valid ? dirEntry('set', [fileEntry('x.mp4')]) : null),
    };
    const pending = filesFromDataTransferItems([live]);
    valid = false; // the browser empties the DataTransfer once the handler returns
    expect((await pending).map((f) => f.path)).toEqual(['set/x.mp4']);
  });

  it('falls back to getAsFile, skips non-file items, and uses the file list when items are empty', async () => {
    const loose = new File(['abcd'], 'clip.mp4');
    const files = await filesFromDataTransferItems([
      item(null, loose),
      { kind: 'string', getAsFile: () => null },
      item(fileEntry('b.png')),
    ]);
    expect(files.map((f) => f.path)).toEqual(['b.png', 'clip.mp4']);
    const fromList = await filesFromDataTransferItems([], [new File(['1'], 'one.avi')]);
    expect(fromList.map((f) => f.path)).toEqual(['one.avi']);
  });
});

describe('filesFromInput', () => {
  it('uses webkitRelativePath when there is one, else the name', () => {
    const a = new File(['1'], 'a.mp4');
    Object.defineProperty(a, 'webkitRelativePath', { value: 'AFEW/Train_AFEW/Angry/a.mp4' });
    const b = new File(['22'], 'b.mp4');
    expect(filesFromInput([a, b]).map((f) => [f.path, f.file.size])).toEqual([
      ['AFEW/Train_AFEW/Angry/a.mp4', 1],
      ['b.mp4', 2],
    ]);
  });
});
