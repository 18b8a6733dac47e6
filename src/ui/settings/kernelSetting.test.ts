/**
 * The Compute settings' "Kernels" choice: persisted, overridden by `?kernels=` (the CLI), and
 * handed to the training and inference workers with every request that starts a model.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ToInferenceWorker } from '../../inference/protocol';
import type { ToTrainWorker } from '../../train/protocol';

const storage = new Map<string, string>();
vi.stubGlobal('localStorage', {
  getItem: (k: string) => storage.get(k) ?? null,
  setItem: (k: string, v: string) => void storage.set(k, v),
});
vi.stubGlobal('location', { search: '' });

/** Every message posted to a worker, by the worker's name. */
const posted: { name: string; message: unknown }[] = [];
class FakeWorker {
  onmessage: unknown = null;
  onerror: unknown = null;
  onmessageerror: unknown = null;
  constructor(
    _url: URL,
    readonly opts: { name?: string },
  ) {}
  postMessage(message: unknown): void {
    posted.push({ name: this.opts.name ?? '', message });
  }
  terminate(): void {}
}
vi.stubGlobal('Worker', FakeWorker);

const { KERNEL_SETTING_KEY, loadKernelSetting } = await import('./kernelSetting');
const { computeChoice, useAppStore } = await import('../store');
const { setTrainWorkerFactory, startRun, measureSteps } = await import('../../train/client');
const { loadStoredModel } = await import('../../inference/client');

describe('the kernel mode setting', () => {
  beforeAll(() => {
    setTrainWorkerFactory(() => new FakeWorker(new URL('file:///t'), { name: 'train' }) as never);
  });

  it("loads the URL's ?kernels= first, else the stored choice, else 'auto'", () => {
    storage.clear();
    expect(loadKernelSetting('')).toBe('auto');
    storage.set(KERNEL_SETTING_KEY, 'fused');
    expect(loadKernelSetting('')).toBe('fused');
    expect(loadKernelSetting('?backend=wasm&kernels=tfjs')).toBe('tfjs');
    expect(loadKernelSetting('?kernels=fast')).toBe('fused'); // unknown: ignored
    storage.set(KERNEL_SETTING_KEY, 'nonsense');
    expect(loadKernelSetting('')).toBe('auto');
  });

  it('persists the select and sends it to the training worker (start and warm-up) and the inference worker', () => {
    useAppStore.getState().setKernelMode('tfjs');
    expect(storage.get(KERNEL_SETTING_KEY)).toBe('tfjs');
    expect(computeChoice()).toEqual({ backend: null, kernels: 'tfjs' });

    posted.length = 0;
    startRun('run-1', computeChoice());
    void measureSteps([], computeChoice()).catch(() => undefined);
    void loadStoredModel(computeChoice(), 'run-1', 0).catch(() => undefined);
    const start = posted.find((p) => p.name === 'train')?.message as ToTrainWorker;
    expect(start).toMatchObject({ type: 'start', runId: 'run-1', kernels: 'tfjs' });
    const measure = posted.find((p) => p.name === 'train-measure')?.message as ToTrainWorker;
    expect(measure).toMatchObject({ type: 'measure', kernels: 'tfjs' });
    const load = posted.find((p) => p.name === 'inference')?.message as ToInferenceWorker;
    expect(load).toMatchObject({ type: 'load-stored', runId: 'run-1', kernels: 'tfjs' });

    useAppStore.getState().setKernelMode('fused');
    posted.length = 0;
    startRun('run-2', computeChoice());
    expect(posted[0]?.message).toMatchObject({ type: 'start', kernels: 'fused' });
  });
});
