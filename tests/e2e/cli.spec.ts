import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { DatasetSummary } from '../../scripts/lib/api';
import type { IngestEntryJson } from '../../scripts/lib/ingest';
import { jsonOf, runCli, type CliRun } from '../../scripts/lib/runCli';
import { expected, fixturePath, type AfewExpected } from './fixtures';

/**
 * The headless runner (`npm run cli`) on the real build: the same import code the UI runs,
 * driven through the test API, with the data kept in a profile between commands.
 */
const dist = path.resolve(process.env.E2E_DIST ?? 'dist-automation');
let tmp: string;
let profile: string;

function cli(args: string[]): Promise<CliRun> {
  return runCli([...args, '--dist', dist, '--no-build', '--profile', profile]);
}

test.describe.serial('npm run cli on the built app', () => {
  test.beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'fer-cli-e2e-'));
    profile = path.join(tmp, 'profile');
  });

  test.afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  test('ingest of the AFEW folder stores it and reports the exact class counts', async () => {
    test.setTimeout(180_000);
    const want = expected('afew') as AfewExpected;
    const run = await cli(['ingest', fixturePath('afew'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const doc = jsonOf(run);
    expect(doc).toMatchObject({ command: 'ingest', ok: true, exitCode: 0, profile });
    const [entry, ...rest] = doc.datasets as IngestEntryJson[];
    expect(rest).toEqual([]);
    expect(entry?.input).toBe('folder');
    expect(entry?.summary?.layout).toBe('afew');
    expect(entry?.summary?.itemCount).toBe(want.fileCount);
    expect(entry?.summary?.totalBytes).toBe(want.totalBytes);
    expect(
      Object.fromEntries(entry?.summary?.classes.map((c) => [c.rawLabel, c.count]) ?? []),
    ).toEqual(want.perClass);
    expect(entry?.stored).toMatchObject({ status: 'ready', storedItems: want.fileCount });
  });

  test('ingest of the bad folder reports each bad file and keeps the good one', async () => {
    test.setTimeout(180_000);
    const want = expected('bad') as { files: Record<string, string | null> };
    const run = await cli(['ingest', fixturePath('bad'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const [entry] = jsonOf(run).datasets as IngestEntryJson[];
    const byName = Object.fromEntries(
      (entry?.summary?.problems ?? []).map((p) => [p.path.split('/').pop() ?? p.path, p.code]),
    );
    expect(byName).toEqual(
      Object.fromEntries(Object.entries(want.files).filter(([, c]) => c !== null)),
    );
    expect(entry?.stored?.storedItems).toBe(1);
  });

  test('a later command sees what earlier ones stored', async () => {
    const run = await cli(['datasets', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const doc = jsonOf(run);
    const datasets = doc.datasets as DatasetSummary[];
    expect(datasets.map((d) => d.name).sort()).toEqual(['afew', 'bad']);
    expect(datasets.find((d) => d.name === 'afew')?.itemCount).toBe(
      (expected('afew') as AfewExpected).fileCount,
    );
    expect(doc.storage).toMatchObject({ usageBytes: expect.any(Number) });

    const table = await cli(['datasets']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/afew\s+afew\s+ready/);
  });

  test('exits 1 when every file is rejected', async () => {
    const folder = path.join(tmp, 'only-bad');
    await mkdir(folder, { recursive: true });
    await copyFile(fixturePath('bad', 'zero-byte.mp4'), path.join(folder, 'zero-byte.mp4'));
    const run = await cli(['ingest', folder, '--json']);
    expect(run.code, run.stderr).toBe(1);
    const [entry] = jsonOf(run).datasets as IngestEntryJson[];
    expect(entry?.ok).toBe(false);
    expect(entry?.stored).toBeNull();
  });

  test('--backend asks the app for a backend first', async () => {
    const run = await cli(['datasets', '--json', '--backend', 'webgl']);
    expect(run.code, run.stderr).toBe(0);
    expect((jsonOf(run).backend as { name: string } | null)?.name).toBe('webgl');
  });
});
