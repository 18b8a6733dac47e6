/**
 * One sentence per preprocessed item that needs the user's attention (flagged or failed):
 * what the Preprocess panel lists under the item's name, e.g. "no face found in any frame
 * (30 sampled)". Items that came out fine get no note.
 */
import type { PreprocessedRecord } from '../storage/schema';

export interface OutcomeNote {
  itemId: string;
  /** The item's key (its path in the dataset), shown as its name. */
  key: string;
  status: 'flagged' | 'failed';
  message: string;
}

type Outcome = Pick<
  PreprocessedRecord,
  'status' | 'flags' | 'sampled' | 'kept' | 'dropped' | 'mining' | 'error' | 'smallFaceFrames'
>;

const MINING_REASON: Record<string, string> = {
  'multiple-faces': 'more than one face in most frames',
  'face-too-small': 'the face is too small in the frame',
  'too-short': 'no run of frames with one face is long enough',
  'no-face': 'too few frames with a face',
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Why an item was flagged or failed, in words; null for an item that came out fine. */
export function outcomeMessage(r: Outcome): string | null {
  if (r.status === 'failed') return `could not be processed: ${r.error ?? 'unknown error'}`;
  if (r.status !== 'flagged') return null;
  const parts: string[] = [];
  const noFace = r.dropped['no-face'];
  const noLandmarks = r.dropped['no-landmarks'];
  const undecodable = r.dropped['decode-error'];
  if (r.sampled === 0) parts.push('no frame could be sampled from it');
  else if (r.kept === 0 && undecodable === r.sampled) {
    parts.push(`no frame could be decoded (${plural(r.sampled, 'frame')} tried)`);
  } else if (r.kept === 0 && noFace === r.sampled) {
    parts.push(`no face found in any frame (${r.sampled} sampled)`);
  } else if (r.kept === 0) {
    const why = [
      noFace > 0 ? `no face in ${noFace}` : null,
      noLandmarks > 0 ? `no usable landmarks in ${noLandmarks}` : null,
      undecodable > 0 ? `${undecodable} not decodable` : null,
    ].filter((x): x is string => x !== null);
    parts.push(`no usable face in any frame (${r.sampled} sampled: ${why.join(', ')})`);
  } else if (r.flags.includes('too-few-frames')) {
    parts.push(`only ${r.kept} of ${r.sampled} sampled frames had a usable face: too few to use`);
  }
  if (r.flags.includes('mining-rejected') && r.mining && !r.mining.accepted && r.kept > 0) {
    const why = MINING_REASON[r.mining.reason] ?? r.mining.reason;
    parts.push(`not used as an unlabelled clip: ${why}`);
  }
  const small = r.smallFaceFrames ?? 0;
  if (small > 0) {
    parts.push(
      `${plural(small, 'kept frame')} with a face under about 40 px (landmarks unreliable)`,
    );
  }
  return parts.length > 0 ? parts.join('; ') : 'flagged';
}

/** Notes for a dataset's flagged and failed items, in item order. */
export function outcomeNotes(
  datasetId: string,
  records: readonly (Outcome & Pick<PreprocessedRecord, 'itemId'>)[],
): OutcomeNote[] {
  const prefix = `${datasetId}:`;
  const out: OutcomeNote[] = [];
  for (const r of records) {
    const message = outcomeMessage(r);
    if (message === null || r.status === 'done') continue;
    const key = r.itemId.startsWith(prefix) ? r.itemId.slice(prefix.length) : r.itemId;
    out.push({ itemId: r.itemId, key, status: r.status, message });
  }
  return out;
}

/** What happened to one file's frames on their way into the model (live inference). */
export interface ClipFramesCount {
  name: string;
  /** Frames sampled from the file. */
  sampled: number;
  /** Of those, frames with a usable face (kept by preprocessing). */
  withFace: number;
  /** Of those, frames fed to the model. */
  used: number;
  /** Frames per clip the model was trained with (its frame budget). */
  perClip: number;
}

/**
 * One line for the inference panel, e.g. "clip.mp4: 25 frames sampled, 25 with a face, 4 fed
 * to the model (it takes 4 frames per clip, spread over the clip)". It once read "4 of 25
 * frames with a face (25 sampled)", which looked like 21 missed faces (issue 17 item 11).
 */
export function clipFramesNote(c: ClipFramesCount): string {
  const sampled = `${plural(c.sampled, 'frame')} sampled`;
  const faces =
    c.withFace !== c.sampled
      ? `${c.withFace} with a face`
      : c.sampled === 1
        ? 'with a face'
        : 'all with a face';
  const fed =
    c.used < c.perClip
      ? `${c.used === 1 ? '1' : `all ${c.used}`} fed to the model (it takes ${c.perClip} frames per clip; the missing ones are masked out)`
      : `${c.used} fed to the model (it takes ${c.perClip} frames per clip, spread over the clip)`;
  return `${c.name}: ${sampled}, ${faces}, ${fed}`;
}
