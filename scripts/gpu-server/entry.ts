/**
 * The GPU-server package's bench (bundled by ./build.ts into bench.mjs; run by run.sh):
 * `node bench.mjs [--tiny] [--out DIR] [--budget-s S] [--batches 1x8,2x8] [--clip-frames N]
 * [--reps N] [--profile-batch CxF] [--python P] [--torch-script F] [--torch-device D] [--no-torch]
 * [--kernels auto|tfjs|fused]`.
 * Writes DIR/gpu-bench.json and DIR/gpu-bench.md after every section (./bench.ts).
 * `--plan` prints the parsed plan and exits (a check that the bundle loads, no GPU needed).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { optionValue } from '../bench/report';
import { runGpuBench } from './bench';
import { parseGpuBenchArgs, renderGpuBenchMarkdown } from './report';

try {
  const plan = parseGpuBenchArgs(process.argv, process.env);
  if (process.argv.includes('--plan')) {
    console.log(JSON.stringify(plan));
  } else {
    const out = optionValue(process.argv, 'out') ?? 'out';
    mkdirSync(out, { recursive: true });
    const report = await runGpuBench(plan, (r) => {
      writeFileSync(join(out, 'gpu-bench.json'), JSON.stringify(r, null, 2));
      writeFileSync(join(out, 'gpu-bench.md'), renderGpuBenchMarkdown(r));
    });
    console.log(`\n${renderGpuBenchMarkdown(report)}`);
  }
} catch (e) {
  console.error(`fer gpu-server bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
// Dawn keeps the event loop alive after the last device is dropped.
process.exit(0);
