import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { jsonOf, runCli, type CliRun } from '../../scripts/lib/runCli';
import type { ExportFramesJson } from '../../scripts/lib/frames/commands';
import {
  folderClipLister,
  folderFrameSource,
  readFramesManifest,
} from '../../scripts/lib/frames/format';

/**
 * `export-frames` on the real build: a preprocessed image folder's clips (as the training loader
 * lists them) and frames (decoded by the training frame source) reach a frames folder that the
 * Node runtime reads back: the clip list, the labels mapped to a run's classes, the bytes.
 */
const dist = path.resolve(process.env.E2E_DIST ?? 'dist-automation');
const ASTRONAUT = path.resolve('tests/fixtures/faces/astronaut.png');
let tmp: string;
let profile: string;

function cli(args: string[]): Promise<CliRun> {
  return runCli([...args, '--dist', dist, '--no-build', '--profile', profile]);
}

test.beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fer-cli-frames-'));
  profile = path.join(tmp, 'profile');
});

test.afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test('export-frames writes the clips and decoded frames the Node runtime trains from', async () => {
  test.setTimeout(300_000);
  const root = path.join(tmp, 'faces-set');
  await mkdir(path.join(root, 'happy'), { recursive: true });
  await mkdir(path.join(root, 'neutral'), { recursive: true });
  await copyFile(ASTRONAUT, path.join(root, 'happy', 'astronaut.png'));
  await copyFile(ASTRONAUT, path.join(root, 'neutral', 'astronaut-again.png'));
  expect((await cli(['ingest', root, '--name', 'faces-set'])).code).toBe(0);
  expect((await cli(['preprocess', 'faces-set'])).code).toBe(0);

  const out = path.join(tmp, 'frames');
  const run = await cli(['export-frames', 'faces-set', '--size', '48', '--out', out, '--json']);
  expect(run.code, run.stderr).toBe(0);
  const doc = jsonOf(run) as unknown as ExportFramesJson & { ok: boolean };
  expect(doc).toMatchObject({ ok: true, size: 48, clips: 2, frames: 2, shards: 1 });
  expect(doc.dataset.name).toBe('faces-set');

  const m = await readFramesManifest(out);
  expect(m.clips.map((c) => [c.clip.key, c.clip.label])).toEqual([
    ['happy/astronaut.png', 'happy'],
    ['neutral/astronaut-again.png', 'neutral'],
  ]);
  const folders = [{ dir: out, manifest: m }];
  const listed = await folderClipLister(folders)(null, m.dataset.id, ['neutral', 'happy']);
  expect(listed.clips.map((c) => c.label)).toEqual([1, 0]);
  const src = folderFrameSource(folders);
  const [a, b] = listed.clips;
  if (!a || !b) throw new Error('two clips');
  const fa = await src.load(a, a.frames[0] ?? 0, 48);
  const fb = await src.load(b, b.frames[0] ?? 0, 48);
  await src.close();
  // The same photo twice: the same crops, decoded alike; a face, not an empty frame.
  expect(Buffer.from(fa).equals(Buffer.from(fb))).toBe(true);
  expect(new Set(fa).size).toBeGreaterThan(50);
  expect((await readFile(path.join(out, 'frames-000.bin'))).length).toBe(2 * 48 * 48 * 9);

  const bad = await cli(['export-frames', 'faces-set', '--out', out]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--size S/);
});
