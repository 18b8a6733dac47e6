import { describe, expect, it } from 'vitest';
import { CliError, EXIT, parseCli } from '../args';

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

describe('the Node runtime on the command line', () => {
  it('export-frames takes one dataset, --size and --out', () => {
    expect(
      parseCli(['export-frames', 'Demo', '--size', '48', '--out', 'f'], {}, '/work'),
    ).toMatchObject({
      command: 'export-frames',
      frames: { dataset: 'Demo', size: 48, out: '/work/f' },
    });
    expect(usage(['export-frames', 'Demo', '--out', 'f'])).toMatch(/needs --size S/);
    expect(usage(['export-frames', 'Demo', '--size', '4.5', '--out', 'f'])).toMatch(/got '4.5'/);
    expect(usage(['export-frames', '--size', '48', '--out', 'f'])).toMatch(/one dataset/);
    expect(usage(['export-frames', 'Demo', '--size', '48'])).toMatch(/needs --out DIR/);
    expect(usage(['runs', '--size', '48'])).toMatch(/--size is an option of 'export-frames' only/);
  });

  it('experiment trains in the browser unless --runtime node-webgpu, which needs --frames', () => {
    expect(parseCli(['experiment', 'e.json', '--out', 'o'], {}, '/work')).toMatchObject({
      experiment: { runtime: 'browser', frames: null },
    });
    expect(
      parseCli(
        ['experiment', 'e.json', '--out', 'o', '--runtime', 'node-webgpu', '--frames', 'fr'],
        {},
        '/work',
      ),
    ).toMatchObject({ experiment: { runtime: 'node-webgpu', frames: '/work/fr' } });
    expect(usage(['experiment', 'e.json', '--out', 'o', '--runtime', 'node-webgpu'])).toMatch(
      /needs --frames DIR/,
    );
    expect(usage(['experiment', 'e.json', '--out', 'o', '--frames', 'fr'])).toMatch(
      /goes with --runtime node-webgpu/,
    );
    expect(usage(['experiment', 'e.json', '--out', 'o', '--runtime', 'cuda'])).toMatch(
      /Unknown runtime 'cuda'/,
    );
    expect(usage(['runs', '--runtime', 'browser'])).toMatch(/option of 'experiment' only/);
  });

  it('import-run takes one stored run file', () => {
    expect(parseCli(['import-run', 'r/store/a-seed1.v8'], {}, '/work')).toMatchObject({
      command: 'import-run',
      file: '/work/r/store/a-seed1.v8',
    });
    expect(usage(['import-run'])).toMatch(/one stored run file/);
  });
});
