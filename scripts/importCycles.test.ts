/**
 * No import cycles in the project (issue 16): the module graph of src/, workers/, scripts/ and
 * tests/ (scripts/lib/importGraph.ts) has no strongly connected component, and the check itself
 * finds cycles it is shown.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildImportGraph,
  describeCycle,
  findImportCycles,
  type ImportGraph,
  sourceFiles,
} from './lib/importGraph';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIRS = ['src', 'workers', 'scripts', 'tests'];

describe('import cycles', () => {
  it('there are none in src/, workers/, scripts/ or tests/', () => {
    const files = DIRS.flatMap((d) => sourceFiles(path.join(ROOT, d)));
    expect(files.length).toBeGreaterThan(100);
    const graph = buildImportGraph(files);
    const cycles = findImportCycles(graph).map((c) => describeCycle(c, ROOT));
    expect(cycles).toEqual([]);
  });

  it('finds a cycle in a small graph, the shortest path round it, and self-imports', () => {
    const g: ImportGraph = new Map([
      ['a', ['b']],
      ['b', ['c', 'x']],
      ['c', ['a', 'b']],
      ['x', ['y']],
      ['y', []],
      ['s', ['s']],
    ]);
    expect(findImportCycles(g)).toEqual([
      ['a', 'b', 'c', 'a'],
      ['s', 's'],
    ]);
    expect(
      findImportCycles(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
  });

  describe('on files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'import-graph-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, text: string): string => {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    };

    it('sees type-only imports and re-exports close a cycle; packages and assets are no edges', () => {
      const config = write(
        'config.ts',
        "export { PRESETS } from './presets';\nexport const A = 1;\n",
      );
      const presets = write(
        'presets.ts',
        "import type { A } from './config';\nimport x from './data.json?url';\nimport { z } from 'zod';\nexport const PRESETS = [x, z];\n",
      );
      const leaf = write('leaf.ts', "import { A } from './config';\nexport const B = A;\n");
      const graph = buildImportGraph([config, presets, leaf]);
      expect(graph.get(presets)).toEqual([config]);
      expect(findImportCycles(graph).map((c) => describeCycle(c, dir))).toEqual([
        'config.ts -> presets.ts -> config.ts',
      ]);
    });

    it('a graph without the back edge passes', () => {
      const types = write('types2.ts', 'export interface T { a: number }\n');
      const a = write(
        'a2.ts',
        "import type { T } from './types2';\nexport const a: T = { a: 1 };\n",
      );
      const b = write(
        'b2.ts',
        "import { a } from './a2';\nexport const b = await import('./a2').then(() => a);\n",
      );
      expect(findImportCycles(buildImportGraph([types, a, b]))).toEqual([]);
    });
  });
});
