/**
 * From a stored item to a worker job, and from the worker's result to the item's stored
 * outcome (counts, flags, the mined clip), or a failed one.
 */
import type { ProcessedItemWrite } from '../storage/frames';
import type { MediaItemRecord, PreprocessFlag } from '../storage/schema';
import { mineClip, type MiningConfig, type MiningFrame } from './mining';
import { summariseItem } from './pipeline';
import { emptyDropCounts, zeroTimings, type ItemResult, type ItemSource } from './protocol';
import type { PreprocessConfig } from './types';

export function sourceOf(item: MediaItemRecord, blobs: { name: string; blob: Blob }[]): ItemSource {
  const first = blobs[0];
  if (!first) throw new Error(`item ${item.key} has no stored media`);
  switch (item.kind) {
    case 'video':
      return { kind: 'video', file: first, durationSec: item.durationSec };
    case 'image':
      return { kind: 'image', file: first };
    case 'image-sequence':
      return { kind: 'image-sequence', files: blobs };
    case 'pixels':
      return {
        kind: 'pixels',
        width: item.width ?? 48,
        height: item.height ?? 48,
        data: first.blob,
      };
  }
}

function miningFrames(result: ItemResult): MiningFrame[] {
  return result.samples.map((s) => ({
    frameIndex: s.frameIndex,
    timestampSec: s.timestampSec,
    width: s.width,
    height: s.height,
    boxes: s.faces.map((f) => f.box),
  }));
}

/** Builds an item's stored outcome from the worker's result. */
export function itemOutcome(
  item: MediaItemRecord,
  result: ItemResult,
  config: PreprocessConfig,
  hash: string,
  mining: MiningConfig | null,
): ProcessedItemWrite {
  const multi = item.kind === 'video' || item.kind === 'image-sequence';
  const summary = summariseItem(result, config, multi);
  const faceLog = miningFrames(result);
  const mined = mining ? mineClip(faceLog, mining) : null;
  const flags: PreprocessFlag[] = [];
  if (summary.tooFewFrames) flags.push('too-few-frames');
  if (mined && !mined.accepted) flags.push('mining-rejected');
  return {
    status: flags.length > 0 ? 'flagged' : 'done',
    flags,
    configHash: hash,
    processedAt: Date.now(),
    sampled: summary.sampled,
    kept: summary.kept,
    dropped: summary.dropped,
    sampleFps: result.sampleFps,
    sourceWidth: result.sourceWidth,
    sourceHeight: result.sourceHeight,
    mining: mined,
    faceLog,
    smallFaceFrames: result.samples.filter((s) => s.smallFace === true).length,
    error: null,
    timings: result.timings,
  };
}

export function failedOutcome(hash: string, message: string, crashed = false): ProcessedItemWrite {
  return {
    status: 'failed',
    flags: crashed ? ['worker-crashed'] : [],
    configHash: hash,
    processedAt: Date.now(),
    sampled: 0,
    kept: 0,
    dropped: emptyDropCounts(),
    sampleFps: null,
    sourceWidth: 0,
    sourceHeight: 0,
    mining: null,
    faceLog: [],
    error: message,
    timings: zeroTimings(),
  };
}
