/**
 * CK+: `cohn-kanade-images/Sxxx/yyy/Sxxx_yyy_zzzzzzzz.png` frame sequences (neutral to apex)
 * and `Emotion/Sxxx/yyy/Sxxx_yyy_zzzzzzzz_emotion.txt` label files holding one code
 * (0 neutral, 1 anger, 2 contempt, 3 disgust, 4 fear, 5 happy, 6 sadness, 7 surprise).
 *
 * One item per sequence folder (kind 'image-sequence', frames in natural name order),
 * key `Sxxx/yyy`, subject `Sxxx`, rawLabel the code as text ("3"): the plan's class map
 * reads it with `ckplusCodeToClass`. Sequences without a label file are unlabelled.
 * CK+'s `Landmarks/` and `FACS/` folders are skipped without a problem.
 */
import { basename, isImagePath, isJunkPath, naturalCompare, segments } from '../detect';
import type { FileProblem, LayoutPlan, PlannedItem, SourceFile } from '../types';

const SIDE_FOLDERS = new Set(['landmarks', 'facs']);

/** Reads a CK+ emotion file's text ("   3.0000000e+00\n") to its integer code, or null. */
export function parseCkplusEmotion(text: string): number | null {
  const t = text.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  const v = Number(t);
  return Number.isInteger(v) && v >= 0 && v <= 7 ? v : null;
}

/** `Sxxx/yyy` of a file inside `.../Sxxx/yyy/<file>`. */
function sequenceId(path: string): { subject: string; session: string } | null {
  const segs = segments(path);
  const session = segs[segs.length - 2];
  const subject = segs[segs.length - 3];
  if (session === undefined || subject === undefined) return null;
  return { subject, session };
}

function isEmotionFile(path: string): boolean {
  const segs = segments(path).map((s) => s.toLowerCase());
  return /_emotion\.txt$/i.test(path) || (segs.includes('emotion') && path.endsWith('.txt'));
}

export async function planCkplus(files: SourceFile[]): Promise<LayoutPlan> {
  const problems: FileProblem[] = [];
  const frames = new Map<string, SourceFile[]>(); // folder path -> frames
  const labelFiles = new Map<string, SourceFile>(); // "Sxxx/yyy" -> label file

  for (const src of files) {
    if (isJunkPath(src.path)) continue;
    const lower = segments(src.path).map((s) => s.toLowerCase());
    if (lower.slice(0, -1).some((s) => SIDE_FOLDERS.has(s))) continue;
    if (isEmotionFile(src.path)) {
      const id = sequenceId(src.path);
      if (!id) {
        problems.push({ path: src.path, code: 'ignored', message: 'label file outside Sxxx/yyy/' });
        continue;
      }
      const key = `${id.subject}/${id.session}`;
      const existing = labelFiles.get(key);
      if (existing) {
        const [keep, drop] =
          naturalCompare(existing.path, src.path) <= 0 ? [existing, src] : [src, existing];
        labelFiles.set(key, keep);
        problems.push({
          path: drop.path,
          code: 'ignored',
          message: `a second label file for ${key}; ${basename(keep.path)} is used`,
        });
      } else {
        labelFiles.set(key, src);
      }
      continue;
    }
    if (!isImagePath(src.path)) {
      problems.push({
        path: src.path,
        code: 'ignored',
        message: 'not a frame image or label file',
      });
      continue;
    }
    const folder = segments(src.path).slice(0, -1).join('/');
    const list = frames.get(folder) ?? [];
    list.push(src);
    frames.set(folder, list);
  }

  // Keys are Sxxx/yyy; if two folders share one (two copies of CK+), fall back to folder paths.
  const idCount = new Map<string, number>();
  for (const folder of frames.keys()) {
    const id = sequenceId(`${folder}/x`);
    const k = id ? `${id.subject}/${id.session}` : folder;
    idCount.set(k, (idCount.get(k) ?? 0) + 1);
  }

  const items: PlannedItem[] = [];
  const usedLabels = new Set<string>();
  const folders = [...frames.keys()].sort(naturalCompare);
  const labelled = await Promise.all(
    folders.map(async (folder): Promise<PlannedItem> => {
      const list = (frames.get(folder) ?? []).sort((a, b) =>
        naturalCompare(basename(a.path), basename(b.path)),
      );
      const id = sequenceId(`${folder}/x`);
      const seqId = id ? `${id.subject}/${id.session}` : folder;
      const item: PlannedItem = {
        key: (idCount.get(seqId) ?? 0) > 1 ? folder : seqId,
        kind: 'image-sequence',
        sources: list,
        rawLabel: null,
      };
      if (id) item.subject = id.subject;
      const labelFile = labelFiles.get(seqId);
      if (labelFile) {
        usedLabels.add(seqId);
        const code = parseCkplusEmotion(await labelFile.file.text());
        if (code === null) {
          problems.push({
            path: labelFile.path,
            code: 'parse-error',
            message:
              'expected one emotion code 0..7 (e.g. "3.0000000e+00"); the sequence is kept unlabelled',
          });
        } else {
          item.rawLabel = String(code);
        }
      }
      return item;
    }),
  );
  items.push(...labelled);

  for (const [seqId, labelFile] of labelFiles) {
    if (usedLabels.has(seqId)) continue;
    problems.push({
      path: labelFile.path,
      code: 'missing-file',
      message: `a label for sequence ${seqId}, but no frames of that sequence were dropped`,
    });
  }
  return { items, problems };
}
