import { describe, expect, it } from 'vitest';
import { itemsCounted, shownDataset } from './panelState';

describe('the Preprocess panel after a reload (issue 17 item 6)', () => {
  const demo = { id: 'demo', name: 'Demo (synthetic)' };
  const afew = { id: 'afew', name: 'Train_AFEW' };

  it('shows the dataset being preprocessed, not the selected one', () => {
    expect(shownDataset(demo, 'afew', [demo, afew])).toBe(afew);
    expect(shownDataset(demo, null, [demo, afew])).toBe(demo);
    expect(shownDataset(afew, 'afew', [demo, afew])).toBe(afew);
    // A run of a dataset no longer listed (deleted): the selected one.
    expect(shownDataset(demo, 'gone', [demo])).toBe(demo);
  });

  it('counts the items done before the run as done', () => {
    // 5 of 13 stored before the reload; the resumed run skipped them and finished 1 more.
    expect(itemsCounted({ itemsSkipped: 5, itemsDone: 1 })).toBe(6);
    expect(itemsCounted({ itemsSkipped: 0, itemsDone: 0 })).toBe(0);
  });
});
