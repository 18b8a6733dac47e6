import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import './ui/styles.css';
import { initTheme } from './ui/settings/theme';
import { registerServiceWorker } from './ui/pwa';

initTheme();
// The automation hooks (window.__fer*) import TensorFlow.js and ffmpeg: their own chunk,
// loaded once the page has loaded, so the shell paints first; the e2e suite and the CLI wait
// for them (tests/e2e/appHooks.ts).
const installHooks = (): void => {
  void import('./testing/testApi').then((m) => m.installTestApi());
};
if (document.readyState === 'complete') installHooks();
else addEventListener('load', installHooks, { once: true });
registerServiceWorker();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
