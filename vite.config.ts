import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import pkg from './package.json' with { type: 'json' };
import {
  CSP_PLACEHOLDER,
  CSP_REPORT_PATH,
  CspReports,
  contentSecurityPolicy,
  securityHeaders,
  type CspMode,
} from './scripts/lib/securityHeaders.ts';
import { serviceWorker } from './scripts/vite/serviceWorker';

// Cross-origin isolation (COOP/COEP: WASM threads) and the Content-Security-Policy, one
// definition in scripts/lib/securityHeaders.ts, sent by the dev server, `vite preview` and the
// headless runner's server (docs/security.md).

/**
 * Fills index.html's <meta http-equiv="Content-Security-Policy"> from the one definition, so a
 * static host that sends no headers still gets the policy (for the page; workers need the
 * header), and takes the violation reports in the dev server and `vite preview`.
 */
function csp(): Plugin {
  let mode: CspMode = 'build';
  const reports = new CspReports((line) => {
    console.warn(`[fer] ${line}`);
  });
  return {
    name: 'fer-csp',
    configResolved(config) {
      mode = config.command === 'serve' ? 'dev' : 'build';
    },
    transformIndexHtml(html) {
      const policy = contentSecurityPolicy(mode, 'meta');
      if (!html.includes(CSP_PLACEHOLDER)) throw new Error(`index.html lacks ${CSP_PLACEHOLDER}`);
      if (/["&<>]/.test(policy)) throw new Error('the policy needs escaping for an attribute');
      return html.replace(CSP_PLACEHOLDER, policy);
    },
    configureServer(server) {
      server.middlewares.use(CSP_REPORT_PATH, (req, res, next) => {
        if (!reports.handle(req, res)) next();
      });
    },
    configurePreviewServer(server) {
      server.middlewares.use(CSP_REPORT_PATH, (req, res, next) => {
        if (!reports.handle(req, res)) next();
      });
    },
  };
}

/** The product's entry in index.html, and the automation build's in its place. */
const PRODUCT_ENTRY = '/src/main.tsx';
const AUTOMATION_ENTRY = '/src/automation/main.tsx';

/**
 * `--mode automation` (dev server or build): index.html loads src/automation/main.tsx, the app
 * plus the `window.__fer*` test hooks, and a build goes to dist-automation/. Any other mode
 * ships the product entry, which installs nothing on window (docs/testing.md).
 */
function automationEntry(automation: boolean): Plugin {
  return {
    name: 'fer-automation-entry',
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        if (!automation) return html;
        if (!html.includes(PRODUCT_ENTRY)) throw new Error(`index.html lacks ${PRODUCT_ENTRY}`);
        return html.replace(PRODUCT_ENTRY, AUTOMATION_ENTRY);
      },
    },
  };
}

export default defineConfig(({ mode }) => ({
  plugins: [react(), csp(), serviceWorker(), automationEntry(mode === 'automation')],
  // Recorded in every run record (src/train/run/environment.ts).
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  server: { headers: securityHeaders('dev') },
  preview: { headers: securityHeaders('build') },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@ffmpeg/ffmpeg', '@ffmpeg/util'] },
  // Not minified: a minified build breaks tfjs-backend-wasm's threaded workers (the worker is
  // made from the factory's source text; minified, it references names outside it and
  // setBackend('wasm') hangs). tests/e2e/wasm.spec.ts checks the threaded backend starts.
  build: {
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 8000,
    minify: false,
    outDir: mode === 'automation' ? 'dist-automation' : 'dist',
  },
}));
