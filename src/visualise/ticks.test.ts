import { describe, expect, it } from 'vitest';
import {
  categoryLayout,
  decimalsFor,
  formatTick,
  formatValue,
  logTicks,
  niceScale,
  niceStep,
  niceTicks,
  paddedDomain,
} from './ticks';

/** A tick is nice when it is a whole multiple of 1, 2, 2.5 or 5 x 10^k of its step. */
function isNiceStep(step: number): boolean {
  const m = step / 10 ** Math.floor(Math.log10(step));
  return [1, 2, 2.5, 5, 10].some((x) => Math.abs(m - x) < 1e-9);
}

describe('nice ticks', () => {
  it('steps are 1, 2, 2.5 or 5 x 10^k', () => {
    for (const span of [0.0016188, 0.37, 1, 2.975916792, 13, 480, 1e6])
      expect(isNiceStep(niceStep(span, 5)), String(span)).toBe(true);
    expect(niceStep(1, 5)).toBe(0.2);
    expect(niceStep(1, 4)).toBe(0.25);
    expect(niceStep(1, 4, true)).toBe(1);
    expect(niceStep(10, 4, true)).toBe(5);
  });

  it('covers the data with ticks whose labels are short (no "0.0016188")', () => {
    const s = niceTicks(0.0016188, 2.975916792);
    expect(s.domain[0]).toBeLessThanOrEqual(0.0016188);
    expect(s.domain[1]).toBeGreaterThanOrEqual(2.975916792);
    expect(s.ticks).toEqual([0, 1, 2, 3]);
    const labels = s.ticks.map((t) => formatTick(t, 'none', s.step));
    expect(labels).toEqual(['0', '1', '2', '3']);
    const fine = niceTicks(0.0016188, 2.975916792, { count: 6 });
    expect(fine.ticks.map((t) => formatTick(t, 'none', fine.step))).toEqual([
      '0.0',
      '0.5',
      '1.0',
      '1.5',
      '2.0',
      '2.5',
      '3.0',
    ]);
    for (const l of labels) expect(l.length).toBeLessThanOrEqual(4);
  });

  it('has no float noise', () => {
    const s = niceTicks(0.1, 0.7, { count: 6 });
    expect(s.ticks).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(niceTicks(0, 0.003, { count: 6 }).ticks).toContain(0.0015);
  });

  it('widens a single value', () => {
    const s = niceTicks(0.5, 0.5);
    expect(s.domain[0]).toBeLessThan(0.5);
    expect(s.domain[1]).toBeGreaterThan(0.5);
  });

  it('decimals follow the step', () => {
    expect(decimalsFor(0.25)).toBe(2);
    expect(decimalsFor(5)).toBe(0);
    expect(decimalsFor(2e-4)).toBe(4);
  });
});

describe('log ticks', () => {
  it('are 1, 2, 5 per decade and cover the data', () => {
    const s = logTicks(0.0516188, 2.975916792);
    expect(s.domain[0]).toBeLessThanOrEqual(0.0516188);
    expect(s.domain[1]).toBeGreaterThanOrEqual(2.975916792);
    expect(s.ticks).toEqual([0.05, 0.1, 0.2, 0.5, 1, 2, 5]);
    expect(s.ticks.map((t) => formatTick(t))).toEqual(['0.05', '0.1', '0.2', '0.5', '1', '2', '5']);
  });

  it('keep to one tick per decade over many decades', () => {
    const s = logTicks(0.0016188, 30);
    expect(s.ticks).toEqual([0.001, 0.01, 0.1, 1, 10, 100]);
    expect(s.domain).toEqual([0.001, 100]);
  });
});

describe('padded domains', () => {
  it('pad both ends by a fraction of the span and respect limits', () => {
    const [lo, hi] = paddedDomain([0.2, 0.6]);
    expect(lo).toBeCloseTo(0.18, 12);
    expect(hi).toBeCloseTo(0.62, 12);
    const acc = paddedDomain([0, 1], { min: 0, max: 1 });
    expect(acc).toEqual([0, 1]);
    expect(paddedDomain([2, 4], { includeZero: true })[0]).toBe(0);
  });

  it('on a log scale pad by a factor, so the end points sit inside the plot', () => {
    const [lo, hi] = paddedDomain([0.01, 10], { log: true, pad: 0.1 });
    expect(lo).toBeLessThan(0.01);
    expect(hi).toBeGreaterThan(10);
    expect(lo).toBeGreaterThan(0);
  });

  it('a nice scale of accuracies stays within 0..100% and keeps its ends off the data', () => {
    const s = niceScale([0.42, 0.58], { min: 0, max: 1 });
    expect(s.domain[0]).toBeLessThan(0.42);
    expect(s.domain[1]).toBeGreaterThan(0.58);
    expect(s.ticks.map((t) => formatTick(t, 'percent', s.step))).toEqual([
      '40%',
      '45%',
      '50%',
      '55%',
      '60%',
    ]);
    // A 100% point is not cut by the plot's edge: the domain reaches past it, ticks do not.
    const full = niceScale([0.4, 1], { min: 0, max: 1 });
    expect(full.domain[1]).toBeGreaterThan(1);
    expect(Math.max(...full.ticks)).toBe(1);
    // Bars start at their 0 base line.
    expect(niceScale([0, 3, 9], { includeZero: true }, { integer: true }).domain[0]).toBe(0);
  });

  it('the learning rate (cosine schedule down to 0) gets a domain that holds every value', () => {
    const lrs = [0.003, 0.0029, 0.0015, 0.0001, 0];
    const s = niceScale(lrs, { includeZero: true });
    expect(s.domain[0]).toBeLessThanOrEqual(0);
    expect(s.domain[1]).toBeGreaterThanOrEqual(0.003);
    expect(s.ticks.map((t) => formatTick(t, 'lr', s.step))).toEqual([
      '0',
      '1e-3',
      '2e-3',
      '3e-3',
      '4e-3',
    ]);
  });
});

describe('formatting with units', () => {
  it('writes units for people', () => {
    expect(formatValue(2.975916792, 'gflops')).toBe('2.98 GFLOPs');
    expect(formatValue(25.16, 'mparams')).toBe('25.2 M parameters');
    expect(formatValue(0.5249, 'percent')).toBe('52.5%');
    expect(formatTick(0.125, 'percent', 0.025)).toBe('12.5%');
  });
});

describe('category labels', () => {
  const classes = ['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise'];

  it('seven class names in a narrow chart are rotated, not dropped', () => {
    const l = categoryLayout(classes, 300);
    expect(l.angle).toBeLessThan(0);
    expect(l.textAnchor).toBe('end');
    expect(l.height).toBeGreaterThan(30);
  });

  it('short labels with room stay horizontal', () => {
    expect(categoryLayout(['0', '1', '2'], 300).angle).toBe(0);
  });
});
