import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { installTestApi } from './testing/testApi';
import './ui/styles.css';
import { initTheme } from './ui/settings/theme';
import { registerServiceWorker } from './ui/pwa';

initTheme();
installTestApi();
registerServiceWorker();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
