import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, problemLines, table } from './format';

describe('format', () => {
  it('formats sizes and durations for people', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_234_567)).toBe('1.23 MB');
    expect(formatBytes(45_600_000_000)).toBe('45.6 GB');
    expect(formatBytes(null)).toBe('-');
    expect(formatDuration(null)).toBe('-');
    expect(formatDuration(2.5)).toBe('2.5 s');
    expect(formatDuration(125)).toBe('2 min 05 s');
    expect(formatDuration(7380)).toBe('2 h 03 min');
  });

  it('aligns text left and numbers right', () => {
    expect(
      table(
        ['name', 'items'],
        [
          ['a', '5'],
          ['bbb', '120'],
        ],
      ),
    ).toBe(['name  items', 'a         5', 'bbb     120'].join('\n'));
  });

  it('caps the problem list and says how many it left out', () => {
    const problems = Array.from({ length: 25 }, (_, i) => ({
      path: `f${i}`,
      code: 'corrupt',
      message: 'bad',
    }));
    const lines = problemLines(problems, 20);
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe('f0: corrupt: bad');
    expect(lines[20]).toMatch(/5 more/);
  });
});
