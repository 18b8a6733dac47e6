/**
 * `npm run bench:first-load`: how long the production app takes to paint and to respond, before
 * and after a change (issue 16 step 5). Builds `--before REF` (default 267bc25, the single
 * 6.4 MB script) in a temporary git worktree and the working tree, serves each with
 * `vite preview`, and loads them alternately in headless Chromium (`--runs N` each, default 5;
 * scripts/bench/firstLoadRun.ts). Prints each load, then the medians as a Markdown table for
 * docs/benchmarks.md "First load".
 *
 * Options: --before REF   --runs N   --timeout-ms N (per load, default 120000)
 */
import { firstLoadTable, parseFirstLoadArgs } from './bench/firstLoad';
import { runFirstLoadBench } from './bench/firstLoadRun';

async function main(): Promise<void> {
  const opts = parseFirstLoadArgs(process.argv.slice(2));
  const r = await runFirstLoadBench(opts);
  console.log(
    `\nFirst load, ${opts.runs} loads per build, alternating; Chromium ${r.chromium} headless.\n`,
  );
  console.log(firstLoadTable(r.samples, r.beforeCommit, r.afterCommit));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
