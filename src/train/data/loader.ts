/**
 * Batches of clips for training and evaluation: order, frame choice and augmentation are
 * seeded per (seed, stream name, epoch, clip key), so a batch is the same whenever and from
 * wherever it is produced (resume). Frames of the next batches load while the caller trains on
 * the current one. See docs/data-loading.md.
 */
import * as tf from '@tensorflow/tfjs';
import { shuffled, stream } from '../../compute/random';
import {
  applyAugmentation,
  sampleAugmentation,
  validateRandAugmentConfig,
  type AugmentParams,
  type RandAugmentConfig,
} from '../augment/randAugment';
import type { ClipRef } from './clips';
import { sampleFrames } from './sampling';
import type { FrameSource } from './source';

/** Applied to every region's RGB after augmentation: (x - mean) / std, x in [0, 1]. */
export interface NormaliseConfig {
  mean: [number, number, number];
  std: [number, number, number];
}

/** ImageNet statistics (torchvision), the convention for ResNets; Emotion-FAN uses them too. */
export const DEFAULT_NORMALISE: NormaliseConfig = {
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

export interface LoaderConfig {
  framesPerClip: number;
  inputSize: number;
  batchSize: number;
  seed: number;
  /** e.g. 'labelled' / 'pseudo': two loaders in one run draw different streams. */
  streamName: string;
  shuffle: boolean;
  /** Frame choice: a random frame per segment ('train') or the centre ('eval'). */
  mode: 'train' | 'eval';
  /** RandAugment noise, in either mode; null = none. */
  augment: RandAugmentConfig | null;
  normalise: NormaliseConfig;
  /** Batches loading ahead while the caller holds one (default 1; 0 = none). */
  prefetch: number;
  /** Drop a last, smaller batch (default false). */
  dropLast?: boolean;
}

export interface ClipBatch {
  /** [B, T, S, S, 9] float32, augmented then normalised; the caller disposes it. */
  x: tf.Tensor5D;
  /** [B, T] 1 = real frame, 0 = padding; the caller disposes it. */
  mask: tf.Tensor2D;
  clips: ClipRef[];
  /** Per clip, the stored frame index behind each of the T frames. */
  frameIndices: number[][];
  /** Batch index within the epoch. */
  index: number;
}

interface PreparedClip {
  clip: ClipRef;
  frames: number[];
  mask: number[];
  bytes: Uint8Array[];
  augment: AugmentParams | null;
}

interface Slot {
  clip: ClipRef;
  /** The clip's name in the random streams: its key, plus '#n' for the n-th repeat of a key. */
  name: string;
}

export class ClipLoader {
  private readonly slots: Slot[];
  private readonly config: LoaderConfig;

  constructor(
    clips: readonly ClipRef[],
    private readonly source: FrameSource,
    config: LoaderConfig,
  ) {
    const c = { ...config };
    for (const [name, v] of [
      ['framesPerClip', c.framesPerClip],
      ['inputSize', c.inputSize],
      ['batchSize', c.batchSize],
    ] as const) {
      if (!Number.isInteger(v) || v < 1)
        throw new RangeError(`${name} must be a positive integer, got ${v}`);
    }
    if (!Number.isInteger(c.prefetch) || c.prefetch < 0) {
      throw new RangeError(`prefetch must be a non-negative integer, got ${c.prefetch}`);
    }
    if (c.augment) validateRandAugmentConfig(c.augment);
    for (const clip of clips) {
      if (clip.frames.length === 0) throw new Error(`Clip '${clip.key}' has no frames.`);
    }
    this.config = c;
    // Shuffling starts from key order, so the order does not depend on how the list was built.
    const ordered = c.shuffle
      ? [...clips].sort((a, b) => compare(a.key, b.key) || compare(a.itemId, b.itemId))
      : [...clips];
    const seen = new Map<string, number>();
    this.slots = ordered.map((clip) => {
      const n = seen.get(clip.key) ?? 0;
      seen.set(clip.key, n + 1);
      return { clip, name: n === 0 ? clip.key : `${clip.key}#${n}` };
    });
  }

  get size(): number {
    return this.slots.length;
  }

  batchesPerEpoch(): number {
    const n = this.slots.length / this.config.batchSize;
    return this.config.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** The clips of epoch `epoch` in batch order. */
  order(epoch: number): ClipRef[] {
    return this.epochSlots(epoch).map((s) => s.clip);
  }

  private epochSlots(epoch: number): Slot[] {
    const { seed, streamName, shuffle } = this.config;
    return shuffle
      ? shuffled(this.slots, stream(seed, `${streamName}/shuffle/${epoch}`))
      : this.slots;
  }

  /**
   * Batches of epoch `epoch` from batch `fromBatch` on. While the caller holds batch i, the
   * frames of batches i+1 .. i+prefetch are loading. Tensors exist only in yielded batches, so
   * stopping early (break / return) leaves nothing behind.
   */
  async *epoch(epoch: number, fromBatch = 0): AsyncGenerator<ClipBatch> {
    const slots = this.epochSlots(epoch);
    const total = this.batchesPerEpoch();
    const B = this.config.batchSize;
    const pending: { index: number; ready: Promise<PreparedClip[]> }[] = [];
    let next = Math.max(0, fromBatch);
    try {
      for (;;) {
        while (pending.length < this.config.prefetch + 1 && next < total) {
          const ready = Promise.all(
            slots.slice(next * B, (next + 1) * B).map((s) => this.prepare(s, epoch)),
          );
          ready.catch(() => undefined); // awaited below; this only keeps early rejections handled
          pending.push({ index: next, ready });
          next++;
        }
        const head = pending.shift();
        if (!head) return;
        const prepared = await head.ready;
        yield this.assemble(prepared, head.index);
      }
    } finally {
      pending.length = 0;
    }
  }

  private async prepare(slot: Slot, epoch: number): Promise<PreparedClip> {
    const { seed, streamName, framesPerClip, mode, inputSize, augment } = this.config;
    const { clip, name } = slot;
    const sample = sampleFrames(
      clip.frames,
      framesPerClip,
      mode,
      stream(seed, `${streamName}/frames/${epoch}/${name}`),
    );
    const params = augment
      ? sampleAugmentation(stream(seed, `${streamName}/augment/${epoch}/${name}`), augment)
      : null;
    const bytes = await Promise.all(sample.frames.map((f) => this.source.load(clip, f, inputSize)));
    return { clip, frames: sample.frames, mask: sample.mask, bytes, augment: params };
  }

  private assemble(prepared: readonly PreparedClip[], index: number): ClipBatch {
    const T = this.config.framesPerClip;
    const S = this.config.inputSize;
    const frameSize = S * S * 9;
    const { mean, std } = this.config.normalise;
    const x = tf.tidy(() => {
      const m = tf.tensor1d([...mean, ...mean, ...mean]);
      const sd = tf.tensor1d([...std, ...std, ...std]);
      const clips = prepared.map((p) => {
        const data = new Float32Array(T * frameSize);
        p.bytes.forEach((b, t) => {
          if (b.length !== frameSize) {
            throw new Error(
              `Frame ${p.frames[t]} of '${p.clip.key}' has ${b.length} bytes, expected ${frameSize} (${S} px x 9).`,
            );
          }
          const off = t * frameSize;
          for (let i = 0; i < frameSize; i++) data[off + i] = (b[i] as number) / 255;
        });
        let clip = tf.tensor4d(data, [T, S, S, 9]);
        if (p.augment) clip = applyAugmentation(clip, p.augment);
        return clip.sub(m).div(sd);
      });
      return tf.stack(clips) as tf.Tensor5D;
    });
    const mask = tf.tensor2d(
      prepared.map((p) => p.mask),
      [prepared.length, T],
    );
    return {
      x,
      mask,
      clips: prepared.map((p) => p.clip),
      frameIndices: prepared.map((p) => p.frames),
      index,
    };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
