/**
 * `npm run bench:model`: builds the app, opens it in the system Chromium and times the model
 * on every backend the browser offers (webgpu, wasm, webgl, cpu): forward and training step per clip,
 * frames/s, achieved GFLOP/s against the same backend's large-matmul GFLOP/s, and peak memory;
 * plus the two grouped-convolution implementations on full-size layers. Prints Markdown tables
 * (paste them into docs/benchmarks.md) and, with --json FILE, writes the raw results.
 *
 * With --torch, also times the same network's training step in PyTorch on the CPU
 * (scripts/bench/torch_train_step.py, Debian's python3-torch; skipped if torch is missing), and
 * prints each backend's training time as a ratio to the fastest.
 *
 * Options: --backends webgpu,wasm,webgl,cpu   --no-full-train   --full-frames N   --port N
 *          --out-dir DIR (build folder)   --json FILE   --no-conv   --torch
 *          --wasm-threads N (XNNPACK threads; default one per logical core)
 *          --full-train-backends LIST (default: every backend but cpu)
 *          --torch-threads LIST (PyTorch thread counts to time; default 1 and the logical cores)
 *          --full-clips N (clips in the full-size step; default 1)
 *          --rounds N (with --torch: N more full-size rounds alternating the fastest browser
 *          backend and PyTorch, then the ratio per round, its median and its worst)
 *          --runtime browser|node-webgpu (default browser; node-webgpu runs WebGPU on Dawn in Node,
 *          no browser: scripts/bench/nodeModel.ts, its own options there, e.g. --tiny)
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { DebugBackend } from '../src/automation/model/api';
import { browserVersion, buildApp, openBenchApp } from './bench/browser';
import {
  MODEL_HEADERS,
  modelRow,
  pageEnvironment,
  ratioRoundRows,
  ratioRounds,
  relativeTrainRows,
  runModelBench,
  torchReference,
  type TorchReference,
} from './bench/model';
import { fixed, markdownTable, optionValue } from './bench/report';

const option = (name: string): string | undefined => optionValue(process.argv, name);

const runtime = option('runtime') ?? 'browser';
if (runtime === 'node-webgpu') {
  const { nodeBenchMain } = await import('./bench/nodeModel');
  try {
    await nodeBenchMain(process.argv);
  } catch (e) {
    // No adapter, a missing limit, a bad option: the message names it; no stack needed.
    console.error(
      `bench:model --runtime node-webgpu: ${e instanceof Error ? e.message : String(e)}`,
    );
    process.exit(1);
  }
  // Dawn keeps the event loop alive after the last device is dropped.
  process.exit(0);
} else if (runtime !== 'browser') {
  console.error(`--runtime must be browser or node-webgpu, not ${runtime}`);
  process.exit(2);
}

const outDir = option('out-dir') ?? '/tmp/fer-bench-model-dist';
const port = Number(option('port') ?? 4197);
const fullTrain = !process.argv.includes('--no-full-train');
const fullFrames = Number(option('full-frames') ?? 2);
const fullClips = Number(option('full-clips') ?? 1);
const wanted = (option('backends') ?? 'webgpu,wasm,webgl,cpu').split(',');
const convBench = !process.argv.includes('--no-conv');
const torch = process.argv.includes('--torch');
const wasmThreads = option('wasm-threads');
const fullTrainBackends = option('full-train-backends')?.split(',');
const rounds = Number(option('rounds') ?? 0);
const torchThreads = [
  ...new Set((option('torch-threads') ?? `1,${availableParallelism()}`).split(',').map(Number)),
].filter((n) => n >= 1);

const t0 = Date.now();
console.error(`building into ${outDir} ...`);
buildApp(outDir);
const session = await openBenchApp(outDir, port, {
  query: wasmThreads ? `?wasmThreads=${wasmThreads}` : '',
});
const { page } = session;
try {
  const env = await pageEnvironment(page);
  const { adapter } = env;
  const backends = env.available.filter((b: DebugBackend) => wanted.includes(b));
  console.log(
    `Chromium ${browserVersion(session)}; ${adapter?.hardwareConcurrency ?? '?'} logical cores`,
  );
  console.log(`WebGPU adapter: ${JSON.stringify(adapter?.webgpu ?? null)}`);
  console.log(`WebGL renderer: ${adapter?.webglRenderer ?? 'none'}`);
  console.log(`Backends: ${backends.join(', ')}`);
  if (env.wasm && backends.includes('wasm'))
    console.log(
      `WASM: ${env.wasm.threads} XNNPACK thread(s), SIMD ${String(env.wasm.simd)}, ` +
        `cross-origin isolated ${String(env.wasm.crossOriginIsolated)}`,
    );

  console.log(`\n${markdownTable(MODEL_HEADERS, []).split('\n').slice(0, 2).join('\n')}`);
  const { results, convs } = await runModelBench(page, {
    backends,
    fullFrames,
    fullClips,
    fullTrain,
    fullTrainBackends,
    conv: convBench,
    onResult: (r, seconds) => {
      console.log(markdownTable(MODEL_HEADERS, [modelRow(r)]).split('\n')[2]);
      console.error(
        `  ${r.backend} ${r.config}: fwd ${r.forwardMsPerClip.toFixed(0)} ms/clip, ` +
          `train ${fixed(r.trainMsPerClip, 0)} ms/clip (${seconds.toFixed(0)} s)`,
      );
      if (r.trainKernels)
        console.error(
          `  profiled step, by kernel: ${r.trainKernels.map((k) => `${k.name} ${k.ms.toFixed(0)} ms (${k.calls})`).join(', ')}`,
        );
    },
  });

  const reference: TorchReference[] = torch
    ? torchReference(torchThreads, fullFrames, ['tiny', 'full'], fullClips)
    : [];

  console.log(
    `\n${markdownTable(['config', 'backend', 'train ms/clip', 'x the fastest'], relativeTrainRows(results, reference))}`,
  );
  const fastest = results
    .filter((r) => r.config === 'full' && r.trainMsPerClip !== null)
    .sort((a, b) => (a.trainMsPerClip ?? 0) - (b.trainMsPerClip ?? 0))[0];
  if (torch && rounds > 0 && fastest) {
    console.error(`${rounds} rounds of ${fastest.backend} against PyTorch ...`);
    const rows = ratioRoundRows(
      await ratioRounds(
        page,
        fastest.backend as DebugBackend,
        rounds,
        { clips: fullClips, frames: fullFrames },
        torchThreads,
      ),
    );
    console.log(
      `\n${markdownTable([`round (full, ${fullClips} x ${fullFrames})`, `${fastest.backend} train ms/clip`, 'pytorch ms/clip (threads)', 'ratio'], rows)}`,
    );
  }
  console.log(
    `\n${markdownTable(
      ['backend', 'layer (batch 2)', 'split + concat ms', 'block-diagonal ms'],
      convs.map((c) => [c.backend, c.layer, fixed(c.splitMs, 1), fixed(c.blockDiagonalMs, 1)]),
    )}`,
  );
  console.log(`\nTotal ${((Date.now() - t0) / 1000).toFixed(0)} s.`);
  const json = option('json');
  if (json)
    writeFileSync(
      json,
      JSON.stringify(
        { browser: browserVersion(session), adapter, results, convs, reference },
        null,
        2,
      ),
    );
} finally {
  await session.close();
}
