/**
 * `npm run gpu-server:build [-- --out DIR]`: the self-contained GPU-server benchmark (issue 19
 * part 2) for a machine with no package registry and a 64 MiB upload limit. DIR/package holds
 * run.sh and payload.tar.xz: the Node binary, the bench bundled into one file by esbuild
 * (./entry.ts: bench:model's Node WebGPU runtime), Dawn (`webgpu`'s dawn.node) and Debian's
 * Vulkan loader packages (libvulkan1, libegl1, libglvnd0, by `apt-get download`).
 * Test it here with `OUT=/tmp/o DIR/package/run.sh --tiny` (SwiftShader).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { optionValue } from '../bench/report';

export const PACKAGE_LIMIT_BYTES = 64 * 2 ** 20;
export const DEBS = ['libvulkan1', 'libegl1', 'libglvnd0'] as const;
const WEBGPU_FILES = ['package.json', 'index.js', 'dist/linux-x64/dawn.node'] as const;

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

function main(): void {
  const out = resolve(optionValue(process.argv, 'out') ?? '/tmp/fer-gpu-server');
  const stage = join(out, 'stage');
  const pkg = join(out, 'package');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(stage, 'debs'), { recursive: true });
  mkdirSync(pkg, { recursive: true });
  copyFileSync(process.execPath, join(stage, 'node'));
  run(
    'node_modules/.bin/esbuild',
    esbuildArgs('scripts/gpu-server/entry.ts', join(stage, 'bench.mjs')),
  );
  for (const f of WEBGPU_FILES) {
    mkdirSync(join(stage, 'node_modules/webgpu', f, '..'), { recursive: true });
    copyFileSync(join('node_modules/webgpu', f), join(stage, 'node_modules/webgpu', f));
  }
  run('apt-get', ['download', ...DEBS], join(stage, 'debs'));
  console.error('compressing (xz) ...');
  const xz = spawnSync(
    'sh',
    ['-c', `tar -C "${stage}" -cf - . | xz -6 -T2 > "${pkg}/payload.tar.xz"`],
    {
      stdio: 'inherit',
    },
  );
  if (xz.status !== 0) throw new Error('tar | xz failed');
  copyFileSync('scripts/gpu-server/run.sh', join(pkg, 'run.sh'));
  run('chmod', ['+x', join(pkg, 'run.sh')]);
  const bytes = statSync(join(pkg, 'payload.tar.xz')).size + statSync(join(pkg, 'run.sh')).size;
  const problem = sizeProblem(bytes);
  if (problem) throw new Error(problem);
  console.log(`${pkg}: ${(bytes / 2 ** 20).toFixed(1)} MiB (run.sh + payload.tar.xz)`);
}

if (process.argv[1]?.endsWith('build.ts')) main();
