import './backendSettings.css';
import { KERNEL_MODES, type KernelMode } from '../../model/kernelModes';
import { type BackendSetting, BACKEND_SETTINGS, useAppStore } from '../store';

const LABELS: Record<BackendSetting, string> = {
  auto: 'Auto',
  webgpu: 'WebGPU',
  wasm: 'WASM',
  webgl: 'WebGL',
  cpu: 'CPU',
};

const KERNEL_LABELS: Record<KernelMode, string> = {
  auto: 'Auto (fused on WebGPU)',
  tfjs: 'tfjs stock',
  fused: 'fused',
};

/**
 * Which TensorFlow.js backend runs: Auto (the default order of src/compute/backend.ts) or one
 * backend first; "Measure" times a short probe training step on each backend, shows the times
 * and switches to the fastest. "Kernels" picks the kernel mode the training and inference
 * workers run (src/model/kernels.ts). The choices and the last measurement persist (localStorage).
 */
export function BackendSettings() {
  const backend = useAppStore((s) => s.backend);
  const stored = useAppStore((s) => s.backendSetting);
  const busy = useAppStore((s) => s.backendBusy);
  const setSetting = useAppStore((s) => s.setBackendSetting);
  const measure = useAppStore((s) => s.measureBackends);
  const kernels = useAppStore((s) => s.kernelMode);
  const setKernels = useAppStore((s) => s.setKernelMode);
  const ranking = stored.measured?.ranking ?? [];
  return (
    <details className="backend-settings" data-testid="settings.backend">
      <summary>Compute settings</summary>
      <label>
        Backend{' '}
        <select
          data-testid="settings.backend-select"
          value={stored.setting}
          disabled={busy}
          onChange={(e) => void setSetting(e.target.value as BackendSetting)}
        >
          {BACKEND_SETTINGS.map((b) => (
            <option key={b} value={b}>
              {LABELS[b]}
            </option>
          ))}
        </select>
      </label>{' '}
      <button
        type="button"
        data-testid="settings.backend-measure"
        disabled={busy}
        onClick={() => void measure()}
      >
        {busy ? 'Working…' : 'Measure'}
      </button>
      <label>
        Kernels{' '}
        <select
          data-testid="settings.kernels-select"
          value={kernels}
          onChange={(e) => setKernels(e.target.value as KernelMode)}
        >
          {KERNEL_MODES.map((k) => (
            <option key={k} value={k}>
              {KERNEL_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      <p className="muted" data-testid="settings.kernels-help">
        Fused WebGPU kernels or tfjs&apos;s stock ones, for training and inference started from now
        on (results agree to ~1e-6). Off WebGPU, fused only folds batch norm into the convolutions
        in inference. Each run records the kernels it used.
      </p>
      <p className="notice" data-testid="settings.backend-reason">
        {backend ? `Using ${backend.name}: ${backend.reason}.` : 'No backend yet.'}
      </p>
      {ranking.length > 0 && (
        <table data-testid="settings.backend-ranking">
          <caption>
            Probe training step (small grouped conv net, batch 4), measured{' '}
            {stored.measured?.at.replace('T', ' ').slice(0, 19)}
          </caption>
          <thead>
            <tr>
              <th>backend</th>
              <th>ms / step</th>
            </tr>
          </thead>
          <tbody>
            {ranking.map((p, i) => (
              <tr
                key={p.name}
                data-testid="settings.backend-probe"
                data-backend={p.name}
                data-ms={p.ms ?? ''}
                data-fastest={i === 0 && p.ms !== null ? 'true' : 'false'}
              >
                <td>{p.name}</td>
                <td>{p.ms === null ? `failed: ${p.error ?? ''}` : p.ms.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
