import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError, EXIT, defaultProfileDir, parseCli } from './args';

function usage(argv: string[]): string {
  try {
    parseCli(argv, {}, '/work');
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(EXIT.usage);
    return (e as CliError).message;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseCli', () => {
  it('parses ingest with its options and resolves the profile', () => {
    const p = parseCli(
      ['ingest', 'a', 'b.csv', '--layout', 'afew', '--name', ' AFEW ', '--json', '--profile', 'p'],
      {},
      '/work',
    );
    expect(p).toMatchObject({
      command: 'ingest',
      global: { profile: '/work/p', json: true, build: 'auto', backend: null, gpu: false },
      ingest: { paths: ['a', 'b.csv'], layout: 'afew', name: 'AFEW', dryRun: false },
    });
  });

  it('experiment takes the demo overrides --seed, --counts and --faces', () => {
    const p = parseCli(
      ['experiment', 'e.json', '--out', 'o', '--seed', '7', '--counts', 'train=3', '--faces', 'f'],
      {},
      '/work',
    );
    expect(p).toMatchObject({
      command: 'experiment',
      experiment: {
        config: '/work/e.json',
        out: '/work/o',
        demo: { seed: 7, counts: { trainPerClass: 3 }, faces: 'f' },
      },
    });
    expect(usage(['experiment', 'e.json', '--out', 'o', '--seed', '-1'])).toMatch(/seed/);
    expect(usage(['datasets', '--seed', '2'])).toMatch(/'generate-demo' and 'experiment' only/);
  });

  it('takes --kernels auto|tfjs|fused on experiment, evaluate and predict (both runtimes)', () => {
    const exp = parseCli(['experiment', 'e.json', '--out', 'o', '--kernels', 'tfjs'], {}, '/work');
    expect(exp.command === 'experiment' && exp.global.kernels).toBe('tfjs');
    const node = parseCli(
      ['experiment', 'e.json', '--out', 'o', '--runtime', 'node-webgpu', '--frames', 'f'].concat([
        '--kernels',
        'fused',
      ]),
      {},
      '/work',
    );
    expect(node.command === 'experiment' && node.global.kernels).toBe('fused');
    const ev = parseCli(['evaluate', 'run', 'ds', '--kernels', 'auto'], {}, '/work');
    expect(ev.command === 'evaluate' && ev.global.kernels).toBe('auto');
    const pr = parseCli(['predict', 'run', 'a.mp4', '--kernels', 'tfjs'], {}, '/work');
    expect(pr.command === 'predict' && pr.global.kernels).toBe('tfjs');
    // Not given: the app's setting.
    const none = parseCli(['predict', 'run', 'a.mp4'], {}, '/work');
    expect(none.command === 'predict' && none.global.kernels).toBeNull();
  });

  it('refuses a --kernels value it does not know, naming the allowed ones, and on other commands', () => {
    expect(usage(['experiment', 'e.json', '--out', 'o', '--kernels', 'fast'])).toBe(
      "Unknown kernel mode (--kernels) 'fast'. Expected one of: auto, tfjs, fused.",
    );
    expect(usage(['datasets', '--kernels', 'tfjs'])).toBe(
      "--kernels is an option of 'experiment', 'evaluate' and 'predict' only.",
    );
  });

  it('defaults the profile to FER_PROFILE, else ~/.fer-workbench/profile', () => {
    expect(defaultProfileDir({})).toBe(path.join(os.homedir(), '.fer-workbench', 'profile'));
    expect(defaultProfileDir({ FER_PROFILE: '/data/prof' })).toBe('/data/prof');
    const p = parseCli(['datasets'], { FER_PROFILE: 'rel' }, '/work');
    expect(p.command === 'datasets' && p.global.profile).toBe('/work/rel');
  });

  it('takes --layout auto as "let the app detect"', () => {
    const p = parseCli(['ingest', 'x', '--layout', 'auto'], {}, '/work');
    expect(p.command === 'ingest' && p.ingest.layout).toBeNull();
  });

  it('parses the global switches', () => {
    const p = parseCli(
      [
        'datasets',
        '--gpu',
        '--backend',
        'webgl',
        '--build',
        '-v',
        '--dist',
        '/d',
        '--startup-timeout',
        '5',
      ],
      {},
      '/work',
    );
    expect(p).toMatchObject({
      command: 'datasets',
      global: {
        gpu: true,
        backend: 'webgl',
        build: 'always',
        verbose: true,
        dist: '/d',
        startupTimeoutSec: 5,
      },
    });
    const q = parseCli(['datasets', '--no-build'], {}, '/work');
    expect(q.command === 'datasets' && q.global.build).toBe('never');
  });

  it('answers help in several spellings', () => {
    expect(parseCli(['help'])).toEqual({ command: 'help', topic: null });
    expect(parseCli(['--help'])).toEqual({ command: 'help', topic: null });
    expect(parseCli(['help', 'ingest'])).toEqual({ command: 'help', topic: 'ingest' });
    expect(parseCli(['ingest', '-h'])).toEqual({ command: 'help', topic: 'ingest' });
  });

  it('explains usage errors', () => {
    expect(usage([])).toMatch(/No command/);
    expect(usage(['frob'])).toMatch(/Unknown command 'frob'/);
    expect(usage(['ingest'])).toMatch(/at least one path/);
    expect(usage(['ingest', 'x', '--layout', 'avi'])).toMatch(/Unknown layout 'avi'.*afew/);
    expect(usage(['ingest', 'x', '--name', ''])).toMatch(/--name must not be empty/);
    expect(usage(['datasets', '--backend', 'metal'])).toMatch(/Unknown backend 'metal'/);
    expect(usage(['datasets', '--layout', 'afew'])).toMatch(/option of 'ingest' only/);
    expect(usage(['datasets', 'extra'])).toMatch(/takes no arguments/);
    expect(usage(['runs', 'extra'])).toMatch(/runs takes no arguments \(got 'extra'\)/);
    expect(usage(['export', '--out', 'o'])).toMatch(/export takes one run/);
    expect(usage(['export', 'r'])).toMatch(/export needs --out DIR/);
    expect(usage(['export', 'r', '--out', 'o', '--phase', '-1'])).toMatch(/--phase/);
    expect(usage(['runs', '--phase', '1'])).toMatch(
      /--phase is an option of 'export', 'predict' and 'evaluate'/,
    );
    expect(usage(['predict', 'r'])).toMatch(/predict takes a run \(or a weights folder\)/);
    expect(usage(['predict', 'r', 'a.mp4', '--frames', '0'])).toMatch(/--frames/);
    expect(usage(['runs', '--frames', '2'])).toMatch(
      /--frames is an option of 'predict', 'evaluate' and 'experiment' only/,
    );
    const e = parseCli(['export', 'r', '--out', 'o', '--phase', '2'], {}, '/work');
    expect(e.command === 'export' && e.export).toEqual({ run: 'r', phase: 2, out: '/work/o' });
    expect(usage(['datasets', '--frob'])).toMatch(/frob/);
    expect(usage(['datasets', '--build', '--no-build'])).toMatch(/conflict/);
    expect(usage(['datasets', '--startup-timeout', 'soon'])).toMatch(/seconds/);
    expect(usage(['delete'])).toMatch(/dataset id/);
  });

  it('parses evaluate: a model, a dataset, the split and the weights options', () => {
    const e = parseCli(
      ['evaluate', 'r', 'AFEW', '--split', 'validation', '--phase', '1'],
      {},
      '/w',
    );
    expect(e.command === 'evaluate' && e.evaluate).toEqual({
      model: 'r',
      dataset: 'AFEW',
      phase: 1,
      frames: null,
      split: 'validation',
      classes: null,
    });
    const w = parseCli(
      ['evaluate', 'dir', 'd', '--classes', 'happy, sad', '--frames', '4'],
      {},
      '/w',
    );
    expect(w.command === 'evaluate' && w.evaluate).toMatchObject({
      split: null,
      classes: ['happy', 'sad'],
      frames: 4,
    });
    expect(usage(['evaluate', 'r'])).toMatch(/evaluate takes a run .* and a dataset/);
    expect(usage(['evaluate', 'r', 'd', 'e'])).toMatch(/evaluate takes a run/);
    expect(usage(['evaluate', 'r', 'd', '--split', 'val'])).toMatch(
      /Unknown split 'val'.*test, validation, train, all/,
    );
    expect(usage(['predict', 'r', 'a.mp4', '--split', 'test'])).toMatch(
      /--split is an option of 'evaluate' only/,
    );
  });

  it('parses preprocess with its settings into a partial app config', () => {
    const p = parseCli(
      [
        'preprocess',
        'AFEW train',
        '--fps',
        '12.5',
        '--max-frames',
        '32',
        '--illumination',
        'gamma',
        '--crop-size',
        '112',
        '--tiled-detection',
        'always',
        '--min-tile-score',
        '0.8',
        '--workers',
        '3',
        '--redo',
        'failed',
      ],
      {},
      '/work',
    );
    expect(p).toEqual({
      command: 'preprocess',
      global: expect.objectContaining({ json: false }) as unknown,
      preprocess: {
        dataset: 'AFEW train',
        config: {
          fps: 12.5,
          maxFramesPerVideo: 32,
          illumination: { method: 'gamma' },
          crop: { size: 112 },
          tiledDetection: 'always',
          minTileScore: 0.8,
        },
        workers: 3,
        redo: 'failed',
      },
    });
    const bare = parseCli(['preprocess', 'ds-1'], {}, '/work');
    expect(bare.command === 'preprocess' && bare.preprocess).toEqual({
      dataset: 'ds-1',
      config: {},
      workers: null,
      redo: 'changed',
    });
  });

  it('parses preprocess-media with its files and resolves --out', () => {
    const p = parseCli(
      ['preprocess-media', 'a.png', 'b.mp4', '--out', 'crops', '--json', '--crop-size', '64'],
      {},
      '/work',
    );
    expect(p.command === 'preprocess-media' && p.media).toEqual({
      files: ['a.png', 'b.mp4'],
      out: '/work/crops',
      config: { crop: { size: 64 } },
      workers: null,
    });
  });

  it('explains usage errors of the preprocessing commands', () => {
    expect(usage(['preprocess'])).toMatch(/needs a dataset/);
    expect(usage(['preprocess', 'a', 'b'])).toMatch(/takes one dataset, got 2/);
    expect(usage(['preprocess', ' '])).toMatch(/must not be empty/);
    expect(usage(['preprocess', 'a', '--fps', '0'])).toMatch(/--fps takes a number in \(0, 60\]/);
    expect(usage(['preprocess', 'a', '--fps', '61'])).toMatch(/--fps/);
    expect(usage(['preprocess', 'a', '--fps', ''])).toMatch(/--fps/);
    expect(usage(['preprocess', 'a', '--max-frames', '2.5'])).toMatch(/whole number/);
    expect(usage(['preprocess', 'a', '--crop-size', '4'])).toMatch(/--crop-size.*\[8, 1024\]/);
    expect(usage(['preprocess', 'a', '--workers', '0'])).toMatch(/--workers.*\[1, 16\]/);
    expect(usage(['preprocess', 'a', '--workers', 'all'])).toMatch(/--workers/);
    expect(usage(['preprocess', 'a', '--illumination', 'enlightengan'])).toMatch(
      /Unknown illumination method 'enlightengan'.*clahe, gamma, none/,
    );
    expect(usage(['preprocess', 'a', '--redo', 'some'])).toMatch(/Unknown redo mode/);
    expect(
      usage(['preprocess-media', 'a.png', '--out', 'o', '--tiled-detection', 'sometimes']),
    ).toMatch(/Unknown tiled-detection mode 'sometimes'.*auto, always, off/);
    expect(usage(['preprocess', 'a', '--min-tile-score', '1.5'])).toMatch(
      /--min-tile-score takes a number in \[0, 1\], got '1.5'/,
    );
    expect(usage(['runs', '--min-tile-score', '0.5'])).toMatch(
      /--min-tile-score is an option of 'preprocess' and 'preprocess-media' only/,
    );
    expect(usage(['preprocess', 'a', '--out', 'x'])).toMatch(
      /--out is an option of 'preprocess-media'/,
    );
    expect(usage(['preprocess-media', 'a.png'])).toMatch(/needs --out DIR/);
    expect(usage(['preprocess-media', '--out', 'x'])).toMatch(/at least one image or video/);
    expect(usage(['preprocess-media', 'a.png', '--out', 'x', '--redo', 'all'])).toMatch(
      /--redo is an option of 'preprocess' only/,
    );
    expect(usage(['datasets', '--fps', '5'])).toMatch(
      /option of 'preprocess' and 'preprocess-media'/,
    );
    expect(usage(['ingest', 'x', '--workers', '2'])).toMatch(/option of 'preprocess'/);
  });
});
