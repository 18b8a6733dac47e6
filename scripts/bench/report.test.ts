import { describe, expect, it } from 'vitest';
import { type BenchData, median, renderReport } from './render';
import {
  BENCH_BEGIN,
  BENCH_END,
  cellText,
  checkGrowth,
  fixed,
  grouped,
  markdownTable,
  parseOnly,
  replaceGenerated,
} from './report';

describe('markdownTable', () => {
  it('renders a header, a separator and the rows', () => {
    expect(
      markdownTable(
        ['a', 'b'],
        [
          [1, 'x'],
          ['y', null],
        ],
      ),
    ).toBe('| a | b |\n| --- | --- |\n| 1 | x |\n| y | - |');
  });

  it('pads short rows and drops extra cells', () => {
    expect(markdownTable(['a', 'b'], [[1], [1, 2, 3]])).toBe(
      '| a | b |\n| --- | --- |\n| 1 | - |\n| 1 | 2 |',
    );
  });

  it('escapes pipes and folds newlines so a cell cannot break the table', () => {
    expect(cellText('a|b\nc')).toBe('a\\|b c');
    expect(markdownTable(['h'], [['x|y']])).toContain('| x\\|y |');
  });

  it('formats numbers', () => {
    expect(fixed(1.234, 2)).toBe('1.23');
    expect(fixed(null)).toBe('-');
    expect(fixed(NaN)).toBe('-');
    expect(grouped(14373.4)).toBe('14,373');
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('replaceGenerated', () => {
  const doc = [
    '# Benchmarks',
    '',
    'Intro by hand.',
    '',
    BENCH_BEGIN,
    'old report',
    'more old',
    BENCH_END,
    '',
    '## Import',
    '',
    'Hand-written | table |',
    '',
  ].join('\n');

  it('replaces only the text between the markers', () => {
    const out = replaceGenerated(doc, 'new report\n');
    expect(out).toBe(doc.replace('old report\nmore old', 'new report'));
    expect(out.startsWith('# Benchmarks\n\nIntro by hand.\n\n')).toBe(true);
    expect(out.endsWith('\n## Import\n\nHand-written | table |\n')).toBe(true);
  });

  it('is idempotent for the same report', () => {
    const once = replaceGenerated(doc, 'r');
    expect(replaceGenerated(once, 'r')).toBe(once);
  });

  it('inserts the block before the first level-2 heading when there are no markers', () => {
    const plain = '# T\n\nIntro.\n\n## A\n\ntext\n';
    const out = replaceGenerated(plain, 'R');
    expect(out).toBe(`# T\n\nIntro.\n\n${BENCH_BEGIN}\nR\n${BENCH_END}\n\n## A\n\ntext\n`);
    expect(replaceGenerated(out, 'S')).toBe(out.replace('\nR\n', '\nS\n'));
  });

  it('appends when there is no heading', () => {
    expect(replaceGenerated('# T\n\nx\n\n', 'R')).toBe(
      `# T\n\nx\n\n${BENCH_BEGIN}\nR\n${BENCH_END}\n`,
    );
  });

  it('refuses a lone, reversed or duplicated marker', () => {
    expect(() => replaceGenerated(`a\n${BENCH_BEGIN}\nb`, 'R')).toThrow(/no <!-- bench:end -->/);
    expect(() => replaceGenerated(`a\n${BENCH_END}\nb`, 'R')).toThrow(/no <!-- bench:begin -->/);
    expect(() => replaceGenerated(`${BENCH_END}\n${BENCH_BEGIN}`, 'R')).toThrow(/wrong order/);
    expect(() =>
      replaceGenerated(`${BENCH_BEGIN}${BENCH_END}${BENCH_BEGIN}${BENCH_END}`, 'R'),
    ).toThrow(/more than one/);
  });
});

describe('checkGrowth', () => {
  it('passes a flat trace', () => {
    const c = checkGrowth([312, 312, 312], [1000, 1000, 1000]);
    expect(c.grew).toBe(false);
    expect(c.message).toMatch(/^ok: no growth over 2 steps/);
    expect([c.firstTensors, c.lastTensors, c.firstBytes, c.lastBytes]).toEqual([
      312, 312, 1000, 1000,
    ]);
  });

  it('passes a trace that shrinks or only peaks in the middle', () => {
    expect(checkGrowth([10, 12, 10], [100, 120, 90]).grew).toBe(false);
    expect(checkGrowth([10, 12, 10], [100, 120, 90]).maxTensors).toBe(12);
  });

  it('fails when tensors grow', () => {
    const c = checkGrowth([312, 313, 314], [1000, 1000, 1000]);
    expect(c.grew).toBe(true);
    expect(c.message).toMatch(/^FAIL: grew over 2 steps: tensors 312 -> 314 \(\+2\)/);
  });

  it('fails when bytes grow with a constant tensor count', () => {
    const c = checkGrowth([5, 5], [100, 164]);
    expect(c.grew).toBe(true);
    expect(c.message).toContain('bytes 100 -> 164 (+64)');
  });

  it('treats NaN as growth and needs two samples', () => {
    expect(checkGrowth([5, NaN], [1, 1]).grew).toBe(true);
    expect(() => checkGrowth([5], [1])).toThrow();
    expect(() => checkGrowth([5, 5], [1])).toThrow();
  });
});

describe('parseOnly', () => {
  it('selects everything by default and a subset with --only', () => {
    expect([...parseOnly(undefined)]).toEqual([
      'preprocess',
      'model',
      'storage',
      'memory',
      'inference',
      'import',
    ]);
    expect([...parseOnly('memory, inference')]).toEqual(['memory', 'inference']);
  });

  it('rejects unknown or empty selections', () => {
    expect(() => parseOnly('model,gpu')).toThrow(/unknown section 'gpu'/);
    expect(() => parseOnly(',')).toThrow(/no section/);
  });
});

describe('renderReport', () => {
  const base: BenchData = {
    started: '2026-11-28T07:00:00Z',
    totalSec: 600,
    command: 'npm run bench',
    machine: { cpu: 'Xeon', cores: 2, ramGiB: 23.5, os: 'Linux 6 x64', node: '20.19.0' },
    loadStart: [1, 2, 3],
    loadEnd: [4, 5, 6],
    browser: '156.0.1',
    env: {
      adapter: {
        userAgent: 'UA',
        webgpu: {
          vendor: 'google',
          architecture: 'swiftshader',
          description: '',
          isFallback: true,
        },
        webglRenderer: 'ANGLE | SwiftShader',
        hardwareConcurrency: 2,
      },
      available: ['webgpu', 'wasm'],
      wasm: null,
    },
    gpuFlags: false,
  };

  it('reports the machine, the adapter and unselected sections', () => {
    const md = renderReport(base);
    expect(md).toContain('| machine | Xeon, 2 logical cores, 24 GiB RAM');
    expect(md).toContain('isFallbackAdapter true');
    expect(md).toContain('ANGLE \\| SwiftShader');
    expect(md).toContain('| backends available | webgpu, wasm |');
    expect(md).toContain('### Import\n\nNot run (not selected with `--only`).');
  });

  it('flags growth and failed sections', () => {
    const md = renderReport({
      ...base,
      memory: {
        ok: true,
        seconds: 10,
        load: 1,
        value: {
          why: 'test',
          check: checkGrowth([1, 2], [8, 16]),
          trace: {
            backend: 'wasm',
            inputSize: 48,
            clips: 2,
            frames: 4,
            numTensors: [1, 2],
            numBytes: [8, 16],
            losses: [2, 1.5],
            ms: 20,
          },
        },
      },
      import: { ok: false, error: 'boom', seconds: 1, load: 1 },
    });
    expect(md).toContain('**FAIL: grew over 1 steps');
    expect(md).toContain(
      '### Import\n\n**FAILED** (1 s; load average (1 min) after it: 1.00): boom',
    );
  });
});
