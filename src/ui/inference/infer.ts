/**
 * Live inference: the model on one clip built exactly as the training loader builds it
 * (src/train/data/loader.ts): each frame's face / eyes / mouth crops decoded at the model's
 * input size and interleaved into 9 channels (src/train/data/source.ts), scaled to [0, 1],
 * normalised with DEFAULT_NORMALISE, and fed in eval mode (moving batch-norm statistics, no
 * dropout). Frames come from a stored clip (the run's own validation clips: the result must
 * equal the stored prediction) or from loose media preprocessed by the same worker pipeline
 * (src/preprocess/api.ts preprocessMedia). Every tensor is disposed.
 */
import * as tf from '@tensorflow/tfjs';
import { stream } from '../../compute/random';
import { disposeForwardOutput, type FerModel, forward } from '../../model/model';
import { preprocessMedia, type MediaFileReport } from '../../preprocess/api';
import type { Region } from '../../preprocess/types';
import { getDb } from '../../storage/db';
import type { ClipRef } from '../../train/data/clips';
import { DEFAULT_NORMALISE, type NormaliseConfig } from '../../train/data/loader';
import { sampleFrames } from '../../train/data/sampling';
import { idbFrameSource, imageBitmapDecoder, interleaveRegions } from '../../train/data/source';

export interface InferenceResult {
  probs: number[];
  predicted: number;
  /** Per fed frame: the frame-attention weight (Eq. 6) and the region weights (Eq. 4). */
  frameWeights: number[];
  regionWeights: number[][];
  /** What each fed frame was: a stored frame index, or the sampled frame of the media. */
  frames: number[];
  ms: number;
  backend: string;
}

/** One clip's frames (S*S*9 bytes each) through the model, eval mode. */
export async function predictFrames(
  model: FerModel,
  frames: readonly Uint8Array[],
  frameIds: readonly number[],
  normalise: NormaliseConfig = DEFAULT_NORMALISE,
): Promise<InferenceResult> {
  const S = model.config.backbone.inputSize;
  const T = frames.length;
  const frameSize = S * S * 9;
  if (T === 0) throw new Error('No frame to predict from.');
  const t0 = performance.now();
  const data = new Float32Array(T * frameSize);
  frames.forEach((b, t) => {
    if (b.length !== frameSize)
      throw new Error(`A frame has ${b.length} bytes, expected ${frameSize} (${S} px x 9).`);
    for (let i = 0; i < frameSize; i++) data[t * frameSize + i] = (b[i] as number) / 255;
  });
  const { mean, std } = normalise;
  const x = tf.tidy(() => {
    const m = tf.tensor1d([...mean, ...mean, ...mean]);
    const sd = tf.tensor1d([...std, ...std, ...std]);
    const clip = tf.tensor4d(data, [T, S, S, 9]).sub(m).div(sd);
    return tf.stack([clip]) as tf.Tensor5D;
  });
  const mask = tf.ones<tf.Rank.R2>([1, T]);
  try {
    const fwd = forward(model, x, { training: false, frameMask: mask });
    try {
      const probsT = tf.softmax(fwd.logits);
      try {
        const [probs, fw, rw] = await Promise.all([
          probsT.data(),
          fwd.attention.frameWeights.data(),
          fwd.attention.regionWeights ? fwd.attention.regionWeights.data() : null,
        ]);
        const p = Array.from(probs);
        const G = model.config.backbone.regions;
        return {
          probs: p,
          predicted: p.indexOf(Math.max(...p)),
          frameWeights: Array.from(fw),
          regionWeights: rw
            ? Array.from({ length: T }, (_, t) => Array.from(rw.subarray(t * G, (t + 1) * G)))
            : [],
          frames: [...frameIds],
          ms: performance.now() - t0,
          backend: tf.getBackend(),
        };
      } finally {
        probsT.dispose();
      }
    } finally {
      disposeForwardOutput(fwd);
    }
  } finally {
    tf.dispose([x, mask]);
  }
}

/** A stored clip's frames, read and decoded as the training loader reads them. */
export async function storedClipFrames(
  itemId: string,
  key: string,
  frames: readonly number[],
  size: number,
): Promise<Uint8Array[]> {
  const source = idbFrameSource(await getDb(), { cacheBytes: 0 });
  const clip: ClipRef = {
    itemId,
    datasetId: '',
    key,
    label: null,
    hiddenLabel: null,
    subject: null,
    split: null,
    frames: [...frames],
  };
  return Promise.all(frames.map((f) => source.load(clip, f, size)));
}

const REGIONS: readonly Region[] = ['face', 'eyes', 'mouth'];

export interface MediaClip {
  report: MediaFileReport;
  /** The sampled frames fed (indices into report.frames' frameIndex) and their 9-channel bytes. */
  frameIds: number[];
  frames: Uint8Array[];
  /** Face crops of the fed frames, for display (object URLs are the caller's). */
  faces: Blob[];
}

/**
 * Preprocesses one video or image with the workers (not stored), keeps the frames with a face,
 * and picks `count` of them as evaluation does (the centre of each of `count` segments).
 */
export async function mediaClip(file: File, count: number, size: number): Promise<MediaClip> {
  const result = await preprocessMedia([{ name: file.name, blob: file }]);
  const report = result.files[0];
  if (!report) throw new Error('Preprocessing returned nothing.');
  if (report.error) throw new Error(`${file.name}: ${report.error}`);
  const kept = report.frames.filter((f) => f.crops !== null);
  if (kept.length === 0)
    throw new Error(
      `${file.name}: no frame with a usable face (${report.sampled} sampled; dropped: ${Object.entries(
        report.dropped,
      )
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')})`,
    );
  const sample = sampleFrames(
    kept.map((f) => f.frameIndex),
    count,
    'eval',
    stream(0, 'inference'),
  );
  // Padding (a clip shorter than `count`) is left out: with the mask it changes nothing.
  const chosen = sample.frames.filter((_, i) => (sample.mask[i] ?? 0) > 0);
  const decode = imageBitmapDecoder();
  const frames: Uint8Array[] = [];
  const faces: Blob[] = [];
  for (const idx of chosen) {
    const f = kept.find((k) => k.frameIndex === idx);
    if (!f?.crops) continue;
    const crops = f.crops;
    const rgba = [];
    for (const r of REGIONS) rgba.push(await decode(crops[r], size));
    frames.push(interleaveRegions(rgba, size));
    faces.push(crops.face);
  }
  return { report, frameIds: chosen, frames, faces };
}
