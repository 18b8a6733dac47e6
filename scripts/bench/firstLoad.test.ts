import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BEFORE_REF,
  firstLoadTable,
  median,
  parseFirstLoadArgs,
  probeScript,
  runOrder,
  type LoadSample,
} from './firstLoad';

describe('parseFirstLoadArgs', () => {
  it('defaults to the commit before the split and 5 loads per build', () => {
    expect(parseFirstLoadArgs([])).toEqual({
      before: DEFAULT_BEFORE_REF,
      runs: 5,
      timeoutMs: 120_000,
    });
    expect(parseFirstLoadArgs(['--before', 'main', '--runs', '3']).before).toBe('main');
    expect(parseFirstLoadArgs(['--runs', '3']).runs).toBe(3);
  });

  it('refuses a run count that is not a positive integer', () => {
    expect(() => parseFirstLoadArgs(['--runs', '0'])).toThrow('--runs must be an integer >= 1');
    expect(() => parseFirstLoadArgs(['--runs', '2.5'])).toThrow('--runs');
  });
});

describe('runOrder', () => {
  it('alternates the builds and which goes first in each pair', () => {
    expect(runOrder(3)).toEqual(['before', 'after', 'after', 'before', 'before', 'after']);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('probeScript', () => {
  it('is plain JavaScript that parses', () => {
    expect(() => new Script(probeScript())).not.toThrow();
  });
});

const sample = (build: 'before' | 'after', ms: number, bytes: number): LoadSample => ({
  build,
  firstPaint: ms,
  firstContentfulPaint: ms,
  interactive: ms * 2,
  backendReady: ms * 3,
  jsBytesInteractive: bytes,
  jsBytesTotal: bytes * 2,
});

describe('firstLoadTable', () => {
  it('shows the medians of each build and their ratio', () => {
    const table = firstLoadTable(
      [
        sample('before', 1000, 2 ** 20),
        sample('before', 3000, 2 ** 20),
        sample('before', 2000, 2 ** 20),
        sample('after', 500, 2 ** 19),
        sample('after', 400, 2 ** 19),
      ],
      'aaa',
      'bbb',
    );
    const lines = table.split('\n');
    expect(lines[0]).toBe('| Median | Before (aaa, n=3) | After (bbb, n=2) | After / before |');
    expect(lines).toContain('| First paint | 2000 ms | 450 ms | 0.23× |');
    expect(lines).toContain('| JS transferred until interactive | 1.00 MiB | 0.50 MiB | 0.50× |');
  });
});
