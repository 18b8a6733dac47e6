/**
 * AFEW: `Train_AFEW/<Class>/<clip>.avi`, `Val_AFEW/<Class>/<clip>.avi` (also train/val/test
 * folders, or class folders with no split folder). The label is the class folder's name;
 * videos directly in a split folder (AFEW's test set) are unlabelled.
 */
import type { LayoutPlan, SourceFile } from '../types';
import { planClassFolders } from './imageFolders';

export function planAfew(files: SourceFile[]): Promise<LayoutPlan> {
  return Promise.resolve(planClassFolders(files, 'video'));
}
