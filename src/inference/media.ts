/**
 * A dropped video or image for inference: preprocessed by the preprocessing workers (not
 * stored; src/preprocess/api.ts preprocessMedia), the frames with a face kept, and `count` of
 * them chosen as evaluation chooses (the centre of each of `count` segments). The chosen
 * frames' crops go to the inference worker, which decodes them at the model's input size.
 */
import { stream } from '../compute/random';
import { preprocessMedia, type MediaFileReport } from '../preprocess/api';
import { sampleFrames } from '../train/data/sampling';
import type { MediaFrameInput } from './protocol';

export interface MediaClip {
  report: MediaFileReport;
  /** The chosen frames (frameIndex of report.frames) with their crops, in order. */
  frames: MediaFrameInput[];
}

export async function mediaClip(file: File, count: number): Promise<MediaClip> {
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
  const frames: MediaFrameInput[] = [];
  for (const idx of chosen) {
    const crops = kept.find((k) => k.frameIndex === idx)?.crops;
    if (crops) frames.push({ frameIndex: idx, crops: { ...crops } });
  }
  return { report, frames };
}
