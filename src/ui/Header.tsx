import { explainBackend } from '../compute/backendInfo';
import { describeBackend, useAppStore } from './store';
import { StorageMeter } from './datasets/StorageMeter';
import { BackendSettings } from './settings/BackendSettings';
import { ThemeSetting } from './settings/ThemeSetting';

export function Header() {
  const backend = useAppStore((s) => s.backend);
  const error = useAppStore((s) => s.backendError);
  const fellBack = backend && backend.fallbacks.length > 0;
  return (
    <header className="app-header">
      <h1>FER Workbench</h1>
      <span
        className="backend"
        data-testid="header.backend"
        data-backend={backend?.name ?? ''}
        title={backend ? explainBackend(backend) : undefined}
      >
        {backend ? describeBackend(backend) : error ? 'No compute backend' : 'Starting compute…'}
      </span>
      <StorageMeter />
      <ThemeSetting />
      <BackendSettings />
      {fellBack && (
        <p className="notice" role="status" data-testid="header.backend-notice">
          Using {backend.name}: {backend.reason}. Not used:{' '}
          {backend.fallbacks.map((f) => `${f.name} (${f.reason})`).join('; ')}.
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </header>
  );
}
