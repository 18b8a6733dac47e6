import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import './ui/styles.css';
import { initTheme } from './ui/settings/theme';
import { registerServiceWorker } from './ui/pwa';

initTheme();
// The automation hooks (window.__fer*) import TensorFlow.js and ffmpeg: loaded after the shell,
// as their own chunk; the e2e suite and the CLI wait for them (tests/e2e/appHooks.ts).
void import('./testing/testApi').then((m) => m.installTestApi());
registerServiceWorker();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
