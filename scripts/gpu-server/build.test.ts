/**
 * The GPU-server package, checked piece by piece (the whole build copies and compresses ~160 MB
 * and downloads the loader debs, too slow and networked for npm test): esbuild bundles the
 * entry and the bundle loads in plain Node, run.sh parses and finds a Vulkan ICD as documented,
 * and the size limit. The bench itself on SwiftShader: scripts/lib/nodeWebgpu.test.ts covers the
 * same model and step on Dawn; docs/benchmarks.md "GPU server" has the package's own tiny run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEBS,
  esbuildArgs,
  PACKAGE_LIMIT_BYTES,
  PAYLOAD_FILES,
  sizeProblem,
  XZ_ARGS,
} from './build';

const tmp = mkdtempSync(join(tmpdir(), 'fer-gpu-pkg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const RUN_SH = 'scripts/gpu-server/run.sh';

describe('gpu-server package builder', () => {
  it('bundles for Node as ESM, leaving Dawn (webgpu) to the shipped package', () => {
    const a = esbuildArgs('e.ts', '/o/bench.mjs');
    expect(a.slice(0, 2)).toEqual(['e.ts', '--bundle']);
    expect(a).toContain('--platform=node');
    expect(a).toContain('--format=esm');
    expect(a).toContain('--external:webgpu');
    expect(a).toContain('--outfile=/o/bench.mjs');
  });
  it('packs Node, the bench, Dawn, the PyTorch script and the loader debs, with fast xz', () => {
    expect(PAYLOAD_FILES).toEqual(
      expect.arrayContaining([
        'node',
        'bench.mjs',
        'torch_train_step.py',
        'node_modules/webgpu/dist/linux-x64/dawn.node',
      ]),
    );
    expect(DEBS).toEqual(['libvulkan1', 'libegl1', 'libglvnd0']);
    expect(XZ_ARGS).toEqual(['-1', '-T0']);
  });
  it('refuses a package of 64 MiB or more, naming its size', () => {
    expect(sizeProblem(PACKAGE_LIMIT_BYTES - 1)).toBeNull();
    expect(sizeProblem(70 * 2 ** 20)).toBe(
      'the package is 70.0 MiB; the GPU server takes < 64 MiB',
    );
  });
  it('bundles the entry into one file that loads in plain Node', () => {
    const out = join(tmp, 'bench.mjs');
    const b = spawnSync(
      'node_modules/.bin/esbuild',
      esbuildArgs('scripts/gpu-server/entry.ts', out),
      {
        encoding: 'utf8',
      },
    );
    expect(b.status, b.stderr).toBe(0);
    const r = spawnSync(process.execPath, [out, '--plan', '--tiny'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      config: 'tiny',
      batches: [
        { clips: 1, frames: 2 },
        { clips: 2, frames: 2 },
      ],
      clipFrames: 16,
    });
    const full = spawnSync(process.execPath, [out, '--plan'], { encoding: 'utf8' });
    expect(JSON.parse(full.stdout)).toMatchObject({ config: 'full', torchDevice: 'cuda' });
  }, 60_000);
});

describe('run.sh', () => {
  const findIcd = (env: Record<string, string>) =>
    spawnSync('bash', [RUN_SH, '--find-icd'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', WORK: join(tmp, 'work'), ...env },
    }).stdout;

  it('parses (bash -n) and runs with set -u', () => {
    expect(spawnSync('bash', ['-n', RUN_SH]).status).toBe(0);
    expect(readFileSync(RUN_SH, 'utf8')).toMatch(/^set -u$/m);
  });
  it('keeps a VK_ICD_FILENAMES set by the caller', () => {
    expect(findIcd({ VK_ICD_FILENAMES: '/x/icd.json' })).toBe(
      'Vulkan ICD: VK_ICD_FILENAMES was set: /x/icd.json\n',
    );
  });
  it('takes the first ICD file that exists, naming those it checked', () => {
    const icd = join(tmp, 'nvidia_icd.json');
    writeFileSync(icd, '{}');
    expect(findIcd({ ICD_SEARCH: `/nonexistent/a.json:${icd}` })).toBe(
      `Vulkan ICD: not at /nonexistent/a.json\nVulkan ICD: found ${icd}\n`,
    );
  });
  it('says so when there is no ICD file and no NVIDIA library', () => {
    const out = findIcd({ ICD_SEARCH: '/nonexistent/a.json' });
    expect(out).toContain('Vulkan ICD: not at /nonexistent/a.json');
    // This VM has no NVIDIA driver; on one that has, run.sh writes an ICD json for it instead.
    expect(out).toMatch(/none found|wrote .*nvidia_icd\.json/);
  });

  it.each(['dpkg', 'ar', 'python'])(
    'unpacks a .deb with %s (dpkg -x, else ar + tar, else Python reading the ar archive)',
    (how) => {
      const src = join(tmp, `src-${how}`);
      const work = join(tmp, `work-${how}`);
      mkdirSync(join(src, 'data/usr/lib/x86_64-linux-gnu'), { recursive: true });
      mkdirSync(join(work, 'debs'), { recursive: true });
      writeFileSync(join(src, 'data/usr/lib/x86_64-linux-gnu/libfake.so.1'), 'x');
      writeFileSync(join(src, 'debian-binary'), '2.0\n');
      writeFileSync(join(src, 'control'), 'Package: fake\n');
      const sh = (cmd: string) =>
        expect(spawnSync('sh', ['-c', cmd], { cwd: src }).status, cmd).toBe(0);
      sh('tar -C data -cJf data.tar.xz . && tar -czf control.tar.gz control');
      sh(`ar rc ${join(work, 'debs/fake.deb')} debian-binary control.tar.gz data.tar.xz`);
      const r = spawnSync('bash', [RUN_SH, '--unpack-debs'], {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH ?? '',
          WORK: work,
          ...(how === 'dpkg' ? {} : { UNPACK_WITH: how }),
        },
      });
      expect(r.stdout + r.stderr).toBe('');
      expect(existsSync(join(work, 'sys/usr/lib/x86_64-linux-gnu/libfake.so.1'))).toBe(true);
    },
  );
});
