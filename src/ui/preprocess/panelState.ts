/** What the Preprocess panel shows: which dataset, and how many of its items are done. */
import type { RunProgress } from '../../preprocess/runTypes';

/**
 * Items finished out of the dataset's total: those this run did and those already done before
 * it (a run resumed after a reload skips them). Counting only this run's made the counter
 * restart at 1 / 13 after 5 / 13 were stored (issue 17 item 6).
 */
export function itemsCounted(p: Pick<RunProgress, 'itemsDone' | 'itemsSkipped'>): number {
  return p.itemsSkipped + p.itemsDone;
}

/**
 * The dataset the panel shows: the one being preprocessed while a run goes (a run resumed
 * after a reload may not be the selected one: the panel once showed one dataset's name over
 * another's progress, issue 17 item 6), else the selected one.
 */
export function shownDataset<D extends { id: string }>(
  selected: D,
  runningId: string | null,
  datasets: readonly D[],
): D {
  if (runningId === null || runningId === selected.id) return selected;
  return datasets.find((d) => d.id === runningId) ?? selected;
}
