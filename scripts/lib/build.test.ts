import { mkdtemp, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildReason } from './build';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function repo(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'fer-build-'));
  dirs.push(root);
  await mkdir(path.join(root, 'src', 'ui'), { recursive: true });
  await writeFile(path.join(root, 'src', 'ui', 'a.ts'), 'export {}');
  return root;
}

describe('buildReason', () => {
  it('builds when dist is missing, older than a source, or forced', async () => {
    const root = await repo();
    const dist = path.join(root, 'dist');
    expect(await buildReason(dist, root)).toBe('missing');
    await mkdir(dist);
    await writeFile(path.join(dist, 'index.html'), '');
    const old = new Date(Date.now() - 60_000);
    await utimes(path.join(root, 'src', 'ui', 'a.ts'), old, old);
    await utimes(path.join(root, 'src', 'ui'), old, old);
    await utimes(path.join(root, 'src'), old, old);
    expect(await buildReason(dist, root)).toBeNull();
    expect(await buildReason(dist, root, true)).toBe('forced');
    await writeFile(path.join(root, 'src', 'ui', 'a.ts'), 'export const x = 1;');
    const later = new Date(Date.now() + 60_000);
    await utimes(path.join(root, 'src', 'ui', 'a.ts'), later, later);
    expect(await buildReason(dist, root)).toBe('stale');
  });

  it('takes a dist without sources beside it as is', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'fer-build-'));
    dirs.push(root);
    await writeFile(path.join(root, 'index.html'), '');
    expect(await buildReason(root, root)).toBeNull();
  });
});
