import { describe, expect, it } from 'vitest';
import { formatHash, intParam, parseHash } from './navigation';

describe('the tab and its selections in the URL hash', () => {
  it('reads the tab and the selections, and falls back to Data', () => {
    expect(parseHash('#train?run=run-a')).toEqual({ view: 'train', params: { run: 'run-a' } });
    expect(parseHash('#compare')).toEqual({ view: 'compare', params: {} });
    expect(parseHash('')).toEqual({ view: 'data', params: {} });
    expect(parseHash('#nonsense?run=x')).toEqual({ view: 'data', params: { run: 'x' } });
  });

  it('writes what it reads', () => {
    expect(formatHash({ view: 'train', params: {} })).toBe('#train');
    const s = { view: 'results' as const, params: { run: 'run a&b', phase: '2' } };
    expect(formatHash(s)).toBe('#results?phase=2&run=run+a%26b');
    expect(parseHash(formatHash(s))).toEqual(s);
  });

  it('reads a whole-number selection (a phase), else none', () => {
    expect(intParam({ phase: '1' }, 'phase')).toBe(1);
    expect(intParam({ phase: '0' }, 'phase')).toBe(0);
    expect(intParam({ phase: '-1' }, 'phase')).toBeNull();
    expect(intParam({ phase: 'x' }, 'phase')).toBeNull();
    expect(intParam({}, 'phase')).toBeNull();
  });
});
