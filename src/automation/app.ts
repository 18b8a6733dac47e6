import type { BackendInfo } from '../compute/backend';
import { filesFromInput } from '../ingest/entries';
import type { ImportSummary } from '../ingest/summary';
import type { LayoutKind } from '../ingest/types';
import { getDb, storageUsage, type StorageUsage } from '../storage/db';
import {
  loadDatasetSummaries,
  useDatasetsStore,
  type DatasetSummary,
} from '../ui/datasets/datasetsStore';
import { useImportStore, type ImportResult } from '../ui/ingest/importStore';
import { useAppStore } from '../ui/store';
import { installFaceModelsDebugHook } from './face';
import { installModelDebugHook } from './model';
import { installMediaDebugHook } from './media';
import { installPreprocessDebugHook } from './preprocess';
import { installDemoDebugHook } from './demo';
import { installTrainDebugHook } from './train';
import { installExportDebugHook } from './exportRun';
import { installFramesDebugHook } from './exportFrames';
import { installPredictDebugHook } from './predict';
import { installEvaluateDebugHook } from './evaluate';

/**
 * A small API on `window.__fer` for the e2e tests and the headless runner (scripts/cli.ts):
 * they call the same store actions the UI calls, without clicking. Keep it thin: no logic.
 */
export interface FerTestApi {
  version: 1;
  /** Resolves when storage is open and a compute backend has been picked. */
  ready: () => Promise<void>;
  backend: () => BackendInfo | null;
  planFromTestInput: (
    which: 'files' | 'folder',
    opts?: { layout?: LayoutKind; name?: string },
  ) => Promise<ImportSummary>;
  commitPlan: () => Promise<ImportResult>;
  listDatasets: () => Promise<DatasetSummary[]>;
  deleteDataset: (id: string) => Promise<void>;
  storage: () => Promise<StorageUsage>;
}

export type { ImportSummary, ImportResult, DatasetSummary };

function waitFor(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const tick = (): void => {
      if (check()) resolve();
      else setTimeout(tick, 50);
    };
    tick();
  });
}

export function installTestApi(): void {
  installFaceModelsDebugHook();
  installModelDebugHook();
  installMediaDebugHook();
  installPreprocessDebugHook();
  installDemoDebugHook();
  installTrainDebugHook();
  installExportDebugHook();
  installFramesDebugHook();
  installPredictDebugHook();
  installEvaluateDebugHook();
  window.__fer = {
    version: 1,
    ready: async () => {
      await getDb();
      await waitFor(() => {
        const s = useAppStore.getState();
        return s.backend !== null || s.backendError !== null;
      });
    },
    backend: () => useAppStore.getState().backend,
    planFromTestInput: async (which, opts) => {
      const input = document.querySelector<HTMLInputElement>(`[data-testid="testapi.${which}"]`);
      if (!input?.files) throw new Error(`The test input testapi.${which} has no files.`);
      const summary = await useImportStore.getState().start(filesFromInput(input.files), opts);
      if (!summary)
        throw new Error(useImportStore.getState().error ?? 'The import could not be planned.');
      return summary;
    },
    commitPlan: async () => {
      const result = await useImportStore.getState().commit();
      if (!result) throw new Error(useImportStore.getState().error ?? 'The import failed.');
      return result;
    },
    listDatasets: loadDatasetSummaries,
    deleteDataset: async (id) => {
      await useDatasetsStore.getState().remove(id);
      const error = useDatasetsStore.getState().error;
      if (error) throw new Error(error);
    },
    storage: storageUsage,
  };
}
