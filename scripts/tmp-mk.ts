import { mkdirSync, writeFileSync } from 'node:fs';
import { FramesWriter } from './lib/frames/format';
const dir = '/tmp/noderun-fr';
mkdirSync(dir, { recursive: true });
const S = 32;
const w = new FramesWriter(dir, S);
for (const cls of ['happy', 'sad'] as const)
  for (const [split, n] of [['train', 4], ['val', 2]] as const)
    for (let i = 0; i < n; i++) {
      const key = `${split}/${cls}/${i}`;
      await w.startClip({ itemId: `t:${key}`, datasetId: 't', key, label: cls, hiddenLabel: null, subject: null, split, frames: [0, 1] });
      const b = new Uint8Array(2 * S * S * 9);
      for (let k = 0; k < b.length; k++) b[k] = (k * 7 + i) % 251;
      await w.frames(b);
    }
await w.finish({ dataset: { id: 't', name: 'T', labelled: true }, skipped: {} });
writeFileSync('/tmp/noderun-exp.json', JSON.stringify({ name: 'x', dataset: { name: 'T' }, seeds: [1], base: { preset: 'tiny', classes: ['happy', 'sad'], model: { backbone: { inputSize: 32 } }, data: { framesPerClip: 2 }, optim: { epochs: 1, batchSize: 4 }, noisyStudent: { iterations: 0 } }, runs: [{ name: 't' }] }));
