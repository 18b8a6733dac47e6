/**
 * `window.__ferModel`: checks and benchmarks of the model that need a real browser (WebGPU,
 * WebGL), called by tests/e2e/model.spec.ts and scripts/bench-model.ts. Each call switches to
 * the requested backend, does its work, disposes everything and switches back.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { trySetBackend, wasmSimdKernels } from '../compute/backend';
import { missingGradKernels } from '../compute/wasmGrads';
import { mergeConfig, type ModelConfigInput, TINY_OVERRIDES } from '../model/config';
import {
  benchGroupedConv,
  clipInput,
  clipLatency,
  memoryTrace,
  random,
  runBench,
} from './model/bench';
import type {
  AgreementCheck,
  DebugBackend,
  FerModelDebugApi,
  GradientCheck,
  LeakCheck,
} from './model/api';
import { FIXTURE_INPUT_SHAPE, type FixtureExpected, fixtureInput } from './model/fixtureSpec';
import fixtureExpectedUrl from './model/fixtures/tiny/expected.json?url';
import fixtureShardUrl from './model/fixtures/tiny/group1-shard1of1.bin?url';
import fixtureModelJsonUrl from './model/fixtures/tiny/model.json?url';
import {
  blockDiagonalGroupedConv,
  naiveGroupedConv2d,
  splitGroupedConv,
} from '../model/groupedConv';
import {
  createModel,
  disposeForwardOutput,
  disposeModel,
  type ForwardOutput,
  forward,
} from '../model/model';
import { modelLoss } from '../model/loss';
import { trainStep } from './model/trainStep';
import { importWeights } from '../model/weights';

const ALL_BACKENDS: readonly DebugBackend[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

async function withBackend<T>(name: DebugBackend, fn: () => Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  // trySetBackend serves the .wasm files from our build and installs the gradients wasm lacks.
  const failure = await trySetBackend(name);
  if (failure !== null) throw new Error(`Backend ${name} is not available: ${failure}`);
  try {
    return await fn();
  } finally {
    if (previous && previous !== name) await trySetBackend(previous as DebugBackend);
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
  return m;
}

/** Logits and every attention weight of a forward output, read back as plain arrays. */
async function readOutput(o: ForwardOutput): Promise<{ logits: number[]; attention: number[] }> {
  const a = o.attention;
  const attention: number[] = [];
  for (const t of [
    ...a.spatial.map((s) => s.m),
    a.regionAlpha,
    a.regionWeights,
    a.frameAlpha,
    a.frameWeights,
  ])
    if (t) attention.push(...(await t.data()));
  return { logits: Array.from(await o.logits.data()), attention };
}

async function fetchJson(url: string): Promise<unknown> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: ${r.status}`);
  return (await r.json()) as unknown;
}

const GROUPED_CONV_CASES = [
  { name: 'conv1 7x7/2 pad 3', h: 23, cinG: 3, cout: 12, k: 7, s: 2, p: 3, groups: 3 },
  { name: '3x3/1 pad 1', h: 9, cinG: 4, cout: 12, k: 3, s: 1, p: 1, groups: 3 },
  { name: '3x3/2 pad 1', h: 9, cinG: 4, cout: 24, k: 3, s: 2, p: 1, groups: 3 },
  { name: '1x1/2 downsample', h: 8, cinG: 8, cout: 24, k: 1, s: 2, p: 0, groups: 3 },
] as const;

const MID_CONFIG: ModelConfigInput = mergeConfig(TINY_OVERRIDES, {
  backbone: { inputSize: 64, widthMultiplier: 1 / 4 },
  spatialAttention: { hidden: 16 },
  channelAttention: { hidden: 32 },
  frameAttention: { hidden: 32 },
});

const GRAD_CHECK_CONFIG: ModelConfigInput = mergeConfig(TINY_OVERRIDES, {
  backbone: { inputSize: 16 },
  dropout: 0,
});

/** Gradients of one training-mode loss of the tiny model, per trainable parameter. */
async function tinyModelGradients(): Promise<Map<string, Float32Array>> {
  const model = createModel(GRAD_CHECK_CONFIG);
  const x = clipInput([2, 2, 16, 16, 9], 21);
  const y = tf.tensor2d([
    [0, 1, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 1, 0, 0],
  ]);
  const { grads, value } = tf.variableGrads(
    () => modelLoss(model.config, forward(model, x, { training: true }), y).total,
    model.params.trainable(),
  );
  const out = new Map<string, Float32Array>();
  for (const [name, g] of Object.entries(grads)) out.set(name, (await g.data()) as Float32Array);
  tf.dispose([value, x, y, ...Object.values(grads)]);
  disposeModel(model);
  return out;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] ?? 0));
  return m;
}

/** One warm-up step then `steps` Adam steps on one fixed batch: losses and tensor counts. */
async function trainLoop(
  backend: DebugBackend,
  steps: number,
  config: ModelConfigInput,
): Promise<LeakCheck> {
  const model = createModel(config);
  const x = clipInput([2, 2, 16, 16, 9], 3);
  const y = tf.tensor2d([
    [1, 0, 0, 0, 0, 0, 0],
    [0, 0, 1, 0, 0, 0, 0],
  ]);
  const optimizer = tf.train.adam(1e-3);
  const losses: number[] = [];
  const step = async (i: number) => {
    const loss = trainStep(model, optimizer, x, y, { dropoutSeed: i });
    losses.push((await loss.data())[0] ?? NaN);
    loss.dispose();
  };
  await step(0);
  const before = tf.memory().numTensors;
  for (let i = 1; i <= steps; i++) await step(i);
  const after = tf.memory().numTensors;
  optimizer.dispose();
  tf.dispose([x, y]);
  disposeModel(model);
  return { backend, steps, before, after, losses };
}

export function installModelDebugHook(): void {
  const api: FerModelDebugApi = {
    version: 1,
    async backends() {
      const ok: DebugBackend[] = [];
      for (const b of ALL_BACKENDS) {
        try {
          await withBackend(b, () => Promise.resolve());
          ok.push(b);
        } catch {
          // not available in this browser
        }
      }
      return ok;
    },
    async adapter() {
      let webgpu: Awaited<ReturnType<FerModelDebugApi['adapter']>>['webgpu'] = null;
      if ('gpu' in navigator) {
        const a = await navigator.gpu.requestAdapter();
        if (a)
          webgpu = {
            vendor: a.info.vendor,
            architecture: a.info.architecture,
            description: a.info.description,
            // Chromium 156 has it only on GPUAdapterInfo (the spec moved it there).
            isFallback:
              (a.info as Partial<GPUAdapterInfo>).isFallbackAdapter ??
              (a as Partial<GPUAdapter>).isFallbackAdapter ??
              false,
          };
      }
      let webglRenderer: string | null = null;
      const gl = document.createElement('canvas').getContext('webgl2');
      if (gl) {
        const ext = gl.getExtension('WEBGL_debug_renderer_info');
        webglRenderer = String(
          gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) as unknown,
        );
      }
      return {
        userAgent: navigator.userAgent,
        webgpu,
        webglRenderer,
        hardwareConcurrency: navigator.hardwareConcurrency,
      };
    },
    groupedConvCheck: (backend) =>
      withBackend(backend, async () => {
        const cases: Awaited<ReturnType<FerModelDebugApi['groupedConvCheck']>>['cases'] = [];
        for (const c of GROUPED_CONV_CASES) {
          const xShape = [2, c.h, c.h, c.cinG * c.groups] as const;
          const kShape = [c.k, c.k, c.cinG, c.cout] as const;
          const xv = random(
            xShape.reduce<number>((a, b) => a * b, 1),
            1,
          );
          const kv = random(
            kShape.reduce<number>((a, b) => a * b, 1),
            2,
          );
          const opts = { groups: c.groups, strides: c.s, pad: c.p };
          const ref = naiveGroupedConv2d(xv, xShape, kv, kShape, opts);
          const x = tf.tensor4d(xv, [...xShape]);
          const k = tf.tensor4d(kv, [...kShape]);
          for (const [impl, fn] of [
            ['split', splitGroupedConv],
            ['blockDiagonal', blockDiagonalGroupedConv],
          ] as const) {
            const y = fn(x, k, opts);
            // data(), not dataSync(): WebGPU cannot read back synchronously.
            cases.push({ name: c.name, impl, maxAbsDiff: maxAbsDiff(await y.data(), ref.data) });
            y.dispose();
          }
          tf.dispose([x, k]);
        }
        return { backend, cases };
      }),
    fixtureCheck: (backend) =>
      withBackend(backend, async () => {
        const modelJson = await fetchJson(fixtureModelJsonUrl);
        const shard = await (await fetch(fixtureShardUrl)).arrayBuffer();
        const expected = (await fetchJson(fixtureExpectedUrl)) as FixtureExpected;
        const model = importWeights(modelJson, [shard]);
        const x = tf.tensor5d(fixtureInput(), [...FIXTURE_INPUT_SHAPE]);
        const out = forward(model, x);
        const got = await readOutput(out);
        const want = [
          ...expected.spatial.flatMap((s) => s.m),
          ...(expected.regionAlpha ?? []),
          ...(expected.regionWeights ?? []),
          ...(expected.frameAlpha ?? []),
          ...expected.frameWeights,
        ];
        disposeForwardOutput(out);
        x.dispose();
        disposeModel(model);
        return {
          backend,
          reference: 'fixture',
          maxAbsDiffLogits: maxAbsDiff(got.logits, expected.logits),
          maxAbsDiffAttention: maxAbsDiff(got.attention, want),
        } satisfies AgreementCheck;
      }),
    async crossBackendCheck(backend) {
      const run = (b: DebugBackend) =>
        withBackend(b, async () => {
          const model = createModel(MID_CONFIG);
          const x = clipInput([1, 2, 64, 64, 9], 9);
          const out = forward(model, x);
          const r = await readOutput(out);
          disposeForwardOutput(out);
          x.dispose();
          disposeModel(model);
          return r;
        });
      const ref = await run('cpu');
      const got = await run(backend);
      return {
        backend,
        reference: 'cpu',
        maxAbsDiffLogits: maxAbsDiff(got.logits, ref.logits),
        maxAbsDiffAttention: maxAbsDiff(got.attention, ref.attention),
      };
    },
    leakCheck: (backend, steps) =>
      withBackend(backend, () =>
        trainLoop(backend, steps, mergeConfig(TINY_OVERRIDES, { backbone: { inputSize: 16 } })),
      ),
    trainCheck: (backend, steps) =>
      withBackend(backend, () => trainLoop(backend, steps, GRAD_CHECK_CONFIG)),
    wasmStatus: () =>
      withBackend('wasm', async () => ({
        setBackendOk: true,
        active: tf.getBackend(),
        threads: getThreadsCount(),
        simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
        multithread: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
        crossOriginIsolated,
        hardwareConcurrency: navigator.hardwareConcurrency,
        simdKernels: wasmSimdKernels(),
      })),
    async gradientCheck(backend) {
      const ref = await withBackend('cpu', tinyModelGradients);
      let substituted: string[] = [];
      const got = await withBackend(backend, () => {
        substituted = missingGradKernels();
        return tinyModelGradients();
      });
      let diff = 0;
      let scale = 0;
      let worstParam = '';
      let worstParamRelErr = 0;
      // Variable names carry a per-model suffix; compare in creation order.
      const refs = [...ref.values()];
      const gots = [...got.entries()];
      gots.forEach(([name, g], i) => {
        const r = refs[i] ?? new Float32Array(0);
        const d = maxAbsDiff(g, r);
        const s = maxAbs(r);
        diff = Math.max(diff, d);
        scale = Math.max(scale, s);
        const rel = s > 0 ? d / s : d;
        if (rel > worstParamRelErr) {
          worstParamRelErr = rel;
          worstParam = name;
        }
      });
      return {
        backend,
        relErr: diff / scale,
        worstParam,
        worstParamRelErr,
        params: gots.length,
        substituted,
      } satisfies GradientCheck;
    },
    bench: (opts) => withBackend(opts.backend, () => runBench(opts)),
    benchGroupedConv: (backend, reps) => withBackend(backend, () => benchGroupedConv(reps)),
    memoryTrace: (backend, model, clips, frames, steps) =>
      withBackend(backend, () => memoryTrace(backend, model, clips, frames, steps)),
    clipLatency: (opts) => withBackend(opts.backend, () => clipLatency(opts)),
  };
  window.__ferModel = api;
}
