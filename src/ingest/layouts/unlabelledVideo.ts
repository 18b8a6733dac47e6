/** A folder of videos without labels (e.g. BoLD/AVA clips): every video is an unlabelled item. */
import { isJunkPath, isVideoPath, naturalCompare, splitFromPath } from '../detect';
import type { FileProblem, LayoutPlan, PlannedItem, SourceFile } from '../types';

export function planUnlabelledVideo(files: SourceFile[]): Promise<LayoutPlan> {
  const items: PlannedItem[] = [];
  const problems: FileProblem[] = [];
  for (const src of [...files].sort((a, b) => naturalCompare(a.path, b.path))) {
    if (isJunkPath(src.path)) continue;
    if (!isVideoPath(src.path)) {
      problems.push({ path: src.path, code: 'ignored', message: 'not a video' });
      continue;
    }
    const item: PlannedItem = { key: src.path, kind: 'video', sources: [src], rawLabel: null };
    const split = splitFromPath(src.path);
    if (split) item.split = split;
    items.push(item);
  }
  return Promise.resolve({ items, problems });
}
