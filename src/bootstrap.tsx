/**
 * Starts the app: theme, service worker, and the React tree in #root. Both entries call it:
 * the product's (src/main.tsx) and the automation build's (src/automation/main.tsx), which
 * passes the test inputs to render beside the app.
 */
import { type ReactNode, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
// In this order (the cascade): base and theme, Results tab, Train form, late overrides.
import './ui/styles.css';
import './ui/results/results.css';
import './ui/train/trainForm.css';
import './ui/controls.css';
import { initTheme } from './ui/settings/theme';
import { registerServiceWorker } from './ui/pwa';

export function renderApp(extra?: ReactNode): void {
  initTheme();
  registerServiceWorker();
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element');
  createRoot(root).render(
    <StrictMode>
      <App />
      {extra}
    </StrictMode>,
  );
}
