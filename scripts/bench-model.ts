/**
 * `npm run bench:model`: builds the app, opens it in the system Chromium and times the model
 * on every backend the browser offers (webgpu, wasm, webgl, cpu): forward and training step per clip,
 * frames/s, achieved GFLOP/s against the same backend's large-matmul GFLOP/s, and peak memory;
 * plus the two grouped-convolution implementations on full-size layers. Prints Markdown tables
 * (paste them into docs/benchmarks.md) and, with --json FILE, writes the raw results.
 *
 * With --torch, also times the same grouped ResNet-18 backbone training step in PyTorch on the CPU
 * (scripts/bench/torch_train_step.py, Debian's python3-torch; skipped if torch is missing), and
 * prints each backend's training time as a ratio to the fastest.
 *
 * Options: --backends webgpu,wasm,webgl,cpu   --no-full-train   --full-frames N   --port N
 *          --out-dir DIR (build folder)   --json FILE   --no-conv   --torch
 *          --wasm-threads N (XNNPACK threads; default one per logical core)
 *          --full-train-backends LIST (default: every backend but cpu)
 *          --torch-threads LIST (PyTorch thread counts to time; default 1 and the logical cores)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { GroupedConvBench, ModelBenchOptions, ModelBenchResult } from '../src/model/debugApi';
import { browserVersion, buildApp, openBenchApp } from './bench/browser';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const outDir = option('out-dir') ?? '/tmp/fer-bench-model-dist';
const port = Number(option('port') ?? 4197);
const fullTrain = !process.argv.includes('--no-full-train');
const fullFrames = Number(option('full-frames') ?? 2);
const wanted = (option('backends') ?? 'webgpu,wasm,webgl,cpu').split(',');
const convBench = !process.argv.includes('--no-conv');
const torch = process.argv.includes('--torch');
const wasmThreads = option('wasm-threads');
const fullTrainBackends = option('full-train-backends')?.split(',');
const torchThreads = [
  ...new Set((option('torch-threads') ?? `1,${availableParallelism()}`).split(',').map(Number)),
].filter((n) => n >= 1);

const fmt = (v: number | null, digits = 1): string => (v === null ? '-' : v.toFixed(digits));
const mib = (b: number | null): string => (b === null ? '-' : (b / 2 ** 20).toFixed(0));

const t0 = Date.now();
console.error(`building into ${outDir} ...`);
buildApp(outDir);
const session = await openBenchApp(outDir, port, {
  query: wasmThreads ? `?wasmThreads=${wasmThreads}` : '',
});
const { page } = session;
try {
  const adapter = await page.evaluate(() => window.__ferModel?.adapter());
  const available = await page.evaluate(() => window.__ferModel?.backends() ?? []);
  const backends = available.filter((b) => wanted.includes(b));
  console.log(
    `Chromium ${browserVersion(session)}; ${adapter?.hardwareConcurrency ?? '?'} logical cores`,
  );
  console.log(`WebGPU adapter: ${JSON.stringify(adapter?.webgpu ?? null)}`);
  console.log(`WebGL renderer: ${adapter?.webglRenderer ?? 'none'}`);
  console.log(`Backends: ${backends.join(', ')}`);
  if (backends.includes('wasm')) {
    const w = await page.evaluate(() => window.__ferModel?.wasmStatus());
    console.log(
      `WASM: ${w?.threads ?? '?'} XNNPACK thread(s), SIMD ${String(w?.simd)}, ` +
        `cross-origin isolated ${String(w?.crossOriginIsolated)}`,
    );
  }

  console.log(
    '\n| backend | config | input | clips x frames | GFLOP/clip | forward ms/clip | forward frames/s | forward GFLOP/s | train ms/clip | train frames/s | train GFLOP/s | matmul GFLOP/s (n) | peak MiB fwd / train |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const results: ModelBenchResult[] = [];
  const convs: GroupedConvBench[] = [];
  const run = async (opts: ModelBenchOptions): Promise<void> => {
    const started = Date.now();
    const r = await page.evaluate(
      (o) => window.__ferModel?.bench(o) ?? Promise.reject(new Error('no hook')),
      opts,
    );
    results.push(r);
    console.log(
      `| ${r.backend} | ${r.config} | ${r.inputSize} | ${r.clips} x ${r.frames} | ${(r.flopsPerClip / 1e9).toFixed(3)} | ` +
        `${fmt(r.forwardMsPerClip, 0)} | ${fmt(r.forwardFramesPerSec, 2)} | ${fmt(r.forwardGflopsPerSec, 2)} | ` +
        `${fmt(r.trainMsPerClip, 0)} | ${fmt(r.trainFramesPerSec, 2)} | ${fmt(r.trainGflopsPerSec, 2)} | ` +
        `${fmt(r.matmulGflopsPerSec, 2)} (${r.matmulN}) | ${mib(r.peakBytesForward)} / ${mib(r.peakBytesTrain)} |`,
    );
    console.error(
      `  ${opts.backend} ${opts.config}: fwd ${r.forwardMsPerClip.toFixed(0)} ms/clip, ` +
        `train ${fmt(r.trainMsPerClip, 0)} ms/clip (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
  };
  for (const backend of backends) {
    console.error(`${backend} ...`);
    await run({ backend, config: 'tiny', clips: 2, frames: 4, reps: 2, train: true });
    await run({
      backend,
      config: 'full',
      clips: 1,
      frames: fullFrames,
      reps: 1,
      train: fullTrain && (fullTrainBackends?.includes(backend) ?? backend !== 'cpu'),
    });
    if (convBench)
      convs.push(
        ...(await page.evaluate(
          (b) => window.__ferModel?.benchGroupedConv(b, 2) ?? Promise.reject(new Error('no hook')),
          backend,
        )),
      );
  }

  const reference: { config: string; trainMsPerClip: number; threads: number }[] = [];
  if (torch) {
    torchLoop: for (const threads of torchThreads)
      for (const config of ['tiny', 'full'] as const) {
        const frames = config === 'tiny' ? 4 : fullFrames;
        const clips = config === 'tiny' ? 2 : 1;
        // Debian's python3-torch lives under the system interpreter, not a pyenv shim.
        const r = spawnSync(
          existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3',
          [
            'scripts/bench/torch_train_step.py',
            config,
            String(clips),
            String(frames),
            String(threads),
          ],
          { encoding: 'utf8' },
        );
        const line = r.stdout.trim().split('\n').pop() ?? '';
        if (r.status !== 0 || !line.startsWith('{')) {
          console.error(`torch reference skipped: ${r.stderr.trim().split('\n').pop() ?? ''}`);
          break torchLoop;
        }
        const j = JSON.parse(line) as { trainMs: number; threads: number };
        reference.push({ config, trainMsPerClip: j.trainMs / clips, threads: j.threads });
      }
  }

  console.log('\n| config | backend | train ms/clip | x the fastest |');
  console.log('| --- | --- | --- | --- |');
  for (const config of ['tiny', 'full'] as const) {
    const rows = [
      ...results
        .filter((r) => r.config === config && r.trainMsPerClip !== null)
        .map((r) => ({ name: r.backend, ms: r.trainMsPerClip ?? NaN })),
      ...reference
        .filter((r) => r.config === config)
        .map((r) => ({ name: `pytorch cpu (${r.threads} threads)`, ms: r.trainMsPerClip })),
    ].sort((a, b) => a.ms - b.ms);
    const fastest = rows[0]?.ms ?? NaN;
    for (const r of rows)
      console.log(`| ${config} | ${r.name} | ${fmt(r.ms, 0)} | ${fmt(r.ms / fastest, 2)} |`);
  }

  console.log('\n| backend | layer (batch 2) | split + concat ms | block-diagonal ms |');
  console.log('| --- | --- | --- | --- |');
  for (const c of convs)
    console.log(
      `| ${c.backend} | ${c.layer} | ${fmt(c.splitMs, 1)} | ${fmt(c.blockDiagonalMs, 1)} |`,
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
