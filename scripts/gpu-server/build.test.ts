import { describe, expect, it } from 'vitest';
import { esbuildArgs, PACKAGE_LIMIT_BYTES, sizeProblem } from './build';

describe('gpu-server package builder', () => {
  it('bundles for Node as ESM, leaving Dawn (webgpu) to the shipped package', () => {
    const a = esbuildArgs('e.ts', '/o/bench.mjs');
    expect(a.slice(0, 2)).toEqual(['e.ts', '--bundle']);
    expect(a).toContain('--platform=node');
    expect(a).toContain('--format=esm');
    expect(a).toContain('--external:webgpu');
    expect(a).toContain('--outfile=/o/bench.mjs');
  });
  it('refuses a package of 64 MiB or more, naming its size', () => {
    expect(sizeProblem(PACKAGE_LIMIT_BYTES - 1)).toBeNull();
    expect(sizeProblem(70 * 2 ** 20)).toBe(
      'the package is 70.0 MiB; the GPU server takes < 64 MiB',
    );
  });
});
