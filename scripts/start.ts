/**
 * `npm start` after the build: serves dist/ with `vite preview` (the project's headers: cross-
 * origin isolation for WASM threads, the Content-Security-Policy), prints the address to open,
 * and opens it in the default browser where there is one (scripts/lib/startMessage.ts).
 *
 *   tsx scripts/start.ts [--port 4173] [--no-open] [--out-dir dist]
 */
import { spawn } from 'node:child_process';
import { preview } from 'vite';
import {
  canOpenBrowser,
  openCommand,
  openFailed,
  startBanner,
  type OpenOutcome,
} from './lib/startMessage';

interface StartOptions {
  port: number;
  open: boolean;
  outDir: string;
}

function parseArgs(argv: readonly string[]): StartOptions {
  const opts: StartOptions = { port: 4173, open: true, outDir: 'dist' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--no-open') opts.open = false;
    else if (a === '--port') opts.port = Number(argv[++i]);
    else if (a === '--out-dir') opts.outDir = argv[++i] ?? opts.outDir;
    else
      throw new Error(
        `Unknown argument ${a ?? ''} (usage: start.ts [--port N] [--no-open] [--out-dir D])`,
      );
  }
  if (!Number.isInteger(opts.port) || opts.port < 0) throw new Error('--port needs a port number');
  return opts;
}

/** Starts the opener detached; resolves 'failed' if it cannot be started or exits non-zero. */
function openInBrowser(url: string): Promise<OpenOutcome> {
  const [cmd, args] = openCommand(process.platform, url);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => resolve('failed'));
    child.on('exit', (code) => resolve(code === 0 ? 'opening' : 'failed'));
    child.unref();
  });
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const server = await preview({
    build: { outDir: opts.outDir },
    preview: { host: '127.0.0.1', port: opts.port, strictPort: true, open: false },
    logLevel: 'warn',
  });
  const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${opts.port}/`;
  const outcome: OpenOutcome = !opts.open
    ? 'not-asked'
    : canOpenBrowser(process.platform, process.env)
      ? 'opening'
      : 'no-display';
  // The address first, before any attempt to open a browser can hang or fail.
  console.log(startBanner(url, outcome));
  if (outcome === 'opening' && (await openInBrowser(url)) === 'failed')
    console.log(openFailed(url));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
