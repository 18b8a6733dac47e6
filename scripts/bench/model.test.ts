import { describe, expect, it } from 'vitest';
import { ratioRoundRows, relativeTrainRows, type RatioRound } from './model';
import type { ModelBenchResult } from '../../src/automation/model/api';

const round = (n: number, ms: number, torchMs: number): RatioRound => ({
  round: n,
  backend: 'wasm',
  trainMsPerClip: ms,
  torchMsPerClip: torchMs,
  torchThreads: 2,
});

describe('ratioRoundRows', () => {
  it('gives each round its ratio, then the median and the worst', () => {
    const rows = ratioRoundRows([round(1, 3000, 1500), round(2, 4500, 1500), round(3, 2000, 1000)]);
    expect(rows.map((r) => r[3])).toEqual(['2.00', '3.00', '2.00', '2.00', '3.00']);
    expect(rows[1]).toEqual(['2', '4500', '1500 (2)', '3.00']);
    expect(rows[3]?.[0]).toBe('median');
    expect(rows[4]?.[0]).toBe('worst');
  });

  it('averages the middle two for an even count', () => {
    const rows = ratioRoundRows([round(1, 1000, 1000), round(2, 4000, 1000)]);
    expect(rows.at(-2)).toEqual(['median', '', '', '2.50']);
    expect(rows.at(-1)).toEqual(['worst', '', '', '4.00']);
  });

  it('has no summary rows without rounds', () => {
    expect(ratioRoundRows([])).toEqual([]);
  });
});

describe('relativeTrainRows', () => {
  it('sorts each config by time and divides by its fastest, PyTorch included', () => {
    const result = (backend: string, config: 'tiny' | 'full', ms: number | null) =>
      ({ backend, config, trainMsPerClip: ms }) as ModelBenchResult;
    const rows = relativeTrainRows(
      [result('webgl', 'full', 9000), result('wasm', 'full', 3000), result('cpu', 'full', null)],
      [{ config: 'full', trainMsPerClip: 1500, threads: 2 }],
    );
    expect(rows).toEqual([
      ['full', 'pytorch cpu (2 threads)', '1500', '1.00'],
      ['full', 'wasm', '3000', '2.00'],
      ['full', 'webgl', '9000', '6.00'],
    ]);
  });
});
