/**
 * What the production page loads before it can paint: the entry chunk and every chunk it
 * imports statically, transitively (`import` statements; `import()` loads later, on demand).
 * The first-load test (scripts/vite/entryGraph.test.ts) asserts that closure holds none of
 * the heavy libraries; scripts/bench-first-load.ts reports its size.
 */

/** The part of a Rollup/Rolldown output chunk (or a build manifest entry) this needs. */
export interface ChunkNode {
  fileName: string;
  isEntry: boolean;
  /** Chunks this one imports statically (file names). */
  imports: readonly string[];
  /** Chunks this one imports with `import()` (file names). */
  dynamicImports: readonly string[];
  /** The modules bundled into it (absolute ids; node_modules paths for packages). */
  moduleIds: readonly string[];
}

/** A library the first paint must not wait for, by the path of its modules. */
export interface HeavyLibrary {
  name: string;
  /** Matches a module id of the library (ids use forward slashes). */
  pattern: RegExp;
}

export const HEAVY_LIBRARIES: readonly HeavyLibrary[] = [
  { name: 'TensorFlow.js', pattern: /\/node_modules\/@tensorflow\// },
  { name: 'recharts', pattern: /\/node_modules\/recharts\// },
  { name: 'ffmpeg.wasm', pattern: /\/node_modules\/@ffmpeg\/ffmpeg\// },
  { name: 'MediaPipe tasks-vision', pattern: /\/node_modules\/@mediapipe\/tasks-vision\// },
  // The WebM demuxer (~270 kB): loaded with the WebCodecs path only (issue 18 part 3).
  { name: 'mediabunny', pattern: /\/node_modules\/mediabunny\// },
];

/**
 * The chunks reached from the entries by static imports, each with the chain that reaches it
 * (entry first). Dynamic imports are not followed.
 */
export function staticClosure(chunks: readonly ChunkNode[]): Map<string, string[]> {
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const reached = new Map<string, string[]>();
  const queue: string[] = [];
  for (const c of chunks)
    if (c.isEntry) {
      reached.set(c.fileName, [c.fileName]);
      queue.push(c.fileName);
    }
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const chain = reached.get(name) ?? [name];
    for (const next of byName.get(name)?.imports ?? []) {
      if (reached.has(next)) continue;
      reached.set(next, [...chain, next]);
      queue.push(next);
    }
  }
  return reached;
}

/** One heavy library found in the static closure: which chunk holds it and how it is reached. */
export interface HeavyHit {
  library: string;
  chunk: string;
  chain: string[];
  /** One of its modules, to say what pulled it in. */
  module: string;
}

export function heavyInStaticClosure(
  chunks: readonly ChunkNode[],
  libraries: readonly HeavyLibrary[] = HEAVY_LIBRARIES,
): HeavyHit[] {
  const closure = staticClosure(chunks);
  const hits: HeavyHit[] = [];
  for (const c of chunks) {
    const chain = closure.get(c.fileName);
    if (!chain) continue;
    for (const lib of libraries) {
      const module = c.moduleIds.find((id) => lib.pattern.test(id.replaceAll('\\', '/')));
      if (module) hits.push({ library: lib.name, chunk: c.fileName, chain, module });
    }
  }
  return hits;
}
