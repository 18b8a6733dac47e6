/** Storage failures the UI must show as state, never swallow. */
export type StorageErrorKind = 'quota' | 'blocked' | 'unavailable' | 'not-found' | 'aborted';

export class StorageError extends Error {
  readonly kind: StorageErrorKind;
  constructor(kind: StorageErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
    this.kind = kind;
  }
}

const QUOTA_MESSAGE =
  'Browser storage is full. The import stopped; everything stored before this point is intact. ' +
  'Free space (delete a dataset) or allow this site more storage, then resume.';

function errorName(e: unknown): string {
  if (e && typeof e === 'object' && 'name' in e && typeof e.name === 'string') return e.name;
  return '';
}

/** Turns whatever IndexedDB threw (DOMException, idb's wrappers, an aborted tx) into a StorageError. */
export function toStorageError(e: unknown): StorageError {
  if (e instanceof StorageError) return e;
  const name = errorName(e);
  const inner = e && typeof e === 'object' && 'cause' in e ? errorName(e.cause) : '';
  if (name === 'QuotaExceededError' || inner === 'QuotaExceededError') {
    return new StorageError('quota', QUOTA_MESSAGE, { cause: e });
  }
  if (name === 'AbortError') {
    return new StorageError('aborted', 'A storage transaction was aborted.', { cause: e });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new StorageError('unavailable', `Storage error: ${message}`, { cause: e });
}
