/**
 * Turns what the user dropped or picked into `SourceFile`s with '/'-separated paths relative
 * to what was dropped ("AFEW/Train_AFEW/Angry/000101.avi").
 *
 * The walker is written against small structural interfaces (`EntryLike`...) that the
 * browser's FileSystemEntry objects satisfy, so it runs in unit tests with fake entries.
 */
import type { FileProblem, SourceFile } from './types';

export interface EntryLike {
  readonly name: string;
  readonly isFile: boolean;
  readonly isDirectory: boolean;
}

export interface FileEntryLike extends EntryLike {
  file(success: (file: File) => void, error?: (err: DOMException) => void): void;
}

export interface DirectoryReaderLike {
  /** Returns the next batch of children (Chrome: at most 100); an empty batch means done. */
  readEntries(success: (entries: EntryLike[]) => void, error?: (err: DOMException) => void): void;
}

export interface DirectoryEntryLike extends EntryLike {
  createReader(): DirectoryReaderLike;
}

export interface DataTransferItemLike {
  readonly kind: string;
  getAsFile(): File | null;
  webkitGetAsEntry?: () => EntryLike | null;
}

export interface EntryWalkOptions {
  /** Told about files or folders that could not be read (they are left out). */
  onProblem?: (p: FileProblem) => void;
}

function isFileEntry(e: EntryLike): e is FileEntryLike {
  return e.isFile && 'file' in e && typeof e.file === 'function';
}

function isDirectoryEntry(e: EntryLike): e is DirectoryEntryLike {
  return e.isDirectory && 'createReader' in e && typeof e.createReader === 'function';
}

function entryFile(entry: FileEntryLike): Promise<File> {
  return new Promise((resolve, reject) => {
    entry.file(resolve, reject);
  });
}

function readBatch(reader: DirectoryReaderLike): Promise<EntryLike[]> {
  return new Promise((resolve, reject) => {
    reader.readEntries(resolve, reject);
  });
}

/** All children of a directory: `readEntries` is called until it returns an empty batch. */
export async function readAllEntries(dir: DirectoryEntryLike): Promise<EntryLike[]> {
  const reader = dir.createReader();
  const all: EntryLike[] = [];
  for (;;) {
    const batch = await readBatch(reader);
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Walks entries depth-first, collecting every file with its relative path. */
export async function walkEntries(
  roots: readonly EntryLike[],
  opts: EntryWalkOptions = {},
): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  const visit = async (entry: EntryLike, prefix: string): Promise<void> => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (isFileEntry(entry)) {
      try {
        out.push({ path, file: await entryFile(entry) });
      } catch (e) {
        opts.onProblem?.({
          path,
          code: 'missing-file',
          message: `could not be read: ${errorText(e)}`,
        });
      }
    } else if (isDirectoryEntry(entry)) {
      let children: EntryLike[];
      try {
        children = await readAllEntries(entry);
      } catch (e) {
        opts.onProblem?.({
          path,
          code: 'missing-file',
          message: `the folder could not be read: ${errorText(e)}`,
        });
        return;
      }
      for (const child of children) await visit(child, path);
    }
  };
  for (const root of roots) await visit(root, '');
  return out;
}

/**
 * The files of a drop. Call it synchronously inside the drop handler: it takes every item's
 * entry (or File) before its first `await`, as the browser empties the DataTransfer after
 * the event. Folders are walked recursively. Items without entry support fall back to
 * `getAsFile()`, and an empty item list to `fallbackFiles` (e.g. `dataTransfer.files`).
 */
export async function filesFromDataTransferItems(
  items: ArrayLike<DataTransferItemLike>,
  fallbackFiles?: ArrayLike<File> | null,
  opts: EntryWalkOptions = {},
): Promise<SourceFile[]> {
  const roots: EntryLike[] = [];
  const loose: File[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!item || item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry ? item.webkitGetAsEntry() : null;
    if (entry) {
      roots.push(entry);
      continue;
    }
    const file = item.getAsFile();
    if (file) loose.push(file);
  }
  if (roots.length === 0 && loose.length === 0 && fallbackFiles) {
    return filesFromInput(fallbackFiles);
  }
  const walked = await walkEntries(roots, opts);
  return [...walked, ...loose.map((file) => ({ path: file.name, file }))];
}

/**
 * The files of an `<input type="file">` (with `webkitdirectory`, each file's
 * `webkitRelativePath` holds "folder/sub/name"; without it, just the name).
 */
export function filesFromInput(list: ArrayLike<File>): SourceFile[] {
  const out: SourceFile[] = [];
  for (let i = 0; i < list.length; i++) {
    const file = list[i];
    if (!file) continue;
    const rel = typeof file.webkitRelativePath === 'string' ? file.webkitRelativePath : '';
    out.push({ path: (rel || file.name).replace(/\\/g, '/').replace(/^\/+/, ''), file });
  }
  return out;
}
