import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { block, check, int, num, oneOf, pathText } from './fields';

describe('config schema fields', () => {
  it('parses without compiling code: the CSP forbids eval', () => {
    expect(z.config().jitless).toBe(true);
  });

  it('names the field of every problem, with what it expects and what it got', () => {
    const s = block({
      epochs: int('an integer ≥ 1', { min: 1 }),
      rate: z.optional(num('a number in (0, 1)', { gt: 0, lt: 1 })),
      mode: z.optional(oneOf(['hard', 'soft'])),
      runs: z.optional(z.array(block({ name: z.string() }))),
    });
    const r = check(s, { epochs: 0, rate: 1, mode: 'x', runs: [{ name: 'a' }, { nam: 'b' }] }, [
      'train',
    ]);
    expect(r.ok ? [] : r.problems).toEqual([
      'train.epochs must be an integer ≥ 1, got 0',
      'train.rate must be a number in (0, 1), got 1',
      "train.mode must be 'hard' or 'soft', got \"x\"",
      'train.runs[1].name is missing',
      'train.runs[1].nam is not a known field',
    ]);
    const wrongType = check(s, { epochs: '3' });
    expect(wrongType.ok ? [] : wrongType.problems).toEqual([
      'epochs must be an integer ≥ 1, got "3"',
    ]);
    expect(check(s, { epochs: 3 })).toEqual({ ok: true, value: { epochs: 3 } });
  });

  it('writes paths as code would', () => {
    expect(pathText(['runs', 2, 'train', 'optim'])).toBe('runs[2].train.optim');
    expect(pathText([])).toBe('');
  });
});
