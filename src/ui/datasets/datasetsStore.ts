import { create } from 'zustand';
import {
  type DatasetSummary,
  loadDatasetSummaries,
  onDbUnblocked,
  onDbVersionChange,
  remapClass,
  removeDataset,
  requestPersistence,
  storageUsage,
  type StorageUsage,
  unfinishedImports,
} from '../../ingest/api';
import { toStorageError } from '../../storage/errors';
import type { ImportJournalRecord } from '../../storage/schema';
import type { CanonicalClass } from '../../ingest/labels';

export { loadDatasetSummaries, type DatasetSummary };

export interface DatasetsState {
  loaded: boolean;
  datasets: DatasetSummary[];
  unfinished: ImportJournalRecord[];
  usage: StorageUsage;
  error: string | null;
  refresh: () => Promise<void>;
  remove: (id: string) => Promise<void>;
  remap: (id: string, rawLabel: string, canonical: CanonicalClass | null) => Promise<void>;
}

export const useDatasetsStore = create<DatasetsState>((set, get) => ({
  loaded: false,
  datasets: [],
  unfinished: [],
  usage: { usageBytes: null, quotaBytes: null, persisted: null },
  error: null,
  refresh: async () => {
    try {
      const [datasets, unfinished, usage] = await Promise.all([
        loadDatasetSummaries(),
        unfinishedImports(),
        storageUsage(),
      ]);
      set({ loaded: true, datasets, unfinished, usage, error: null });
    } catch (e) {
      set({ loaded: true, error: toStorageError(e).message });
    }
  },
  remove: async (id) => {
    try {
      await removeDataset(id);
    } catch (e) {
      set({ error: toStorageError(e).message });
    }
    await get().refresh();
  },
  remap: async (id, rawLabel, canonical) => {
    await remapClass(id, rawLabel, canonical);
    await get().refresh();
  },
}));

// Another tab blocked the upgrade and has let go: the stored data is readable now.
onDbUnblocked(() => void useDatasetsStore.getState().refresh());
// A newer version of the app upgrades the data in another tab: this tab let go of it.
onDbVersionChange(() =>
  useDatasetsStore.setState({
    error:
      'FER Workbench was opened in another tab with a newer version, which upgrades the stored ' +
      'data. Reload this tab to continue with it.',
  }),
);

/** Ask once for persistent storage so the browser does not evict datasets under pressure. */
export async function ensurePersistence(): Promise<void> {
  const usage = await storageUsage();
  if (usage.persisted === false) await requestPersistence();
}
