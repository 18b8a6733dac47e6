/**
 * The GPU-server package's bench (bundled by ./build.ts into bench.mjs): bench:model's Node
 * WebGPU runtime, with the same options (scripts/bench/nodeModel.ts).
 */
import { nodeBenchMain } from '../bench/nodeModel';

try {
  await nodeBenchMain(process.argv);
} catch (e) {
  console.error(`fer gpu-server bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
// Dawn keeps the event loop alive after the last device is dropped.
process.exit(0);
