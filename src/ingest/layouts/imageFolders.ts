/**
 * `<Split?>/<Class>/<file>` layouts: the class is the file's folder, the split the nearest
 * split folder above it. Used for folders of images and (by afew.ts) folders of videos.
 */
import { classFolderOf, isJunkPath, naturalCompare, splitFromPath } from '../detect';
import { extensionKind } from '../extensions';
import type { FileProblem, LayoutPlan, PlannedItem, SourceFile } from '../types';

/**
 * One item per file of the wanted kind; other files become 'ignored' problems (OS clutter
 * such as .DS_Store is skipped silently). Files with no class folder are unlabelled.
 */
export function planClassFolders(files: SourceFile[], media: 'video' | 'image'): LayoutPlan {
  const items: PlannedItem[] = [];
  const problems: FileProblem[] = [];
  const sorted = [...files].sort((a, b) => naturalCompare(a.path, b.path));
  for (const src of sorted) {
    if (isJunkPath(src.path)) continue;
    if (extensionKind(src.path) !== media) {
      problems.push({
        path: src.path,
        code: 'ignored',
        message: `not ${media === 'video' ? 'a video' : 'an image'}: this layout holds ${media}s`,
      });
      continue;
    }
    const item: PlannedItem = {
      key: src.path,
      kind: media,
      sources: [src],
      rawLabel: classFolderOf(src.path),
    };
    const split = splitFromPath(src.path);
    if (split) item.split = split;
    items.push(item);
  }
  return { items, problems };
}

/** Folders of images, one folder per class (optionally under train/val/test folders). */
export function planImageFolders(files: SourceFile[]): Promise<LayoutPlan> {
  return Promise.resolve(planClassFolders(files, 'image'));
}
