/**
 * The project's module graph and its import cycles (scripts/importCycles.test.ts keeps the tree
 * free of them). Edges come from the TypeScript compiler's own import scanner
 * (`preProcessFile`: static imports, `import type`, re-exports and `import()`) resolved the way
 * the compiler resolves them (`resolveModuleName`, the tsconfig's Bundler resolution). Only
 * files of the project count; packages, `?url` assets and workers started with
 * `new Worker(new URL(...))` are not edges.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** File -> the project files it imports (absolute paths). */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

const SOURCE = /\.(ts|tsx|mts|cts)$/;
const SKIP_DIRS = new Set([
  'node_modules',
  'dist',
  'test-results',
  'playwright-report',
  'fixtures',
]);

/** Every TypeScript file under `dir`, recursively (build outputs and fixture folders skipped). */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...sourceFiles(full));
    } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

const OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  resolveJsonModule: true,
  jsx: ts.JsxEmit.ReactJSX,
};

/**
 * The graph over `files`: each import specifier resolved from its file; an import that resolves
 * to a package or to no file is dropped. `host` reads files (default: the disk).
 */
export function buildImportGraph(
  files: readonly string[],
  host: ts.ModuleResolutionHost = ts.sys,
): ImportGraph {
  const inGraph = new Set(files.map((f) => path.resolve(f)));
  const graph = new Map<string, string[]>();
  for (const file of inGraph) {
    const text = host.readFile(file) ?? readFileSync(file, 'utf8');
    const info = ts.preProcessFile(text, true, true);
    const targets = new Set<string>();
    for (const ref of info.importedFiles) {
      const spec = ref.fileName;
      if (spec.includes('?')) continue; // a Vite asset (`?url`), not a module
      const resolved = ts.resolveModuleName(spec, file, OPTIONS, host).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport === true) continue;
      const target = path.resolve(resolved.resolvedFileName);
      if (inGraph.has(target)) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/**
 * Every import cycle, as one closed path per strongly connected component (Tarjan): e.g.
 * [a, b, a]. A file importing itself is a cycle of one. Sorted, so the result is stable.
 */
export function findImportCycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  // Iterative Tarjan: the tree is deep enough that recursion is not worth the risk.
  for (const root of [...graph.keys()].sort()) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (!frame) break;
      const edges = graph.get(frame.node) ?? [];
      const to = edges[frame.next++];
      if (to !== undefined) {
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node) ?? 0, index.get(to) ?? 0));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent)
        low.set(parent.node, Math.min(low.get(parent.node) ?? 0, low.get(frame.node) ?? 0));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
          onStack.delete(n);
          component.push(n);
          if (n === frame.node) break;
        }
        const selfLoop = component.length === 1 && edges.includes(frame.node);
        if (component.length > 1 || selfLoop) components.push(component.sort());
      }
    }
  }
  return components
    .map((c) => closedPath(graph, c))
    .sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
}

/** A shortest closed path through a component, from its first file (breadth-first). */
function closedPath(graph: ImportGraph, component: readonly string[]): string[] {
  const members = new Set(component);
  const start = component[0] ?? '';
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] ?? '';
    for (const to of graph.get(node) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const route = [node];
        for (let p = previous.get(node); p !== undefined; p = previous.get(p)) route.unshift(p);
        return [...route, start];
      }
      if (!previous.has(to) && to !== start) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

/** `a.ts -> b.ts -> a.ts`, relative to `root`. */
export function describeCycle(cycle: readonly string[], root: string): string {
  return cycle.map((f) => path.relative(root, f)).join(' -> ');
}
