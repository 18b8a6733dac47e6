import { describe, expect, it } from 'vitest';
import {
  estimateMs,
  type GpuBenchReport,
  parseBatches,
  parseGpuBenchArgs,
  parseTorchLines,
  renderGpuBenchMarkdown,
  sectionAllowanceMs,
  topKernels,
} from './report';

describe('parseGpuBenchArgs', () => {
  it("defaults to the issue's batches at full size, PyTorch on CUDA", () => {
    const p = parseGpuBenchArgs(['node', 'bench.mjs']);
    expect(p.config).toBe('full');
    expect(p.batches.map((b) => `${b.clips}x${b.frames}`)).toEqual(['1x8', '2x8', '4x16', '8x16']);
    expect(p.profileBatch).toEqual({ clips: 2, frames: 8 });
    expect(p).toMatchObject({ clipFrames: 16, budgetS: 420, torchDevice: 'cuda', kernels: 'auto' });
  });
  it('takes --kernels, to measure the stock and the fused kernels in two runs', () => {
    expect(parseGpuBenchArgs(['--kernels', 'tfjs']).kernels).toBe('tfjs');
    expect(parseGpuBenchArgs(['--kernels', 'fused']).kernels).toBe('fused');
    expect(() => parseGpuBenchArgs(['--kernels', 'fast'])).toThrow(/auto, tfjs or fused/);
  });
  it('takes --tiny or FER_GPU_TINY=1, --batches, --no-torch', () => {
    expect(parseGpuBenchArgs(['--tiny']).config).toBe('tiny');
    expect(parseGpuBenchArgs([], { FER_GPU_TINY: '1' }).config).toBe('tiny');
    const p = parseGpuBenchArgs(['--batches', '3x4', '--no-torch', '--budget-s', '60']);
    expect(p.batches).toEqual([{ clips: 3, frames: 4 }]);
    expect(p.profileBatch).toEqual({ clips: 3, frames: 4 });
    expect(p.torchScript).toBeNull();
    expect(p.budgetS).toBe(60);
  });
  it('names a bad batch or number', () => {
    expect(() => parseBatches('2x')).toThrow('--batches: "2x" is not CLIPSxFRAMES (e.g. 2x8)');
    expect(() => parseGpuBenchArgs(['--reps', '-1'])).toThrow('--reps must be a positive number');
  });
});

describe('the time budget', () => {
  it("gives a section what is left minus the later sections' shares", () => {
    // 100 s: PyTorch 20 %, train 50 %, clip 10 %, profile 20 %.
    expect(sectionAllowanceMs('torch', 100_000, 0)).toBeCloseTo(20_000);
    // PyTorch finished after 5 s: train may use its share and PyTorch's leftover.
    expect(sectionAllowanceMs('webgpu-train', 100_000, 5_000)).toBeCloseTo(65_000);
    expect(sectionAllowanceMs('webgpu-profile', 100_000, 90_000)).toBeCloseTo(10_000);
    expect(sectionAllowanceMs('webgpu-clip', 100_000, 95_000)).toBe(0);
  });
  it('estimates a batch from a smaller one by frames', () => {
    expect(estimateMs({ frames: 8, ms: 1000 }, { clips: 4, frames: 16 })).toBe(8000);
  });
});

describe('parseTorchLines', () => {
  it('reads the JSON lines, skipping other output and a line cut off', () => {
    const out = 'warning\n{"clips": 1, "framesPerClip": 8, "trainMs": 12.5}\n{"clips": 2, "fra';
    expect(parseTorchLines(out)).toEqual([{ clips: 1, framesPerClip: 8, trainMs: 12.5 }]);
  });
});

describe('topKernels', () => {
  it('sums by name, slowest first, the top n', () => {
    const k = [
      { name: 'Conv2D', kernelTimeMs: 2 },
      { name: 'Add', kernelTimeMs: 1 },
      { name: 'Conv2D', kernelTimeMs: 3 },
      { name: 'Relu', kernelTimeMs: 0.5 },
    ];
    expect(topKernels(k, 2)).toEqual([
      { name: 'Conv2D', calls: 2, ms: 5 },
      { name: 'Add', calls: 1, ms: 1 },
    ]);
  });
  it('sorts by calls when the device gave no times', () => {
    const b = { name: 'B', kernelTimeMs: 0 };
    const k = [{ name: 'A', kernelTimeMs: 0 }, b, b, b];
    expect(topKernels(k).map((x) => x.name)).toEqual(['B', 'A']);
  });
});

describe('renderGpuBenchMarkdown', () => {
  const report: GpuBenchReport = {
    config: 'full',
    kernels: 'tfjs',
    inputSize: 224,
    node: 'v20.20.2',
    build: 'commit abc1234, built 2026-12-07T15:00:00Z',
    machine: '16 CPUs, 128 GiB memory',
    startedAt: '2026-12-07T16:00:00Z',
    adapter: null,
    adapterError: 'No WebGPU adapter: Dawn found no usable Vulkan driver.',
    features: [],
    train: [
      {
        clips: 2,
        frames: 8,
        webgpuMs: 400,
        warmupMs: 3000,
        peakBytes: 3 * 2 ** 30,
        gpuBytesAllocated: 4 * 2 ** 30,
        torchMs: 100,
        torchPeakBytes: 2 ** 30,
        error: null,
        torchError: null,
      },
    ],
    clip: {
      frames: 16,
      warmupMs: 900,
      medianMs: 20,
      torchMs: 5,
      error: null,
      torchError: null,
    },
    profile: null,
    torch: { device: 'cuda', gpu: 'NVIDIA H100', version: '2.4.0', error: null },
    sections: [{ name: 'torch', seconds: 20, allowanceS: 100, error: null }],
    totalS: 30,
  };
  it('has the frames/s and the WebGPU / PyTorch ratio in one row', () => {
    const md = renderGpuBenchMarkdown(report);
    expect(md).toContain(
      '30 s in all; 16 CPUs, 128 GiB memory; package commit abc1234, built 2026-12-07T15:00:00Z.',
    );
    expect(md).toContain('No WebGPU adapter: Dawn found no usable Vulkan driver.');
    expect(md).toContain('PyTorch 2.4.0 on cuda (NVIDIA H100), fp32 (TF32 off).');
    expect(md).toContain(
      '| 2 x 8 | 400 | 40.0 | 3000 | 3072 | 4096 | 100.0 | 160.0 | 1024 | 0.250 |  |',
    );
    expect(md).toContain('| torch | 20 | 100 |  |');
    expect(md).toContain('| 20.0 | 900 | 800.0 | 5.00 | 0.250 |  |');
  });
});

describe('the report header without PyTorch', () => {
  it('says PyTorch was left out (--no-torch), not "PyTorch ? on cuda"', async () => {
    const { emptyReport } = await import('./bench');
    const md = renderGpuBenchMarkdown(emptyReport(parseGpuBenchArgs(['--tiny', '--no-torch'])));
    expect(md).toContain('PyTorch: left out (--no-torch).');
    expect(md).not.toContain('PyTorch ? on');
  });
});
