/**
 * The GPU-server benchmark's plan, time budget and report (pure; ./bench.ts measures). One report
 * holds WebGPU (Dawn) and PyTorch CUDA rows from the same run, so every ratio compares one
 * machine state (issue 19 part 2).
 */
import type { NodeAdapterReport } from '../lib/nodeWebgpu';
import { fixed, markdownTable, optionValue } from '../bench/report';

export interface Batch {
  clips: number;
  frames: number;
}

export interface GpuBenchPlan {
  config: 'tiny' | 'full';
  /** Training-step batches, clips x frames, in this order (smallest first). */
  batches: Batch[];
  /** Forward-only inference of one clip of this many frames. */
  clipFrames: number;
  /** Timed repetitions after the warm-up. */
  reps: number;
  /** The whole benchmark's wall-clock budget (run.sh adds unpacking on top). */
  budgetS: number;
  /** The batch whose step is profiled by kernel. */
  profileBatch: Batch;
  python: string;
  /** scripts/bench/torch_train_step.py, or null to leave PyTorch out. */
  torchScript: string | null;
  torchDevice: string;
  /** The model's kernel mode (src/model/kernels.ts): run once per mode to compare them. */
  kernels: 'auto' | 'tfjs' | 'fused';
}

/** The four sections and their shares of the budget, in run order (PyTorch first: ./bench.ts). */
export const SECTIONS = [
  { name: 'torch', share: 0.2 },
  { name: 'webgpu-train', share: 0.5 },
  { name: 'webgpu-clip', share: 0.1 },
  { name: 'webgpu-profile', share: 0.2 },
] as const;
export type SectionName = (typeof SECTIONS)[number]['name'];

const FULL_BATCHES: Batch[] = [
  { clips: 1, frames: 8 },
  { clips: 2, frames: 8 },
  { clips: 4, frames: 16 },
  { clips: 8, frames: 16 },
];
// SwiftShader (a CPU) pays per dispatch, so the tiny check keeps the batches small.
const TINY_BATCHES: Batch[] = [
  { clips: 1, frames: 2 },
  { clips: 2, frames: 2 },
];

export function parseBatches(spec: string): Batch[] {
  return spec.split(',').map((part) => {
    const m = /^(\d+)x(\d+)$/.exec(part.trim());
    const clips = Number(m?.[1]);
    const frames = Number(m?.[2]);
    if (!m || clips < 1 || frames < 1)
      throw new Error(`--batches: "${part}" is not CLIPSxFRAMES (e.g. 2x8)`);
    return { clips, frames };
  });
}

const positive = (argv: readonly string[], name: string, fallback: number): number => {
  const v = optionValue(argv, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!(n > 0)) throw new Error(`--${name} must be a positive number`);
  return n;
};

/** The plan from the command line; `--tiny` (or FER_GPU_TINY=1) picks the tiny config. */
export function parseGpuBenchArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): GpuBenchPlan {
  const tiny = argv.includes('--tiny') || env.FER_GPU_TINY === '1';
  const spec = optionValue(argv, 'batches');
  const batches = spec ? parseBatches(spec) : tiny ? TINY_BATCHES : FULL_BATCHES;
  const profile = optionValue(argv, 'profile-batch');
  return {
    config: tiny ? 'tiny' : 'full',
    batches,
    clipFrames: positive(argv, 'clip-frames', 16),
    reps: positive(argv, 'reps', tiny ? 1 : 3),
    budgetS: positive(argv, 'budget-s', 420),
    profileBatch: profile
      ? (parseBatches(profile)[0] as Batch)
      : (batches[Math.min(1, batches.length - 1)] as Batch),
    python: optionValue(argv, 'python') ?? 'python3',
    torchScript: argv.includes('--no-torch')
      ? null
      : (optionValue(argv, 'torch-script') ?? 'torch_train_step.py'),
    torchDevice: optionValue(argv, 'torch-device') ?? 'cuda',
    kernels: kernelsOption(optionValue(argv, 'kernels')),
  };
}

function kernelsOption(v: string | undefined): GpuBenchPlan['kernels'] {
  if (v === undefined) return 'auto';
  if (v === 'auto' || v === 'tfjs' || v === 'fused') return v;
  throw new Error(`--kernels takes auto, tfjs or fused, not '${v}'`);
}

/**
 * Milliseconds a section may use: what is left of the budget minus the later sections' shares,
 * so a section that finishes early leaves its time to the next and none starves the others.
 */
export function sectionAllowanceMs(name: SectionName, budgetMs: number, elapsedMs: number): number {
  const i = SECTIONS.findIndex((s) => s.name === name);
  const later = SECTIONS.slice(i + 1).reduce((s, x) => s + x.share, 0);
  return Math.max(0, budgetMs - elapsedMs - later * budgetMs);
}

/** A batch's expected time from a smaller one's, scaled by frames (dispatch cost ignored). */
export function estimateMs(measured: { frames: number; ms: number }, batch: Batch): number {
  return (measured.ms * batch.clips * batch.frames) / measured.frames;
}

export interface TrainRow extends Batch {
  /** Mean step of the timed repetitions (warm-up excluded); null when it did not run. */
  webgpuMs: number | null;
  /** The first step: shader compilation and buffer allocation included. */
  warmupMs: number | null;
  /** tf.profile's peakBytes over one step (tensors alive at once, weights included). */
  peakBytes: number | null;
  /** GPU buffers the backend holds after the row (its pool: the real footprint, cumulative). */
  gpuBytesAllocated: number | null;
  torchMs: number | null;
  torchPeakBytes: number | null;
  error: string | null;
  torchError: string | null;
}

export interface ClipRow {
  frames: number;
  warmupMs: number | null;
  medianMs: number | null;
  torchMs: number | null;
  error: string | null;
  torchError: string | null;
}

export interface KernelRow {
  name: string;
  calls: number;
  ms: number;
}

export interface ProfileResult {
  batch: Batch;
  /** Whether the device has `timestamp-query`; without it tfjs reports 0 ms per kernel. */
  timestampQuery: boolean;
  wallMs: number;
  kernelCalls: number;
  kernels: KernelRow[];
}

export interface SectionLog {
  name: SectionName;
  seconds: number;
  allowanceS: number;
  error: string | null;
}

export interface GpuBenchReport {
  config: 'tiny' | 'full';
  kernels: GpuBenchPlan['kernels'];
  inputSize: number | null;
  node: string;
  /** The package's build-info.txt (commit, build time), when run from the package. */
  build: string | null;
  /** CPUs and memory of the machine. */
  machine: string;
  startedAt: string;
  adapter: NodeAdapterReport | null;
  adapterError: string | null;
  features: string[];
  train: TrainRow[];
  clip: ClipRow;
  profile: ProfileResult | null;
  torch: { device: string; gpu: string | null; version: string | null; error: string | null };
  sections: SectionLog[];
  totalS: number;
}

/** One parsed line of torch_train_step.py's output. */
export interface TorchLine {
  mode?: 'train' | 'forward';
  clips?: number;
  framesPerClip?: number;
  trainMs?: number;
  forwardMs?: number;
  peakBytes?: number;
  gpu?: string;
  torch?: string;
  error?: string;
}

/** The JSON lines of torch_train_step.py's stdout (other lines ignored). */
export function parseTorchLines(stdout: string): TorchLine[] {
  const out: TorchLine[] = [];
  for (const line of stdout.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      out.push(JSON.parse(t) as TorchLine);
    } catch {
      // a line cut off by the time limit
    }
  }
  return out;
}

/** The top `n` kernels by total time (by calls when no time was measured). */
export function topKernels(
  kernels: readonly { name: string; kernelTimeMs: number }[],
  n = 15,
): KernelRow[] {
  const byName = new Map<string, KernelRow>();
  for (const k of kernels) {
    const e = byName.get(k.name) ?? { name: k.name, calls: 0, ms: 0 };
    e.calls += 1;
    e.ms += k.kernelTimeMs;
    byName.set(k.name, e);
  }
  return [...byName.values()].sort((a, b) => b.ms - a.ms || b.calls - a.calls).slice(0, n);
}

const fps = (frames: number, ms: number | null) => (ms ? (1000 * frames) / ms : null);
const num = (v: number | null, digits: number) => (v === null ? '-' : fixed(v, digits));
const mib = (b: number | null) => (b === null ? '-' : fixed(b / 2 ** 20, 0));
const ratio = (webgpu: number | null, torch: number | null) =>
  webgpu && torch ? fixed(torch / webgpu, 3) : '-';

const TRAIN_HEADERS = [
  'clips x frames',
  'WebGPU step ms',
  'WebGPU frames/s',
  'first step ms',
  'tfjs peak MiB',
  'GPU buffers MiB',
  'PyTorch step ms',
  'PyTorch frames/s',
  'PyTorch peak MiB',
  'WebGPU / PyTorch speed',
  'errors',
];

/** The report as Markdown: adapter, training rows, clip inference, kernels, sections. */
export function renderGpuBenchMarkdown(r: GpuBenchReport): string {
  const a = r.adapter;
  const lines = [
    `## GPU-server benchmark (${r.config} config${r.inputSize ? `, ${r.inputSize} px` : ''}, kernels ${r.kernels})`,
    '',
    `Started ${r.startedAt}, Node ${r.node}, ${fixed(r.totalS, 0)} s in all; ${r.machine}` +
      `${r.build ? `; package ${r.build}` : ''}.`,
    a
      ? `WebGPU adapter (Dawn): ${a.vendor} / ${a.architecture}${a.description ? ` (${a.description})` : ''}, ` +
        `fallback ${String(a.isFallbackAdapter)}; maxBufferSize ${mib(a.limits.maxBufferSize)} MiB, ` +
        `maxStorageBufferBindingSize ${mib(a.limits.maxStorageBufferBindingSize)} MiB, ` +
        `maxStorageBuffersPerShaderStage ${a.limits.maxStorageBuffersPerShaderStage}; ` +
        `features: ${r.features.join(', ') || '(none)'}.`
      : `No WebGPU adapter: ${r.adapterError ?? 'unknown'}.`,
    r.torch.error
      ? `PyTorch: ${r.torch.error}.`
      : `PyTorch ${r.torch.version ?? '?'} on ${r.torch.device}${r.torch.gpu ? ` (${r.torch.gpu})` : ''}, fp32${r.torch.device === 'cuda' ? ' (TF32 off)' : ''}.`,
    '',
    '### Training step (Adam), one batch',
    '',
    markdownTable(
      TRAIN_HEADERS,
      r.train.map((t) => {
        const frames = t.clips * t.frames;
        return [
          `${t.clips} x ${t.frames}`,
          num(t.webgpuMs, 0),
          num(fps(frames, t.webgpuMs), 1),
          num(t.warmupMs, 0),
          mib(t.peakBytes),
          mib(t.gpuBytesAllocated),
          num(t.torchMs, 1),
          num(fps(frames, t.torchMs), 1),
          mib(t.torchPeakBytes),
          ratio(t.webgpuMs, t.torchMs),
          [t.error, t.torchError && `PyTorch: ${t.torchError}`].filter(Boolean).join('; ') || '',
        ];
      }),
    ),
    '',
    'WebGPU / PyTorch speed: PyTorch step ms / WebGPU step ms (1 = as fast, 0.5 = half as fast).',
  ];
  const c = r.clip;
  lines.push('', `### Clip inference (forward only, 1 x ${c.frames} frames)`, '');
  lines.push(
    markdownTable(
      [
        'WebGPU median ms',
        'WebGPU first run ms',
        'WebGPU frames/s',
        'PyTorch ms',
        'ratio',
        'errors',
      ],
      [
        [
          num(c.medianMs, 1),
          num(c.warmupMs, 0),
          num(fps(c.frames, c.medianMs), 1),
          num(c.torchMs, 2),
          ratio(c.medianMs, c.torchMs),
          [c.error, c.torchError && `PyTorch: ${c.torchError}`].filter(Boolean).join('; ') || '',
        ],
      ],
    ),
  );
  const p = r.profile;
  if (p) {
    lines.push(
      '',
      `### One training step by kernel (${p.batch.clips} x ${p.batch.frames}, tf.profile)`,
      '',
      `${p.kernelCalls} kernel calls, ${fixed(p.wallMs, 0)} ms profiled wall time; ` +
        (p.timestampQuery
          ? 'GPU times from timestamp queries.'
          : 'no timestamp-query on this device: times are 0, kernels sorted by calls.'),
      '',
      markdownTable(
        ['kernel', 'calls', 'ms', '% of kernel time'],
        p.kernels.map((k) => {
          const total = p.kernels.reduce((s, x) => s + x.ms, 0);
          return [
            k.name,
            String(k.calls),
            fixed(k.ms, 1),
            total ? fixed((100 * k.ms) / total, 1) : '-',
          ];
        }),
      ),
    );
  }
  lines.push(
    '',
    '### Sections',
    '',
    markdownTable(
      ['section', 'seconds', 'allowance s', 'error'],
      r.sections.map((s) => [s.name, fixed(s.seconds, 0), fixed(s.allowanceS, 0), s.error ?? '']),
    ),
    '',
  );
  return lines.join('\n');
}
