import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, EXIT } from './args';

/** The repository root (this file is scripts/lib/build.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What a build reads: a change to any of these makes a build (dist-automation/) stale. */
export const BUILD_INPUTS = [
  'src',
  'workers',
  'public',
  'index.html',
  'vite.config.ts',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
];

/** Newest modification time (ms) of a file or of any file under a folder; 0 if absent. */
export async function newestMtime(p: string): Promise<number> {
  let s;
  try {
    s = await stat(p);
  } catch {
    return 0;
  }
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of await readdir(p, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, await newestMtime(path.join(p, entry.name)));
  }
  return newest;
}

export type BuildReason = 'missing' | 'stale' | 'forced' | null;

/**
 * Why `distDir` must be (re)built, or null when it is current. Without sources next to it
 * (a copied dist on a server) an existing dist is taken as is.
 */
export async function buildReason(
  distDir: string,
  root: string = REPO_ROOT,
  force = false,
): Promise<BuildReason> {
  if (force) return 'forced';
  const index = path.join(distDir, 'index.html');
  if (!existsSync(index)) return 'missing';
  if (!existsSync(path.join(root, 'src'))) return null;
  const built = (await stat(index)).mtimeMs;
  for (const input of BUILD_INPUTS) {
    if ((await newestMtime(path.join(root, input))) > built) return 'stale';
  }
  return null;
}

/**
 * Which build: 'automation' (the app plus the `window.__fer*` hooks the CLI and the benches
 * drive, src/automation/main.tsx) or 'production' (what `npm run build` ships, no hooks).
 */
export type BuildMode = 'automation' | 'production';

/** Where the CLI serves from by default: the automation build (docs/testing.md). */
export const AUTOMATION_DIST = path.join(REPO_ROOT, 'dist-automation');

/**
 * Runs `vite build --mode MODE --outDir distDir`. Its output goes to stderr when `verbose`
 * (stdout stays free for --json) and is shown only on failure otherwise.
 */
export async function runBuild(
  distDir: string,
  verbose: boolean,
  root = REPO_ROOT,
  mode: BuildMode = 'automation',
): Promise<void> {
  const vite = path.join(root, 'node_modules', '.bin', 'vite');
  if (!existsSync(vite))
    throw new CliError(
      `Cannot build the app: ${vite} is missing (run 'npm install' in ${root}).`,
      EXIT.usage,
    );
  const child = spawn(vite, ['build', '--mode', mode, '--outDir', distDir, '--emptyOutDir'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  const collect = (b: Buffer): void => {
    if (verbose) process.stderr.write(b);
    else chunks.push(b);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    if (!verbose) process.stderr.write(Buffer.concat(chunks));
    throw new CliError(`Building the app failed (vite build exited with ${code}).`, EXIT.usage);
  }
}
