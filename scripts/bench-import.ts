/**
 * Import throughput: `npm run bench:import` builds the ~100 MB AFEW-style fixture folder,
 * then imports it through the app's own code in headless Chromium (the headless runner's
 * browser and server) and prints MB/s and files/s for planning+probing and for storing, with
 * the JS heap sampled throughout (scripts/bench/import.ts; `npm run bench` runs the same code
 * and writes its report into docs/benchmarks.md).
 */
import { importRows, runImportBench } from './bench/import';

runImportBench()
  .then((r) => {
    const rows = importRows(r);
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  })
  .catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
