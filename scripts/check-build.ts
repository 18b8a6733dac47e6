/**
 * `npm run test:build`: the production build carries none of the test harness (issue 16).
 * Builds the app as `npm run build` does (production mode, no hooks) into a temporary folder,
 * or takes `--dist DIR`, and fails when a marker of scripts/lib/harnessScan.ts is in it: a
 * `window.__fer*` hook, the test inputs, a test-only worker message, a test fixture.
 *
 *   npx tsx scripts/check-build.ts [--dist DIR]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runBuild } from './lib/build';
import { scanForHarness } from './lib/harnessScan';

const { values } = parseArgs({ options: { dist: { type: 'string' } } });
const tmp =
  values.dist === undefined ? await mkdtemp(path.join(os.tmpdir(), 'fer-check-build-')) : null;
const dist = values.dist === undefined ? path.join(tmp ?? '', 'dist') : path.resolve(values.dist);
try {
  if (tmp !== null) {
    console.error(`Building the production app into ${dist} ...`);
    await runBuild(dist, false, undefined, 'production');
  }
  const found = await scanForHarness(dist);
  if (found.length > 0) {
    for (const f of found) console.error(`${f.file}: ${f.what}`);
    console.error(`FAIL: the build in ${dist} carries test harness (${found.length} findings).`);
    process.exitCode = 1;
  } else console.error(`OK: no test harness in ${dist}.`);
} finally {
  if (tmp !== null) await rm(tmp, { recursive: true, force: true });
}
