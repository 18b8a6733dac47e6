import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import pkg from './package.json' with { type: 'json' };

// Cross-origin isolation lets the WASM backend use threads (SharedArrayBuffer). The same
// headers are sent by the dev server, `vite preview` and the headless runner's server.
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  // Recorded in every run record (src/train/run/environment.ts).
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@ffmpeg/ffmpeg', '@ffmpeg/util'] },
  // Not minified: a minified build breaks tfjs-backend-wasm's threaded workers (the worker is
  // made from the factory's source text; minified, it references names outside it and
  // setBackend('wasm') hangs). tests/e2e/wasm.spec.ts checks the threaded backend starts.
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 8000, minify: false },
});
