import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import {
  HEAVY_LIBRARIES,
  heavyInStaticClosure,
  staticClosure,
  type ChunkNode,
} from '../lib/entryGraph';

const root = path.resolve(import.meta.dirname, '../..');

const chunk = (fileName: string, over: Partial<ChunkNode> = {}): ChunkNode => ({
  fileName,
  isEntry: false,
  imports: [],
  dynamicImports: [],
  moduleIds: [],
  ...over,
});

describe('staticClosure', () => {
  it('follows static imports from the entry, not dynamic ones', () => {
    const chunks = [
      chunk('index.js', { isEntry: true, imports: ['a.js'], dynamicImports: ['lazy.js'] }),
      chunk('a.js', { imports: ['b.js'] }),
      chunk('b.js', { imports: ['a.js'] }),
      chunk('lazy.js', { imports: ['tf.js'] }),
      chunk('tf.js', { moduleIds: ['/r/node_modules/@tensorflow/tfjs-core/dist/index.js'] }),
    ];
    const closure = staticClosure(chunks);
    expect([...closure.keys()].sort()).toEqual(['a.js', 'b.js', 'index.js']);
    expect(closure.get('b.js')).toEqual(['index.js', 'a.js', 'b.js']);
    expect(heavyInStaticClosure(chunks)).toEqual([]);
  });

  it('names the heavy library, its chunk and the chain that reaches it', () => {
    const chunks = [
      chunk('index.js', { isEntry: true, imports: ['store.js'] }),
      chunk('store.js', {
        moduleIds: ['/r/src/ui/store.ts', '/r/node_modules/@tensorflow/tfjs-core/dist/index.js'],
      }),
    ];
    expect(heavyInStaticClosure(chunks)).toEqual([
      {
        library: 'TensorFlow.js',
        chunk: 'store.js',
        chain: ['index.js', 'store.js'],
        module: '/r/node_modules/@tensorflow/tfjs-core/dist/index.js',
      },
    ]);
  });
});

/** The production build's chunks (workers are bundled separately and are not chunks here). */
async function productionChunks(): Promise<ChunkNode[]> {
  const out = await build({
    root,
    configFile: path.join(root, 'vite.config.ts'),
    mode: 'production',
    logLevel: 'silent',
    build: {
      write: false,
      sourcemap: false,
      outDir: path.join(os.tmpdir(), 'fer-entry-graph'),
      emptyOutDir: false,
    },
  });
  const outputs = Array.isArray(out) ? out : [out];
  return outputs.flatMap((o) =>
    'output' in o ? o.output.flatMap((c) => (c.type === 'chunk' ? [c] : [])) : [],
  );
}

describe('the production build (issue 16 step 5: first load)', () => {
  it('paints without TensorFlow.js, recharts, ffmpeg.wasm or MediaPipe: the entry reaches none statically', async () => {
    const chunks = await productionChunks();
    // The main thread's libraries are in the build (in lazily loaded chunks), so not finding
    // them in the entry's closure means something. (MediaPipe runs in workers only.)
    for (const lib of HEAVY_LIBRARIES.filter((l) => l.name !== 'MediaPipe tasks-vision'))
      expect(
        chunks.some((c) => c.moduleIds.some((id) => lib.pattern.test(id))),
        `${lib.name} is in some chunk`,
      ).toBe(true);
    const hits = heavyInStaticClosure(chunks).map(
      (h) => `${h.library} in ${h.chain.join(' > ')} (${path.relative(root, h.module)})`,
    );
    expect(hits).toEqual([]);
  }, 120_000);
});
