/**
 * `npm run gpu-server:build [-- --out DIR]` (default gpu-server-pkg/, git-ignored): the
 * self-contained GPU-server benchmark (issue 19 part 2) for a machine with no package registry
 * and a 64 MiB upload limit. DIR/package holds run.sh and payload.tar.xz: the Node binary, the
 * bench bundled into one file by esbuild (./entry.ts, ./bench.ts), Dawn (`webgpu`'s dawn.node),
 * Debian's Vulkan loader packages (libvulkan1, libegl1, libglvnd0, by `apt-get download`),
 * scripts/bench/torch_train_step.py and build-info.txt (commit, date).
 *
 * Compression: the payload (~160 MB, the 99 MB Node binary most of it) goes through `xz -1 -T0`:
 * measured on the 2-core VM, Node alone took 3.2 s to 28.5 MB with xz -1 -T0, 34 s to 24.2 MB
 * with xz -6, 12 s to 35.7 MB with gzip -9; the earlier xz -6 build of everything did not finish
 * under load. Test it here with `OUT=/tmp/o VK_ICD_FILENAMES=... DIR/package/run.sh --tiny`.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { optionValue } from '../bench/report';

export const PACKAGE_LIMIT_BYTES = 64 * 2 ** 20;
/** What the package may take so that it still fits beside the repository's tracked files. */
export const PACKAGE_TARGET_BYTES = 48 * 2 ** 20;
export const DEBS = ['libvulkan1', 'libegl1', 'libglvnd0'] as const;
export const WEBGPU_FILES = ['package.json', 'index.js', 'dist/linux-x64/dawn.node'] as const;
export const XZ_ARGS = ['-1', '-T0'] as const;
/** The files in the payload, relative to its root (the debs come on top). */
export const PAYLOAD_FILES = [
  'node',
  'bench.mjs',
  'torch_train_step.py',
  'build-info.txt',
  ...WEBGPU_FILES.map((f) => `node_modules/webgpu/${f}`),
] as const;

/** esbuild's arguments: one ESM file for Node, `webgpu` left to the shipped package. */
export function esbuildArgs(entry: string, outfile: string): string[] {
  return [
    entry,
    '--bundle',
    '--platform=node',
    '--format=esm',
    '--target=node20',
    `--outfile=${outfile}`,
    '--external:webgpu',
    '--log-level=warning',
    // The WASM backend's binaries (Vite `?url` imports) are not used on this runtime.
    '--loader:.wasm=empty',
    // CommonJS dependencies (tfjs) call require() inside the ESM bundle.
    "--banner:js=import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  ];
}

/** Null when the package fits the upload limit, else why not. */
export function sizeProblem(bytes: number): string | null {
  return bytes < PACKAGE_LIMIT_BYTES
    ? null
    : `the package is ${(bytes / 2 ** 20).toFixed(1)} MiB; the GPU server takes < 64 MiB`;
}

function run(cmd: string, args: readonly string[], cwd?: string): void {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} ... failed`);
}

function timed<T>(what: string, fn: () => T): T {
  const t = Date.now();
  const r = fn();
  console.log(`${what}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return r;
}

function main(): void {
  const t0 = Date.now();
  const out = resolve(optionValue(process.argv, 'out') ?? 'gpu-server-pkg');
  const stage = join(out, 'stage');
  const pkg = join(out, 'package');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(stage, 'debs'), { recursive: true });
  mkdirSync(pkg, { recursive: true });
  copyFileSync(process.execPath, join(stage, 'node'));
  timed('esbuild', () =>
    run(
      'node_modules/.bin/esbuild',
      esbuildArgs('scripts/gpu-server/entry.ts', join(stage, 'bench.mjs')),
    ),
  );
  for (const f of WEBGPU_FILES) {
    mkdirSync(join(stage, 'node_modules/webgpu', f, '..'), { recursive: true });
    copyFileSync(join('node_modules/webgpu', f), join(stage, 'node_modules/webgpu', f));
  }
  copyFileSync('scripts/bench/torch_train_step.py', join(stage, 'torch_train_step.py'));
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(
    join(stage, 'build-info.txt'),
    `commit ${commit.stdout.trim()}${dirty ? ' (with uncommitted changes)' : ''}, built ${new Date().toISOString()}\n`,
  );
  timed('apt-get download', () => run('apt-get', ['download', ...DEBS], join(stage, 'debs')));
  const xz = timed(`tar | xz ${XZ_ARGS.join(' ')}`, () =>
    spawnSync(
      'sh',
      ['-c', `tar -C "${stage}" -cf - . | xz ${XZ_ARGS.join(' ')} > "${pkg}/payload.tar.xz"`],
      {
        stdio: 'inherit',
      },
    ),
  );
  if (xz.status !== 0) throw new Error('tar | xz failed');
  // A payload written while another build removed the stage is truncated: check it here, not
  // on the GPU server.
  timed('xz -t', () => run('xz', ['-t', '-T0', join(pkg, 'payload.tar.xz')]));
  copyFileSync('scripts/gpu-server/run.sh', join(pkg, 'run.sh'));
  run('chmod', ['+x', join(pkg, 'run.sh')]);
  rmSync(stage, { recursive: true, force: true });
  const bytes = statSync(join(pkg, 'payload.tar.xz')).size + statSync(join(pkg, 'run.sh')).size;
  const problem = sizeProblem(bytes);
  if (problem) throw new Error(problem);
  if (bytes > PACKAGE_TARGET_BYTES)
    console.warn(
      `warning: over ${PACKAGE_TARGET_BYTES / 2 ** 20} MiB; with the repository it may not fit`,
    );
  console.log(
    `${pkg}: ${(bytes / 2 ** 20).toFixed(1)} MiB (run.sh + payload.tar.xz), ` +
      `built in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
}

if (process.argv[1]?.endsWith('build.ts')) main();
