import { create } from 'zustand';
import {
  BACKEND_ORDER,
  describeBackend,
  type BackendInfo,
  type BackendName,
  type BackendProbe,
} from '../compute/backendInfo';
import type { ComputeChoice } from '../compute/choice';
import type { KernelMode } from '../model/kernelModes';
import { loadKernelSetting, saveKernelSetting } from './settings/kernelSetting';

/**
 * Starts a backend. TensorFlow.js (../compute/backend) loads here, on first use, as its own
 * chunk: the shell paints without waiting for it (docs/benchmarks.md "First load").
 */
const initBackend: (typeof import('../compute/backend'))['initBackend'] = async (...args) =>
  (await import('../compute/backend')).initBackend(...args);

/** The backend setting: the default order ('auto') or one backend first. */
export type BackendSetting = 'auto' | BackendName;

export const BACKEND_SETTINGS: readonly BackendSetting[] = ['auto', ...BACKEND_ORDER];

/** What the settings control keeps in localStorage (key `BACKEND_SETTING_KEY`). */
export interface StoredBackendSetting {
  setting: BackendSetting;
  /** The last "Measure" run: each backend's probe step, fastest first; null if never measured. */
  measured: { at: string; ranking: BackendProbe[] } | null;
}

export const BACKEND_SETTING_KEY = 'fer.backendSetting';

function isSetting(v: unknown): v is BackendSetting {
  return typeof v === 'string' && (BACKEND_SETTINGS as readonly string[]).includes(v);
}

export function loadBackendSetting(): StoredBackendSetting {
  try {
    const raw = localStorage.getItem(BACKEND_SETTING_KEY);
    const v = raw ? (JSON.parse(raw) as Partial<StoredBackendSetting>) : {};
    return {
      setting: isSetting(v.setting) ? v.setting : 'auto',
      measured: v.measured && Array.isArray(v.measured.ranking) ? v.measured : null,
    };
  } catch {
    return { setting: 'auto', measured: null };
  }
}

function saveBackendSetting(s: StoredBackendSetting): void {
  try {
    localStorage.setItem(BACKEND_SETTING_KEY, JSON.stringify(s));
  } catch {
    // private mode or storage full: the choice lasts for this page only
  }
}

const fmtProbe = (p: BackendProbe): string =>
  `${p.name} ${p.ms === null ? 'failed' : `${p.ms.toFixed(0)} ms`}`;

/** App-wide UI state. Data lives in IndexedDB (src/storage); this holds what the UI shows. */
export interface AppState {
  backend: BackendInfo | null;
  backendError: string | null;
  /** The persisted setting and last measurement (see `loadBackendSetting`). */
  backendSetting: StoredBackendSetting;
  /** True while the backend is being switched or measured. */
  backendBusy: boolean;
  initBackend: () => Promise<void>;
  /** Persists the setting and switches to it ('auto': the default order). */
  setBackendSetting: (setting: BackendSetting) => Promise<void>;
  /** Times the probe training step on every backend, switches to the fastest and keeps it. */
  measureBackends: () => Promise<void>;
  /** The kernels the workers run (Compute settings "Kernels"; `?kernels=` wins); persisted. */
  kernelMode: KernelMode;
  setKernelMode: (mode: KernelMode) => void;
}

export const useAppStore = create<AppState>((set, get) => {
  /** Starts the backend the setting asks for; `?backend=` in the URL (the CLI) wins. */
  const start = async (stored: StoredBackendSetting): Promise<void> => {
    set({ backendBusy: true });
    try {
      const wanted = new URLSearchParams(location.search).get('backend');
      const fromUrl = BACKEND_ORDER.find((b) => b === wanted);
      const preferred = fromUrl ?? (stored.setting === 'auto' ? undefined : stored.setting);
      const fastest = stored.measured?.ranking[0];
      const reason =
        !fromUrl && fastest && fastest.name === preferred && fastest.ms !== null
          ? `the fastest in the measurement of ${stored.measured?.at ?? '?'} (${stored.measured?.ranking.map(fmtProbe).join(', ') ?? ''})`
          : undefined;
      set({
        backend: await initBackend(preferred, { preferredReason: reason }),
        backendError: null,
      });
    } catch (e) {
      set({ backendError: e instanceof Error ? e.message : String(e) });
    } finally {
      set({ backendBusy: false });
    }
  };
  return {
    backend: null,
    backendError: null,
    backendSetting: loadBackendSetting(),
    backendBusy: false,
    kernelMode: loadKernelSetting(),
    setKernelMode: (kernelMode) => {
      saveKernelSetting(kernelMode);
      set({ kernelMode });
    },
    initBackend: () => start(get().backendSetting),
    setBackendSetting: async (setting) => {
      const stored = { ...get().backendSetting, setting };
      saveBackendSetting(stored);
      set({ backendSetting: stored });
      await start(stored);
    },
    measureBackends: async () => {
      set({ backendBusy: true });
      try {
        const info = await initBackend(undefined, { rank: true });
        const ranking = info.ranking ?? [];
        const stored: StoredBackendSetting = {
          setting: info.name,
          measured: { at: new Date().toISOString(), ranking },
        };
        saveBackendSetting(stored);
        set({ backend: info, backendError: null, backendSetting: stored });
      } catch (e) {
        set({ backendError: e instanceof Error ? e.message : String(e) });
      } finally {
        set({ backendBusy: false });
      }
    },
  };
});

/** What a worker that runs a model is handed: the page's backend and kernel mode. */
export function computeChoice(): ComputeChoice {
  const s = useAppStore.getState();
  return { backend: s.backend?.name ?? null, kernels: s.kernelMode };
}

export { describeBackend };
