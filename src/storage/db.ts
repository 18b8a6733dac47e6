import { openDB, type IDBPDatabase } from 'idb';
import { StorageError, toStorageError } from './errors';
import { migrations, runMigrations } from './migrations';
import { DB_NAME, DB_VERSION, type FerDB } from './schema';

export type FerDatabase = IDBPDatabase<FerDB>;

const BLOCKED_MESSAGE =
  'The workbench is open in another tab with an older version, which keeps this one from ' +
  'upgrading the stored data. Close the other tabs of FER Workbench: this tab continues by ' +
  'itself once they are closed (or reload it).';

export interface OpenOptions {
  /**
   * An open that another tab blocked rejects at once (kind 'blocked'); when that tab lets go,
   * the open completes after all and this receives the connection (else it is closed).
   */
  onUnblocked?: (db: FerDatabase) => void;
  /** This connection was closed because a newer version of the app (another tab) upgrades. */
  onVersionChange?: () => void;
}

/**
 * Opens (and migrates) the workbench database. This module and its siblings in
 * src/storage are the only code that touches IndexedDB.
 */
export async function openFerDb(
  name = DB_NAME,
  version = DB_VERSION,
  options: OpenOptions = {},
): Promise<FerDatabase> {
  if (version > migrations.length) {
    throw new StorageError(
      'unavailable',
      `No migration from schema version ${migrations.length} to ${version}: this build cannot open that database.`,
    );
  }
  let blocked = false;
  let gaveUp = false;
  const opening = openDB<FerDB>(name, version, {
    upgrade(db, oldVersion, newVersion, tx) {
      runMigrations(db, oldVersion, newVersion ?? version, tx);
    },
    blocked() {
      blocked = true;
    },
    blocking(_current, _next, event) {
      // A newer tab wants to upgrade: never stand in its way. This tab's connection closes; it
      // is told (onVersionChange) so it can ask for a reload onto the new schema.
      (event.target as IDBDatabase).close();
      options.onVersionChange?.();
    },
  });
  // An open that another tab blocks does not settle until that tab lets go; report it at once.
  const timeout = new Promise<never>((_, reject) => {
    const check = (): void => {
      if (blocked) reject(new StorageError('blocked', BLOCKED_MESSAGE));
      else setTimeout(check, 250);
    };
    setTimeout(check, 250);
  });
  // Once the other tab lets go, the open completes after all: hand it over, or close it.
  opening.then(
    (db) => {
      if (!gaveUp) return;
      if (options.onUnblocked) options.onUnblocked(db);
      else db.close();
    },
    () => undefined,
  );
  try {
    return await Promise.race([opening, timeout]);
  } catch (e) {
    gaveUp = true;
    throw toStorageError(e);
  }
}

let shared: Promise<FerDatabase> | null = null;
const unblockedListeners = new Set<() => void>();
const versionChangeListeners = new Set<() => void>();

/**
 * `listener` runs when the app's connection becomes available after another tab had blocked
 * it (the UI reloads its state). Returns the unsubscribe function.
 */
export function onDbUnblocked(listener: () => void): () => void {
  unblockedListeners.add(listener);
  return () => unblockedListeners.delete(listener);
}

/** `listener` runs when a newer version of the app in another tab made this tab let go. */
export function onDbVersionChange(listener: () => void): () => void {
  versionChangeListeners.add(listener);
  return () => versionChangeListeners.delete(listener);
}

/** The app's one connection (opened lazily). */
export function getDb(): Promise<FerDatabase> {
  shared ??= openFerDb(DB_NAME, DB_VERSION, {
    onUnblocked: (db) => {
      if (shared)
        db.close(); // another open got there first
      else shared = Promise.resolve(db);
      for (const l of unblockedListeners) l();
    },
    onVersionChange: () => {
      // The next getDb() opens again (and says that a newer version holds the data).
      shared = null;
      for (const l of versionChangeListeners) l();
    },
  }).catch((e: unknown) => {
    shared = null;
    throw e;
  });
  return shared;
}

/** For tests: forget the shared connection. */
export function resetDbForTests(): void {
  shared = null;
}

export interface StorageUsage {
  usageBytes: number | null;
  quotaBytes: number | null;
  persisted: boolean | null;
}

export async function storageUsage(): Promise<StorageUsage> {
  if (typeof navigator === 'undefined' || !('storage' in navigator)) {
    return { usageBytes: null, quotaBytes: null, persisted: null };
  }
  const est = await navigator.storage.estimate();
  const persisted = await navigator.storage.persisted();
  return { usageBytes: est.usage ?? null, quotaBytes: est.quota ?? null, persisted };
}

/** Asks the browser not to evict our data under pressure. Returns whether it agreed. */
export async function requestPersistence(): Promise<boolean> {
  if (typeof navigator === 'undefined' || !('storage' in navigator)) return false;
  try {
    return await navigator.storage.persist();
  } catch {
    return false;
  }
}
