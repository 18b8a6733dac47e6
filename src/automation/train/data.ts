/** Test helpers: a dataset with items, preprocessing outcomes and frames in a (fake) IndexedDB. */
import type { CanonicalClass } from '../../ingest/labels';
import type { MiningResult } from '../../preprocess/mining';
import type { FrameRecord } from '../../preprocess/types';
import { putItems } from '../../storage/datasets';
import type { FerDatabase } from '../../storage/db';
import { putProcessedItem, type FrameWrite } from '../../storage/frames';
import type { MediaItemRecord, PreprocessedStatus } from '../../storage/schema';

export function frameWrite(frameIndex: number, crop: (region: string) => Blob): FrameWrite {
  const p = { x: 1, y: 1 };
  const record: FrameRecord = {
    frameIndex,
    timestampSec: frameIndex / 10,
    sourceWidth: 64,
    sourceHeight: 48,
    faces: [{ x: 1, y: 2, width: 30, height: 30 }],
    scores: [0.9],
    chosen: 0,
    keypoints: {
      rightEye: p,
      leftEye: p,
      noseTip: p,
      mouthRight: null,
      mouthLeft: null,
      mouthCenter: p,
    },
    angleDeg: 0,
    affines: { face: [1, 0, 0, 0, 1, 0], eyes: [1, 0, 0, 0, 1, 0], mouth: [1, 0, 0, 0, 1, 0] },
    lightnessBefore: 0.5,
    lightnessAfter: 0.5,
  };
  return { record, crops: { face: crop('face'), eyes: crop('eyes'), mouth: crop('mouth') } };
}

export interface SeedItem {
  key: string;
  rawLabel?: string | null;
  hiddenLabel?: string;
  subject?: string | null;
  split?: 'train' | 'val' | 'test' | null;
  /** Omit for an item without a preprocessing record. */
  status?: PreprocessedStatus;
  frames?: number[];
  mining?: MiningResult | null;
}

export async function seedDataset(
  db: FerDatabase,
  id: string,
  opts: { labelled: boolean; classMap?: Record<string, CanonicalClass | null>; items: SeedItem[] },
  crop: (itemId: string, frameIndex: number, region: string) => Blob = () =>
    new Blob([new Uint8Array(4)], { type: 'image/webp' }),
): Promise<void> {
  await db.put('datasets', {
    id,
    name: id,
    layout: opts.labelled ? 'afew' : 'unlabelled-video',
    labelled: opts.labelled,
    createdAt: 0,
    status: 'ready',
    classMap: opts.classMap ?? {},
    itemCount: 0,
    totalBytes: 0,
    totalDurationSec: null,
    problems: [],
  });
  const records: MediaItemRecord[] = opts.items.map((s) => ({
    id: `${id}:${s.key}`,
    datasetId: id,
    key: s.key,
    kind: 'video',
    rawLabel: s.rawLabel ?? null,
    ...(s.hiddenLabel !== undefined ? { hiddenLabel: s.hiddenLabel } : {}),
    subject: s.subject ?? null,
    split: s.split ?? null,
    bytes: 1,
    mime: 'video/mp4',
    width: 64,
    height: 48,
    durationSec: 1,
    blobCount: 1,
  }));
  await putItems(
    db,
    id,
    records.map((item) => ({ item, blobs: [] })),
  );
  for (const [i, s] of opts.items.entries()) {
    if (!s.status) continue;
    const itemId = records[i]?.id ?? '';
    const frames = (s.frames ?? []).map((f) => frameWrite(f, (r) => crop(itemId, f, r)));
    await putProcessedItem(db, itemId, id, frames, {
      status: s.status,
      flags: [],
      configHash: 'h',
      processedAt: 0,
      sampled: frames.length,
      kept: frames.length,
      dropped: { 'no-face': 0, 'no-landmarks': 0, 'decode-error': 0 },
      sampleFps: 10,
      sourceWidth: 64,
      sourceHeight: 48,
      mining: s.mining ?? null,
      faceLog: [],
      error: null,
      timings: { decodeMs: 0, detectMs: 0, cropMs: 0, encodeMs: 0, totalMs: 0 },
    });
  }
}
