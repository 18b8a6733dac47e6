/**
 * The runner end to end, in real Chromium, against a stand-in app (scripts/lib/fakeApp.ts)
 * that implements the test-API contract: argument handling, the JSON documents, exit
 * codes, and that data stored by one command is seen by the next (the profile persists).
 * The real app is driven the same way by tests/e2e once its test API is in place.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestEntryJson } from './lib/commands';
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
