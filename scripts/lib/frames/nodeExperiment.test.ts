/**
 * The Node WebGPU training runtime end to end on Dawn + SwiftShader: a tiny frames folder
 * written here (no browser), the tiny network for one epoch through the app's engine, the run
 * record and summary as the browser experiment writes them; then a lost device mid-run stops
 * the run at its checkpoint, kept in its store file (restored by ./runStore.test.ts).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD } from '../nodeWebgpu';
import { FramesWriter, readFramesManifest } from './format';

const SIZE = 32;
const CLASSES = ['happy', 'sad', 'surprise'] as const;
const icd = existsSync(SWIFTSHADER_ICD) || Boolean(process.env.VK_ICD_FILENAMES);
if (!icd)
  console.warn(
    `Node WebGPU training test skipped: ${SWIFTSHADER_ICD} is missing (install Debian's chromium package).`,
  );

/** Class c: a bright square in a class-specific corner of the mouth crop, over a fixed pattern. */
function frame(cls: number, salt: number): Uint8Array {
  const out = new Uint8Array(SIZE * SIZE * 9);
  for (let i = 0; i < out.length; i++) out[i] = 40 + ((i * 31 + salt * 17) % 60);
  const [x0, y0] = (
    [
      [2, 2],
      [20, 2],
      [11, 20],
    ] as const
  )[cls] ?? [0, 0];
  for (let y = y0; y < y0 + 10; y++)
    for (let x = x0; x < x0 + 10; x++)
      for (let ch = 6; ch < 9; ch++) out[(y * SIZE + x) * 9 + ch] = 250;
  return out;
}

/**
 * `classes` x (4 train + 2 val) clips of 4 frames, as export-frames writes them. The training
 * test uses two classes: 8 training clips and 4 validation clips make only whole batches of 4,
 * so WebGPU compiles each kernel for one shape (SwiftShader compiles slowly).
 */
async function tinyFramesFolder(
  dir: string,
  shardLimit: number,
  classes: readonly string[] = CLASSES,
): Promise<void> {
  const w = new FramesWriter(dir, SIZE, shardLimit);
  const frames = [0, 1, 2, 3];
  let salt = 0;
  for (const [c, cls] of classes.entries())
    for (const [split, n] of [
      ['train', 4],
      ['val', 2],
    ] as const)
      for (let i = 0; i < n; i++) {
        const key = `${split}/${cls}/${i}`;
        await w.startClip({
          itemId: `tiny:${key}`,
          datasetId: 'tiny',
          key,
          label: cls as (typeof CLASSES)[number],
          hiddenLabel: null,
          subject: null,
          split,
          frames,
        });
        const bytes = new Uint8Array(frames.length * SIZE * SIZE * 9);
        frames.forEach((_, j) => bytes.set(frame(c, salt++), j * SIZE * SIZE * 9));
        await w.frames(bytes);
      }
  await w.finish({ dataset: { id: 'tiny', name: 'Tiny frames', labelled: true }, skipped: {} });
}

const EXPERIMENT = {
  name: 'node runtime test',
  dataset: { name: 'Tiny frames' },
  seeds: [1],
  base: {
    preset: 'tiny',
    classes: ['happy', 'sad'],
    model: { backbone: { inputSize: SIZE } },
    data: { framesPerClip: 3 },
    optim: { epochs: 1, batchSize: 4 },
    noisyStudent: { iterations: 0 },
  },
  runs: [{ name: 'teacher' }],
};

describe('frames folders', () => {
  it('round-trips clips across shards and checks the shard sizes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fer-frames-'));
    await tinyFramesFolder(dir, 5 * SIZE * SIZE * 9);
    const m = await readFramesManifest(dir);
    expect(m.clips).toHaveLength(18);
    expect(m.shards.length).toBeGreaterThan(1);
    expect(m.shards.reduce((a, s) => a + s.frames, 0)).toBe(18 * 4);
    const { folderClipLister, folderFrameSource } = await import('./format');
    const folders = [{ dir, manifest: m }];
    const listed = await folderClipLister(folders)(null, 'tiny', ['sad', 'happy']);
    // The run's classes decide the indices; 'surprise' is not in this run.
    expect(listed.clips).toHaveLength(12);
    expect(listed.clips[0]?.label).toBe(1);
    expect(listed.skipped['class-not-in-run']).toBe(6);
    const src = folderFrameSource(folders);
    const clip = listed.clips.find((c) => c.key === 'val/sad/1');
    if (!clip) throw new Error('no clip');
    // The 12th clip written (happy: 4 train + 2 val, sad: 4 train, val 0, val 1): salts 44..47.
    expect(await src.load(clip, 2, SIZE)).toEqual(frame(1, 11 * 4 + 2));
    await expect(src.load(clip, 2, 48)).rejects.toThrow(/--size 48/);
    await src.close();
    await writeFile(path.join(dir, m.shards[0]?.file ?? ''), new Uint8Array(3));
    await expect(readFramesManifest(dir)).rejects.toThrow(/has 3 bytes/);
  });
});

describe('frames folders of a video mined into several clips', () => {
  it("serve every clip's frames, and the per-video example joining them", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fer-frames-'));
    const w = new FramesWriter(dir, SIZE, 1 << 30);
    // One item, two mined clips over separate frame ranges (as listClips gives them).
    const clips = [
      { key: 'v', frames: [0, 1, 2] },
      { key: 'v@clip1', frames: [10, 11, 12] },
    ];
    for (const [n, c] of clips.entries()) {
      await w.startClip({
        itemId: 'pool:v',
        datasetId: 'pool',
        key: c.key,
        label: null,
        hiddenLabel: null,
        subject: null,
        split: null,
        frames: c.frames,
      });
      const bytes = new Uint8Array(c.frames.length * SIZE * SIZE * 9);
      c.frames.forEach((_, j) => bytes.set(frame(n, 100 * n + j), j * SIZE * SIZE * 9));
      await w.frames(bytes);
    }
    await w.finish({ dataset: { id: 'pool', name: 'Pool', labelled: false }, skipped: {} });
    const { folderFrameSource } = await import('./format');
    const src = folderFrameSource([{ dir, manifest: await readFramesManifest(dir) }]);
    const ref = (key: string, frames: number[]) =>
      ({ itemId: 'pool:v', key, frames }) as unknown as Parameters<typeof src.load>[0];
    // Each clip's own frames (the first clip's used to be unreadable: the item's last entry won).
    expect(await src.load(ref('v', [0, 1, 2]), 1, SIZE)).toEqual(frame(0, 1));
    expect(await src.load(ref('v@clip1', [10, 11, 12]), 12, SIZE)).toEqual(frame(1, 102));
    // The per-video example joins both clips' frames.
    const joined = ref('v', [0, 1, 2, 10, 11, 12]);
    expect(await src.load(joined, 2, SIZE)).toEqual(frame(0, 2));
    expect(await src.load(joined, 10, SIZE)).toEqual(frame(1, 100));
    await expect(src.load(joined, 5, SIZE)).rejects.toThrow(/Frame 5 .* in no frames folder/);
    await src.close();
  });
});

describe.skipIf(!icd)('experiment --runtime node-webgpu on Dawn + SwiftShader', () => {
  it('trains from a frames folder on Dawn; a lost device leaves the run resumable on disk', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fer-node-exp-'));
    const frames = path.join(dir, 'frames');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(frames);
    await tinyFramesFolder(frames, 2 ** 20, ['happy', 'sad']);
    const file = path.join(dir, 'exp.json');
    const { runNodeExperiment } = await import('./nodeExperiment');
    // One run (suite time: SwiftShader trains slowly): two epochs, the device lost once epoch
    // 1 is checkpointed. Epoch 1 was trained and recorded on Dawn; the run stops resumable.
    // The finished path (run record, summary, import into a profile) is the e2e's:
    // tests/e2e/cli-export-frames.spec.ts.
    const tf = await import('@tensorflow/tfjs');
    await writeFile(
      file,
      JSON.stringify({ ...EXPERIMENT, base: { ...EXPERIMENT.base, optim: { epochs: 2 } } }),
    );
    const lostOut = path.join(dir, 'lost');
    const e: unknown = await runNodeExperiment(
      {
        config: file,
        out: lostOut,
        frames: [frames],
        // --kernels tfjs: on webgpu 'auto' would record 'fused', so the record shows it got here.
        kernels: 'tfjs',
        afterSave: (saved) => {
          if (saved.position.epoch === 1)
            (tf.backend() as unknown as { device: GPUDevice }).device.destroy();
        },
      },
      () => undefined,
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toMatch(/GPU device was lost.*Run the same command again/s);
    const { readRunFile } = await import('./runStore');
    const stored = await readRunFile(path.join(lostOut, 'store', 'teacher-seed1.v8'));
    expect(stored?.run.status).toBe('failed');
    expect(stored?.run.message).toMatch(/resumable from epoch 2/);
    expect(stored?.checkpoint?.epoch).toBe(1);
    expect(stored?.checkpoint?.weights[0]?.values).toBeInstanceOf(Float32Array);
    expect(stored?.run.environment?.backend).toBe('webgpu');
    expect(stored?.run.environment?.kernels).toBe('tfjs');
    const epochs = stored?.run.phases[0]?.epochs ?? [];
    expect(epochs).toHaveLength(1);
    expect(Number.isFinite(epochs[0]?.trainLoss)).toBe(true);
    expect(Number.isFinite(epochs[0]?.valLoss)).toBe(true);
    expect(stored?.run.phases[0]?.data).toMatchObject({ train: 8, val: 4 });
  }, 240_000);
});
