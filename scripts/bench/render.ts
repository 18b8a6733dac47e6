/**
 * The generated block of docs/benchmarks.md from the results `npm run bench` collected. Pure
 * (no I/O): scripts/bench.ts gathers, this formats.
 */
import type { MemoryTrace, ModelBenchResult } from '../../src/automation/model/api';
import type { ImportReport } from './import';
import type { PageEnvironment } from './model';
import { MODEL_HEADERS, modelRow } from './model';
import { cropBytesPerFrame, formatLabel, type PreprocessReport } from './preprocess';
import { type Cell, type GrowthCheck, fixed, grouped, markdownTable, mib } from './report';

/** What a section produced, or why it failed; with its wall time and the load after it. */
export type SectionResult<T> =
  | { ok: true; value: T; seconds: number; load: number }
  | { ok: false; error: string; seconds: number; load: number };

export interface InferenceRow {
  backend: string;
  config: 'full' | 'tiny';
  inputSize: number;
  frames: number;
  /** Null when skipped; then `skipped` says why. */
  warmupMs: number | null;
  ms: number[];
  skipped?: string;
}

export interface MemoryResult {
  trace: MemoryTrace;
  check: GrowthCheck;
  /** Why this backend: e.g. 'fastest tiny training step in the model section'. */
  why: string;
}

export interface ModelSection {
  results: ModelBenchResult[];
  fullFrames: number;
  /** Backends whose full-size training step was not timed, and why. */
  fullTrainSkipped: Record<string, string>;
}

export interface BenchData {
  /** ISO date-time (UTC) when the run started. */
  started: string;
  totalSec: number;
  command: string;
  machine: { cpu: string; cores: number; ramGiB: number; os: string; node: string };
  loadStart: readonly number[];
  loadEnd: readonly number[];
  browser: string | null;
  env: PageEnvironment | null;
  gpuFlags: boolean;
  model?: SectionResult<ModelSection>;
  memory?: SectionResult<MemoryResult>;
  inference?: SectionResult<InferenceRow[]>;
  preprocess?: SectionResult<PreprocessReport>;
  /** 'preprocess' when the storage numbers come from the preprocess section's run. */
  storage?: SectionResult<PreprocessReport>;
  import?: SectionResult<ImportReport>;
}

const loads = (l: readonly number[]): string => l.map((v) => v.toFixed(2)).join(' / ');

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? null) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

function sectionNote<T>(r: SectionResult<T>): string {
  return `(${r.seconds.toFixed(0)} s; load average (1 min) after it: ${r.load.toFixed(2)})`;
}

function failed<T>(title: string, r: SectionResult<T> | undefined): string | null {
  if (r === undefined) return `### ${title}\n\nNot run (not selected with \`--only\`).`;
  if (!r.ok) return `### ${title}\n\n**FAILED** ${sectionNote(r)}: ${r.error}`;
  return null;
}

function environment(d: BenchData): string {
  const a = d.env?.adapter;
  const gpu = a?.webgpu;
  const w = d.env?.wasm;
  const rows: Cell[][] = [
    ['date (UTC)', d.started],
    ['command', `\`${d.command}\``],
    ['total time', `${(d.totalSec / 60).toFixed(1)} min`],
    [
      'machine',
      `${d.machine.cpu}, ${d.machine.cores} logical cores, ${d.machine.ramGiB.toFixed(0)} GiB RAM; ${d.machine.os}; Node ${d.machine.node}`,
    ],
    ['load average (1/5/15 min) at start / end', `${loads(d.loadStart)}; ${loads(d.loadEnd)}`],
    [
      'browser',
      d.browser ? `Chromium ${d.browser} headless${d.gpuFlags ? ' (--gpu flags)' : ''}` : '-',
    ],
    ['page hardwareConcurrency', a ? String(a.hardwareConcurrency) : '-'],
    [
      'WebGPU adapter',
      gpu
        ? `vendor \`${gpu.vendor}\`, architecture \`${gpu.architecture}\`, description \`${gpu.description || '(empty)'}\`, isFallbackAdapter ${String(gpu.isFallback)}`
        : a
          ? 'none (navigator.gpu.requestAdapter() gave null)'
          : '-',
    ],
    ['WebGL renderer', a?.webglRenderer ?? '-'],
    ['backends available', d.env ? d.env.available.join(', ') : '-'],
    [
      'WASM',
      w
        ? `${w.threads} XNNPACK thread(s), SIMD ${String(w.simd)}, cross-origin isolated ${String(w.crossOriginIsolated)}`
        : '-',
    ],
  ];
  return markdownTable(['', ''], rows);
}

function modelSection(d: BenchData): string {
  const f = failed('Model: forward and training step per backend', d.model);
  if (f) return f;
  if (!d.model?.ok) return '';
  const m = d.model.value;
  const full = m.results.filter((r) => r.config === 'full');
  const throughput = full.map((r): Cell[] =>
    r.trainMsPerClip === null
      ? [
          r.backend,
          `1 x ${r.frames}`,
          null,
          null,
          `not run: ${m.fullTrainSkipped[r.backend] ?? 'not selected'} (forward alone ${grouped(r.forwardMsPerClip)} ms/clip)`,
        ]
      : [
          r.backend,
          `1 x ${r.frames}`,
          fixed(r.trainFramesPerSec, 3),
          grouped(r.trainMsPerClip),
          `peak ${mib(r.peakBytesTrain, 0)} MiB`,
        ],
  );
  return [
    `### Model: forward and training step per backend ${sectionNote(d.model)}`,
    '',
    'As `npm run bench:model` (see "Model" below for what each column means): tiny = 32 px, ' +
      `widths / 16, 2 clips x 4 frames, 2 timed runs; full = the shipped model, 1 clip x ${m.fullFrames} frames, 2 timed runs (the mean; the first, profiled step is a warm-up).`,
    '',
    markdownTable(MODEL_HEADERS, m.results.map(modelRow)),
    '',
    '**Full-size training throughput** (Adam step on the shipped model):',
    '',
    markdownTable(
      ['backend', 'clips x frames', 'train frames/s', 'train ms/clip', 'note'],
      throughput,
    ),
  ].join('\n');
}

function memorySection(d: BenchData): string {
  const f = failed('Tensors and memory over training steps', d.memory);
  if (f) return f;
  if (!d.memory?.ok) return '';
  const { trace: t, check: c, why } = d.memory.value;
  const steps = t.numTensors.length - 1;
  return [
    `### Tensors and memory over ${steps} training steps ${sectionNote(d.memory)}`,
    '',
    `Tiny preset model (${t.inputSize} px, ${t.clips} clips x ${t.frames} frames, Adam) on **${t.backend}** (${why}); ` +
      '`tf.memory()` after a warm-up step (first) and after each later step. Growth fails the bench (exit code 1).',
    '',
    markdownTable(
      [
        'backend',
        'steps',
        'numTensors first / last (max)',
        'numBytes first / last (max)',
        'ms/step',
        'loss first -> last',
        'result',
      ],
      [
        [
          t.backend,
          steps,
          `${c.firstTensors} / ${c.lastTensors} (${c.maxTensors})`,
          `${grouped(c.firstBytes)} / ${grouped(c.lastBytes)} (${grouped(c.maxBytes)})`,
          fixed(t.ms / (steps + 1), 0),
          `${fixed(t.losses[0], 3)} -> ${fixed(t.losses[t.losses.length - 1], 3)}`,
          c.grew ? `**${c.message}**` : c.message,
        ],
      ],
    ),
  ].join('\n');
}

function inferenceSection(d: BenchData): string {
  const f = failed('Clip inference latency', d.inference);
  if (f) return f;
  if (!d.inference?.ok) return '';
  const rows = d.inference.value.map((r): Cell[] => {
    const med = median(r.ms);
    return r.skipped !== undefined
      ? [
          r.backend,
          r.config,
          r.inputSize,
          r.frames,
          null,
          null,
          null,
          null,
          `skipped: ${r.skipped}`,
        ]
      : [
          r.backend,
          r.config,
          r.inputSize,
          r.frames,
          fixed(r.warmupMs, 0),
          fixed(med, 0),
          fixed(r.ms.length ? Math.min(...r.ms) : null, 0),
          med === null ? null : fixed((1000 * r.frames) / med, 2),
          `${r.ms.length} timed run(s)`,
        ];
  });
  return [
    `### Clip inference latency ${sectionNote(d.inference)}`,
    '',
    "One clip (batch 1) of the preset's frames per clip through the model, logits read back " +
      '(`window.__ferModel.clipLatency`): full = the shipped model (224 px, 8 frames), tiny = the tiny ' +
      'preset (48 px, 4 frames). The warm-up run includes shader compilation; a run whose estimate ' +
      "(from the model section's full-size forward) exceeds the cap is skipped.",
    '',
    markdownTable(
      [
        'backend',
        'config',
        'input',
        'frames',
        'warm-up ms',
        'median ms',
        'min ms',
        'frames/s',
        'note',
      ],
      rows,
    ),
  ].join('\n');
}

function preprocessSection(d: BenchData): string {
  const f = failed('Preprocessing', d.preprocess);
  if (f) return f;
  if (!d.preprocess?.ok) return '';
  const r = d.preprocess.value;
  const pct = (a: number | null, b: number | null): string =>
    a === null || b === null ? '-' : `${((100 * a) / b).toFixed(0)}%`;
  return [
    `### Preprocessing ${sectionNote(d.preprocess)}`,
    '',
    `As \`npm run bench:preprocess\` ("Preprocessing" below): ${r.clips} copies of the 640x360 4 s clip, ` +
      `${r.sampled} frames sampled, ${r.kept} kept, ${formatLabel(r.format)} crops; canvas-warp landmark error ${r.warpErrorPx.toFixed(2)} px.`,
    '',
    markdownTable(
      [
        'workers',
        'full frames/s',
        'models-only frames/s',
        'frames/s ratio',
        'CPU ms/frame full / models-only',
        'CPU ratio',
        'load (1 min)',
        'worker ms/frame: decode / detect / crop+CLAHE / encode',
      ],
      r.rows.map((row) => [
        row.workers,
        fixed(row.full, 2),
        fixed(row.models, 2),
        pct(row.full, row.models),
        `${fixed(row.fullCpu, 0)} / ${fixed(row.modelsCpu, 0)}`,
        pct(row.modelsCpu, row.fullCpu),
        fixed(row.load, 2),
        [row.stages.decodeMs, row.stages.detectMs, row.stages.cropMs, row.stages.encodeMs]
          .map((ms) => ms.toFixed(0))
          .join(' / '),
      ]),
    ),
  ].join('\n');
}

function storageSection(d: BenchData): string {
  const f = failed('Storage per frame', d.storage);
  if (f) return f;
  if (!d.storage?.ok) return '';
  const r = d.storage.value;
  const last = r.rows[r.rows.length - 1];
  const rows: Cell[][] = [];
  if (r.crops) {
    const b = cropBytesPerFrame(r.crops);
    rows.push([
      `crops (${formatLabel(r.format)}, 224 px), sum of the stored Blobs`,
      grouped(b.total),
      grouped(b.face),
      grouped(b.eyes),
      grouped(b.mouth),
      r.crops.frames,
    ]);
  }
  rows.push([
    'IndexedDB usage growth (`navigator.storage.estimate()`) over the last preprocessing run',
    grouped(last?.usageBytesPerFrame ?? null),
    null,
    null,
    null,
    r.sampled,
  ]);
  return [
    `### Storage per frame ${sectionNote(d.storage)}`,
    '',
    'Bytes per stored preprocessed frame (face, eyes and mouth crops) from the preprocessing run; the ' +
      "usage growth also counts the frame records (landmarks, boxes) and the database's own overhead.",
    '',
    markdownTable(['measure', 'bytes/frame', 'face', 'eyes', 'mouth', 'frames'], rows),
  ].join('\n');
}

function importSection(d: BenchData): string {
  const f = failed('Import', d.import);
  if (f) return f;
  if (!d.import?.ok) return '';
  const r = d.import.value;
  const mb = r.bytes / 1e6;
  const rate = (sec: number): Cell[] => [
    fixed(sec, 2),
    fixed(r.files / sec, 1),
    fixed(mb / sec, 1),
  ];
  return [
    `### Import ${sectionNote(d.import)}`,
    '',
    `As \`npm run bench:import\` ("Import" below): \`${r.folder}\`, ${r.files} files, ${mb.toFixed(1)} MB, ` +
      `${r.durationSec.toFixed(0)} s of video; ${r.status}, ${r.storedItems} items stored; JS heap before / peak / after ` +
      `${(r.heapBefore / 1e6).toFixed(1)} / ${(r.heapPeak / 1e6).toFixed(1)} / ${(r.heapAfter / 1e6).toFixed(1)} MB.`,
    '',
    markdownTable(
      ['phase', 's', 'files/s', 'MB/s'],
      [
        ['plan + probe', ...rate(r.planSec)],
        ['store (IndexedDB)', ...rate(r.storeSec)],
        ['whole import', ...rate(r.planSec + r.storeSec)],
      ],
    ),
  ].join('\n');
}

/** The Markdown that goes between the markers of docs/benchmarks.md. */
export function renderReport(d: BenchData): string {
  return [
    '## Latest `npm run bench` report',
    '',
    '_Generated by `npm run bench` (scripts/bench.ts); do not edit by hand: rerun it. The ' +
      'load average is part of every number: on a shared machine they are pessimistic._',
    '',
    environment(d),
    '',
    modelSection(d),
    '',
    memorySection(d),
    '',
    inferenceSection(d),
    '',
    storageSection(d),
    '',
    preprocessSection(d),
    '',
    importSection(d),
  ].join('\n');
}
