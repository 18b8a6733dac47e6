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

/** What was being written when storage failed: the quota message says what stopped and why. */
export type StorageContext = 'import' | 'preprocess' | 'checkpoint' | 'write';

const QUOTA_MESSAGES: Record<StorageContext, string> = {
  import:
    'Browser storage is full. The import stopped; everything stored before this point is intact. ' +
    'Free space (delete a dataset) or allow this site more storage, then resume.',
  preprocess:
    'Browser storage is full. Preprocessing stopped; every item finished before this point is ' +
    'stored whole and the item being written was not stored at all. Free space (delete a dataset ' +
    'or a run) or allow this site more storage, then preprocess again: it continues with the ' +
    'items still to do.',
  checkpoint:
    'Browser storage is full, so this epoch could not be checkpointed. Training stopped; the ' +
    'previous checkpoint and every stored dataset are intact. Free space (delete a run or a ' +
    'dataset) and resume the run.',
  write:
    'Browser storage is full, so this change was not saved; everything stored before is intact. ' +
    'Free space (delete a dataset or a run) or allow this site more storage, then try again.',
};

/** The message for a full disk while writing `context`. */
export function quotaMessage(context: StorageContext): string {
  return QUOTA_MESSAGES[context];
}

const VERSION_MESSAGE =
  'A newer version of FER Workbench upgraded the stored data in another tab. Reload this tab ' +
  'to use it.';

function errorName(e: unknown): string {
  if (e && typeof e === 'object' && 'name' in e && typeof e.name === 'string') return e.name;
  return '';
}

/**
 * Turns whatever IndexedDB threw (DOMException, idb's wrappers, an aborted tx) into a
 * StorageError; a full disk gets the message of what was being written (`context`).
 */
export function toStorageError(e: unknown, context: StorageContext = 'write'): StorageError {
  if (e instanceof StorageError) {
    // A quota error raised below with a generic message gets the caller's context.
    return e.kind === 'quota' && e.message === QUOTA_MESSAGES.write && context !== 'write'
      ? new StorageError('quota', QUOTA_MESSAGES[context], { cause: e.cause ?? e })
      : e;
  }
  const name = errorName(e);
  const inner = e && typeof e === 'object' && 'cause' in e ? errorName(e.cause) : '';
  if (name === 'QuotaExceededError' || inner === 'QuotaExceededError') {
    return new StorageError('quota', QUOTA_MESSAGES[context], { cause: e });
  }
  if (name === 'VersionError') {
    return new StorageError('unavailable', VERSION_MESSAGE, { cause: e });
  }
  if (name === 'AbortError') {
    return new StorageError('aborted', 'A storage transaction was aborted.', { cause: e });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new StorageError('unavailable', `Storage error: ${message}`, { cause: e });
}

/**
 * Aborts a transaction that failed part-way (a put threw at once): without this, the requests
 * already queued in it would still commit. `pending` (its requests and `done`) then reject with
 * AbortError: they are marked handled, the caller reports the first error.
 */
export function abortQuietly(
  tx: { abort(): void; done: Promise<unknown> },
  pending: readonly Promise<unknown>[] = [],
): void {
  for (const p of [...pending, tx.done]) p.catch(() => undefined);
  try {
    tx.abort();
  } catch {
    // finished or already aborted
  }
}
