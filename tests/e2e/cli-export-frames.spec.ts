import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { jsonOf, runCli, type CliRun } from '../../scripts/lib/runCli';
import type { ExportFramesJson } from '../../scripts/lib/frames/commands';
import type { RunJson } from '../../scripts/lib/runs';
import type { RunRecord } from '../../src/train/run/record';
import {
  folderClipLister,
  folderFrameSource,
  readFramesManifest,
} from '../../scripts/lib/frames/format';

/**
 * The Node runtime's round trip on the real build: `export-frames` writes a preprocessed image
 * folder's clips (as the training loader lists them) and frames (decoded by the training frame
 * source); `experiment --runtime node-webgpu` trains from them in Node (Dawn + SwiftShader);
 * `import-run` brings the run into the profile, where `runs` and `export` see it.
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
  test.setTimeout(540_000);
  const root = path.join(tmp, 'faces-set');
  await mkdir(path.join(root, 'happy'), { recursive: true });
  await mkdir(path.join(root, 'neutral'), { recursive: true });
  for (const f of ['astronaut.png', 'astronaut-2.png'])
    await copyFile(ASTRONAUT, path.join(root, 'happy', f));
  for (const f of ['astronaut-again.png', 'astronaut-again-2.png'])
    await copyFile(ASTRONAUT, path.join(root, 'neutral', f));
  expect((await cli(['ingest', root, '--name', 'faces-set'])).code).toBe(0);
  expect((await cli(['preprocess', 'faces-set'])).code).toBe(0);

  const out = path.join(tmp, 'frames');
  const run = await cli(['export-frames', 'faces-set', '--size', '48', '--out', out, '--json']);
  expect(run.code, run.stderr).toBe(0);
  const doc = jsonOf(run) as unknown as ExportFramesJson & { ok: boolean };
  expect(doc).toMatchObject({ ok: true, size: 48, clips: 4, frames: 4, shards: 1 });
  expect(doc.dataset.name).toBe('faces-set');

  const m = await readFramesManifest(out);
  expect(m.clips.map((c) => [c.clip.key, c.clip.label])).toEqual([
    ['faces-set/happy/astronaut-2.png', 'happy'],
    ['faces-set/happy/astronaut.png', 'happy'],
    ['faces-set/neutral/astronaut-again-2.png', 'neutral'],
    ['faces-set/neutral/astronaut-again.png', 'neutral'],
  ]);
  const folders = [{ dir: out, manifest: m }];
  const listed = await folderClipLister(folders)(null, m.dataset.id, ['neutral', 'happy']);
  expect(listed.clips.map((c) => c.label)).toEqual([1, 1, 0, 0]);
  const src = folderFrameSource(folders);
  const [a, , b] = listed.clips;
  if (!a || !b) throw new Error('two clips');
  const fa = await src.load(a, a.frames[0] ?? 0, 48);
  const fb = await src.load(b, b.frames[0] ?? 0, 48);
  await src.close();
  // The same photo twice: the same crops, decoded alike; a face, not an empty frame.
  expect(Buffer.from(fa).equals(Buffer.from(fb))).toBe(true);
  expect(new Set(fa).size).toBeGreaterThan(50);
  expect((await readFile(path.join(out, 'frames-000.bin'))).length).toBe(4 * 48 * 48 * 9);

  const bad = await cli(['export-frames', 'faces-set', '--out', out]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--size S/);

  // Trained in Node from the folder (Dawn on SwiftShader), then brought into the profile.
  const exp = path.join(tmp, 'exp.json');
  await writeFile(
    exp,
    JSON.stringify({
      name: 'node',
      dataset: { name: 'faces-set' },
      seeds: [1],
      base: {
        preset: 'tiny',
        classes: ['happy', 'neutral'],
        data: { valFraction: 0.5, framesPerClip: 1 },
        optim: { epochs: 1, batchSize: 2 },
        noisyStudent: { iterations: 0 },
      },
      runs: [{ name: 'teacher' }],
    }),
  );
  const results = path.join(tmp, 'results');
  const trained = await cli([
    'experiment',
    exp,
    '--runtime',
    'node-webgpu',
    '--frames',
    out,
    '--out',
    results,
  ]);
  expect(trained.code, trained.stderr).toBe(0);
  const record = JSON.parse(
    await readFile(path.join(results, 'runs', 'teacher-seed1.json'), 'utf8'),
  ) as RunRecord;
  expect(record.status).toBe('done');
  expect(record.phases[0]?.data).toMatchObject({ train: 2, val: 2 });

  const imported = await cli(['import-run', path.join(results, 'store', 'teacher-seed1.v8')]);
  expect(imported.code, imported.stderr).toBe(0);
  const runs = jsonOf(await cli(['runs', '--json'])).runs as RunJson[];
  expect(runs.map((r) => [r.id, r.status])).toEqual([[record.id, 'done']]);
  expect(runs[0]?.phases[0]?.valAccuracy).toBe(record.phases[0]?.evaluation?.accuracy);
  const exported = await cli(['export', record.id, '--out', path.join(tmp, 'export')]);
  expect(exported.code, exported.stderr).toBe(0);
  const model = JSON.parse(
    await readFile(path.join(tmp, 'export', 'weights', 'model.json'), 'utf8'),
  ) as { weightsManifest: unknown[] };
  expect(model.weightsManifest.length).toBeGreaterThan(0);
  const again = await cli(['import-run', path.join(results, 'store', 'teacher-seed1.v8')]);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/already in this profile/);
});
