import { openDB, type IDBPDatabase } from 'idb';
import { StorageError, toStorageError } from './errors';
import { migrations, runMigrations } from './migrations';
import { DB_NAME, DB_VERSION, type FerDB } from './schema';

export type FerDatabase = IDBPDatabase<FerDB>;

const BLOCKED_MESSAGE =
  'The workbench is open in another tab with an older version. Close the other tabs of ' +
  'FER Workbench, then reload this one.';

/**
 * Opens (and migrates) the workbench database. This module and its siblings in
 * src/storage are the only code that touches IndexedDB.
 */
export async function openFerDb(name = DB_NAME, version = DB_VERSION): Promise<FerDatabase> {
  if (version > migrations.length) {
    throw new StorageError(
      'unavailable',
      `No migration from schema version ${migrations.length} to ${version}: this build cannot open that database.`,
    );
  }
  let blocked = false;
  const opening = openDB<FerDB>(name, version, {
    upgrade(db, oldVersion, newVersion, tx) {
      runMigrations(db, oldVersion, newVersion ?? version, tx);
    },
    blocked() {
      blocked = true;
    },
    blocking(_current, _next, event) {
      // A newer tab wants to upgrade: let it, and make this tab reload onto the new schema.
      (event.target as IDBDatabase).close();
    },
  });
  // An open that another tab blocks never settles; report it instead of hanging.
  const timeout = new Promise<never>((_, reject) => {
    const check = (): void => {
      if (blocked) reject(new StorageError('blocked', BLOCKED_MESSAGE));
      else setTimeout(check, 250);
    };
    setTimeout(check, 250);
  });
  try {
    return await Promise.race([opening, timeout]);
  } catch (e) {
    throw toStorageError(e);
  }
}

let shared: Promise<FerDatabase> | null = null;

/** The app's one connection (opened lazily). */
export function getDb(): Promise<FerDatabase> {
  shared ??= openFerDb().catch((e: unknown) => {
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
