/**
 * `npm run screenshots`: the README's "A first hour, in pictures" (issue 17). Builds the
 * automation build if it is stale (scripts/lib/build.ts), serves it and opens it in headless
 * Debian Chromium with a fresh profile (scripts/lib/browser.ts), and drives the app as a
 * researcher's first hour does: a small seeded demo, preprocessing, the inspector, the Train
 * form, a tiny run, Results, attention views, Compare, Inference and Export
 * (scripts/screenshots/steps.ts). Saves 1280x800 light-theme PNGs to docs/screenshots/.
 *
 * Every number in the pictures is computed by the app: the script only clicks, types the
 * form's values and waits; the `window.__fer*` hooks are used to store the demo (a small one,
 * from one portrait) and to wait for the run, never to write a result.
 *
 * Options: --out DIR (default docs/screenshots)   --build (rebuild even if current)
 *          --only 01,05 (take only these; earlier steps still run)   --verbose
 *          --full-page (whole pages, to review where things are; not for the README)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AUTOMATION_DIST, buildReason, REPO_ROOT, runBuild } from './lib/build';
import { openApp } from './lib/browser';
import { SHOTS, runFirstHour, type ShotContext } from './screenshots/steps';
import { shotWriter } from './screenshots/shoot';

interface Options {
  out: string;
  build: boolean;
  only: Set<string> | null;
  verbose: boolean;
  fullPage: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const opts: Options = {
    out: path.join(REPO_ROOT, 'docs', 'screenshots'),
    build: false,
    only: null,
    verbose: false,
    fullPage: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--out') opts.out = path.resolve(next());
    else if (a === '--build') opts.build = true;
    else if (a === '--only') opts.only = new Set(next().split(','));
    else if (a === '--verbose') opts.verbose = true;
    else if (a === '--full-page') opts.fullPage = true;
    else
      throw new Error(`unknown option ${a} (see the comment at the top of scripts/screenshots.ts)`);
  }
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const log = (line: string): void => {
    const s = ((performance.now() - t0) / 1000).toFixed(0).padStart(4);
    console.log(`[${s} s] ${line}`);
  };
  const reason = await buildReason(AUTOMATION_DIST, REPO_ROOT, opts.build);
  if (reason !== null) {
    log(`building the automation build (${reason})`);
    await runBuild(AUTOMATION_DIST, opts.verbose);
  }
  const profile = await mkdtemp(path.join(os.tmpdir(), 'fer-screenshots-'));
  const session = await openApp({
    distDir: AUTOMATION_DIST,
    profile,
    gpu: false,
    backend: null,
    verbose: opts.verbose,
    startupTimeoutSec: 120,
    requiredMethods: [],
    // No embedded demo: the script stores a small one (the default demo takes far longer).
    path: '/?demo=0',
  });
  try {
    const { page } = session;
    await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
    await page.setViewportSize({ width: 1280, height: 800 });
    const writer = shotWriter(opts.out, opts.only, opts.fullPage);
    const ctx: ShotContext = { page, shot: writer.shot, log };
    const skipped = await runFirstHour(ctx).catch(async (e: unknown) => {
      const file = path.join(os.tmpdir(), 'fer-screenshots-failure.png');
      await page.screenshot({ path: file }).catch(() => undefined);
      log(`failed; the page as it was: ${file}`);
      throw e;
    });
    const total = writer.totalBytes();
    log(
      `saved ${writer.saved().length} of ${SHOTS.length} screenshots to ${path.relative(REPO_ROOT, opts.out)} ` +
        `(${(total / 1024).toFixed(0)} KiB)`,
    );
    for (const s of skipped) log(`skipped ${s.id}: ${s.why}`);
  } finally {
    await session.close();
    await rm(profile, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
