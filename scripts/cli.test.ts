/**
 * The runner end to end, in real Chromium, against a stand-in app (scripts/lib/fakeApp.ts)
 * that implements the test-API contract: argument handling, the JSON documents, exit
 * codes, and that data stored by one command is seen by the next (the profile persists).
 * The real app is driven the same way by tests/e2e once its test API is in place.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestEntryJson } from './lib/ingest';
import type { PreprocessJson } from './lib/preprocess';
import type { MediaJson } from './lib/preprocessMedia';
import { writeFakeApp, writeNotTheApp } from './lib/fakeApp';
import { jsonOf, runCli, type CliRun } from './lib/runCli';

let tmp: string;
let fakeDist: string;
let profile: string;
let data: string;

function cli(args: string[]): Promise<CliRun> {
  return runCli(args, { cwd: tmp, env: { FER_PROFILE: profile } });
}

/** Runs a command against the fake app and parses its --json document. */
async function cliJson(args: string[]): Promise<{ run: CliRun; doc: Record<string, unknown> }> {
  const run = await cli([...args, '--json', '--dist', fakeDist, '--no-build']);
  return { run, doc: jsonOf(run) };
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fer-cli-'));
  fakeDist = await writeFakeApp(path.join(tmp, 'fake-dist'));
  profile = path.join(tmp, 'profile');
  data = path.join(tmp, 'data');
  await mkdir(path.join(data, 'clips', 'Happy'), { recursive: true });
  await mkdir(path.join(data, 'clips', 'Sad'), { recursive: true });
  await mkdir(path.join(data, 'empty-only', 'Happy'), { recursive: true });
  await writeFile(path.join(data, 'clips', 'Happy', 'a.mp4'), 'aaaa');
  await writeFile(path.join(data, 'clips', 'Happy', 'b.mp4'), 'bbbb');
  await writeFile(path.join(data, 'clips', 'Sad', 'c.mp4'), 'cccc');
  await writeFile(path.join(data, 'clips', 'Sad', 'broken.mp4'), '');
  await writeFile(path.join(data, 'empty-only', 'Happy', 'x.mp4'), '');
  await writeFile(path.join(data, 'fer2013.csv'), 'emotion,pixels\n');
  await writeFile(path.join(data, 'fer2013new.csv'), 'votes\n');
  await mkdir(path.join(data, 'loose'), { recursive: true });
  await mkdir(path.join(data, 'media', 'other'), { recursive: true });
  for (const f of ['x.mp4', 'y.mp4', 'z.mp4'])
    await writeFile(path.join(data, 'loose', f), `video ${f}`);
  await writeFile(path.join(data, 'media', 'face.png'), 'png');
  await writeFile(path.join(data, 'media', 'clip.mp4'), 'mp4');
  await writeFile(path.join(data, 'media', 'other', 'clip.mp4'), 'mp4');
  await writeFile(path.join(data, 'media', 'broken.mp4'), 'mp4');
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('npm run cli', () => {
  it('ingests a folder and a pair of files as two datasets, and reports classes and problems', async () => {
    const { run, doc } = await cliJson([
      'ingest',
      path.join(data, 'clips'),
      path.join(data, 'fer2013.csv'),
      path.join(data, 'fer2013new.csv'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(doc).toMatchObject({ command: 'ingest', ok: true, exitCode: 0, error: null, profile });
    const entries = doc.datasets as IngestEntryJson[];
    expect(entries).toHaveLength(2);
    const [folder, files] = entries;
    expect(folder?.input).toBe('folder');
    expect(folder?.summary?.name).toBe('clips');
    expect(folder?.summary?.itemCount).toBe(3);
    expect(
      Object.fromEntries(folder?.summary?.classes.map((c) => [c.rawLabel, c.count]) ?? []),
    ).toEqual({
      Happy: 2,
      Sad: 1,
    });
    expect(folder?.summary?.problems.map((p) => p.code)).toEqual(['zero-byte']);
    expect(folder?.stored?.status).toBe('ready');
    expect(files?.input).toBe('files');
    expect(files?.summary?.fileCount).toBe(2);
  });

  it('sees in a later command what an earlier one stored, and passes --backend to the app', async () => {
    const { run, doc } = await cliJson(['datasets', '--backend', 'webgl']);
    expect(run.code, run.stderr).toBe(0);
    expect((doc.backend as { name: string }).name).toBe('webgl');
    const names = (doc.datasets as { name: string }[]).map((d) => d.name).sort();
    expect(names).toEqual(['clips', 'fer2013.csv']);
    expect(doc.storage).toMatchObject({ quotaBytes: expect.any(Number) as number });
  });

  it('stores nothing on --dry-run', async () => {
    const { run, doc } = await cliJson([
      'ingest',
      path.join(data, 'clips'),
      '--dry-run',
      '--name',
      'trial',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const [entry] = doc.datasets as IngestEntryJson[];
    expect(entry?.summary?.name).toBe('trial');
    expect(entry?.stored).toBeNull();
    const list = await cliJson(['datasets']);
    expect((list.doc.datasets as unknown[]).length).toBe(2);
  });

  it('exits 1 when the app rejects every file or stops part-way', async () => {
    const rejected = await cliJson(['ingest', path.join(data, 'empty-only')]);
    expect(rejected.run.code).toBe(1);
    const [entry] = rejected.doc.datasets as IngestEntryJson[];
    expect(entry?.ok).toBe(false);
    expect(entry?.error).toMatch(/every file was rejected/);
    expect(entry?.stored).toBeNull();

    const full = await cliJson(['ingest', path.join(data, 'clips'), '--name', 'full-disk']);
    expect(full.run.code).toBe(1);
    expect(full.doc.ok).toBe(false);
    const [partial] = full.doc.datasets as IngestEntryJson[];
    expect(partial?.stored?.status).toBe('partial');
    expect(partial?.error).toMatch(/QuotaExceededError/);
  });

  it('deletes datasets by id and refuses unknown ids with exit 2', async () => {
    const { doc } = await cliJson(['datasets']);
    const target = (doc.datasets as { id: string; name: string }[]).find(
      (d) => d.name === 'full-disk',
    );
    expect(target).toBeDefined();
    const del = await cliJson(['delete', target?.id ?? '']);
    expect(del.run.code, del.run.stderr).toBe(0);
    expect(del.doc.deleted).toEqual([target?.id]);
    const again = await cliJson(['delete', target?.id ?? '']);
    expect(again.run.code).toBe(2);
    expect(again.doc.error).toMatch(/No dataset with id/);
  });

  it('prints a table by default', async () => {
    const run = await cli(['datasets', '--dist', fakeDist, '--no-build']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^id\s+name\s+layout\s+status\s+items/);
    expect(run.stdout).toMatch(/clips\s+image-folders\s+ready\s+3/);
  });

  it('fails with exit 2 and a clear message on usage errors', async () => {
    const unknown = await cli(['frob']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command 'frob'/);
    expect(unknown.stdout).toBe('');

    const missing = await cliJson(['ingest', path.join(data, 'nope')]);
    expect(missing.run.code).toBe(2);
    expect(missing.doc).toMatchObject({ ok: false, exitCode: 2 });
    expect(missing.doc.error).toMatch(/No such file or folder/);

    const twoNames = await cliJson([
      'ingest',
      path.join(data, 'clips'),
      path.join(data, 'empty-only'),
      '--name',
      'x',
    ]);
    expect(twoNames.run.code).toBe(2);
    expect(twoNames.doc.error).toMatch(/--name names one dataset/);

    const runsExtra = await cliJson(['runs', 'abc']);
    expect(runsExtra.run.code).toBe(2);
    expect(runsExtra.doc).toMatchObject({ command: 'runs', ok: false, exitCode: 2 });
    expect(runsExtra.doc.error).toMatch(/runs takes no arguments/);
    const noOut = await cliJson(['export', 'some-run']);
    expect(noOut.run.code).toBe(2);
    expect(noOut.doc).toMatchObject({ command: 'export', ok: false, exitCode: 2 });
    expect(noOut.doc.error).toMatch(/export needs --out DIR/);
    const noMedia = await cliJson(['predict', 'some-run', path.join(data, 'nope.mp4')]);
    expect(noMedia.run.code).toBe(2);
    expect(noMedia.doc).toMatchObject({ command: 'predict', ok: false, exitCode: 2 });

    // A bad experiment file fails before any build or browser (there is no build here).
    const exp = path.join(data, 'bad-experiment.json');
    await writeFile(
      exp,
      JSON.stringify({
        name: 'x',
        dataset: { demo: {} },
        seeds: [1],
        base: { preset: 'tiny', optim: { epochs: 0 } },
        runs: [{ name: 'a' }],
      }),
    );
    const bad = await cli([
      'experiment',
      exp,
      '--out',
      path.join(tmp, 'out'),
      '--dist',
      path.join(tmp, 'no-dist'),
      '--no-build',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('base.optim.epochs must be an integer ≥ 1, got 0');
    expect(bad.stderr).not.toMatch(/No build/);
  });

  it('fails with exit 2 when the served folder is not the app', async () => {
    const notApp = await writeNotTheApp(path.join(tmp, 'not-app'));
    const run = await cli([
      'datasets',
      '--json',
      '--dist',
      notApp,
      '--no-build',
      '--startup-timeout',
      '1',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/did not install its test API/);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, exitCode: 2 });
  });
});

/** The preprocessing commands against the fake app's `window.__ferPreprocess`. */
describe('npm run cli preprocess / preprocess-media', () => {
  async function ingestAs(folder: string, name: string): Promise<void> {
    const { run } = await cliJson(['ingest', path.join(data, folder), '--name', name]);
    expect(run.code, run.stderr).toBe(0);
  }

  it('preprocesses a dataset by name, reports counts and mining, and progress on stderr', async () => {
    await ingestAs('loose', 'pp-set');
    const { run, doc } = await cliJson(['preprocess', 'pp-set', '--workers', '3']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/preprocess: running, 0\/3 items, 0 frames, [\d.]+ frames\/s, ETA/);
    const j = doc as unknown as PreprocessJson & { ok: boolean };
    expect(j.ok).toBe(true);
    expect(j.workers).toBe(3);
    expect(j.dataset.name).toBe('pp-set');
    expect(j.alreadyDone).toBe(false);
    expect(j.items).toEqual({ total: 3, processed: 3, skipped: 0, done: 3, flagged: 0, failed: 0 });
    expect(j.frames).toEqual({
      sampled: 9,
      kept: 6,
      dropped: { 'no-face': 3, 'no-landmarks': 0, 'decode-error': 0 },
    });
    expect(j.mining).toEqual({ accepted: 3, rejected: {} });
    expect(j.outcomes).toHaveLength(3);
  });

  it('skips what is done: a second run is a no-op, other settings or --redo all run again', async () => {
    const again = await cliJson(['preprocess', 'pp-set']);
    expect(again.run.code, again.run.stderr).toBe(0);
    const j = again.doc as unknown as PreprocessJson;
    expect(j.alreadyDone).toBe(true);
    expect(j.items).toMatchObject({ processed: 0, skipped: 3, done: 3 });

    const text = await cli(['preprocess', 'pp-set', '--dist', fakeDist, '--no-build']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/Nothing to do: all 3 items were already preprocessed/);
    expect(text.stdout).toMatch(/frames kept\s+6/);

    const smaller = await cliJson(['preprocess', 'pp-set', '--crop-size', '112', '--fps', '5']);
    const s = smaller.doc as unknown as PreprocessJson;
    expect(s.items.processed).toBe(3);
    expect(s.config.crop.size).toBe(112);
    expect(s.config.fps).toBe(5);

    const redo = await cliJson(['preprocess', 'pp-set', '--redo', 'all']);
    expect((redo.doc as unknown as PreprocessJson).items.processed).toBe(3);
  });

  it('exits 1 when every item fails or the run stops, 2 for an unknown or ambiguous dataset', async () => {
    await ingestAs('loose', 'pp-broken');
    const broken = await cliJson(['preprocess', 'pp-broken']);
    expect(broken.run.code).toBe(1);
    expect(broken.doc.ok).toBe(false);
    const b = broken.doc as unknown as PreprocessJson;
    expect(b.items.failed).toBe(3);
    expect(b.failures[0]?.error).toMatch(/Could not decode/);

    await ingestAs('loose', 'pp-full');
    const full = await cli(['preprocess', 'pp-full', '--dist', fakeDist, '--no-build']);
    expect(full.code).toBe(1);
    expect(full.stdout).toMatch(/FAILED: The run stopped: QuotaExceededError/);

    const unknown = await cliJson(['preprocess', 'no-such-set']);
    expect(unknown.run.code).toBe(2);
    expect(unknown.doc.error).toMatch(/No dataset with id or name "no-such-set"/);

    await ingestAs('loose', 'twice');
    await ingestAs('loose', 'twice');
    const ambiguous = await cliJson(['preprocess', 'twice']);
    expect(ambiguous.run.code).toBe(2);
    expect(ambiguous.doc.error).toMatch(/2 datasets are named "twice"/);
  });

  it("preprocess-media writes every kept frame's three crops and result.json", async () => {
    const out = path.join(tmp, 'media-out');
    const { run, doc } = await cliJson([
      'preprocess-media',
      path.join(data, 'media', 'face.png'),
      path.join(data, 'media', 'clip.mp4'),
      path.join(data, 'media', 'other', 'clip.mp4'),
      '--out',
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const m = doc as unknown as MediaJson;
    expect(m.out).toBe(out);
    expect(JSON.parse(await readFile(path.join(out, 'result.json'), 'utf8'))).toEqual(m.result);
    expect(m.result.files.map((f) => [f.name, f.cropDir, f.kept])).toEqual([
      ['face.png', 'face', 1],
      ['clip.mp4', 'clip', 2],
      ['clip.mp4', 'clip-2', 2],
    ]);
    expect((await readdir(path.join(out, 'clip'))).sort()).toEqual([
      '0_eyes.webp',
      '0_face.webp',
      '0_mouth.webp',
      '2_eyes.webp',
      '2_face.webp',
      '2_mouth.webp',
    ]);
    const clip = m.result.files[1];
    expect(clip?.frames[1]).toMatchObject({ dropped: 'no-face', crops: null });
    expect(clip?.frames[2]?.crops?.mouth).toBe('clip/2_mouth.webp');
    expect(await readFile(path.join(out, 'face', '0_eyes.webp'), 'utf8')).toBe(
      'fake eyes crop of face.png',
    );
  });

  it('preprocess-media exits 1 when a file fails, 2 for a missing file', async () => {
    const out = path.join(tmp, 'media-bad');
    const bad = await cli([
      'preprocess-media',
      path.join(data, 'media', 'broken.mp4'),
      path.join(data, 'media', 'face.png'),
      '--out',
      out,
      '--dist',
      fakeDist,
      '--no-build',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAILED broken\.mp4: The file does not decode/);
    const written = JSON.parse(await readFile(path.join(out, 'result.json'), 'utf8')) as {
      files: { error: string | null }[];
    };
    expect(written.files.map((f) => f.error)).toEqual(['The file does not decode.', null]);

    const missing = await cliJson(['preprocess-media', path.join(data, 'nope.png'), '--out', out]);
    expect(missing.run.code).toBe(2);
    expect(missing.doc.error).toMatch(/No such file/);
  });
});
