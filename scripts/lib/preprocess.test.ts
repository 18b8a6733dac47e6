import { describe, expect, it } from 'vitest';
import type { DatasetSummary, PreprocessSummary } from './api';
import { CliError, EXIT } from './args';
import {
  preprocessFailure,
  preprocessJson,
  preprocessText,
  progressLine,
  resolveDataset,
} from './preprocess';
import { cropDirNames } from './preprocessMedia';

function dataset(id: string, name: string): DatasetSummary {
  return {
    id,
    name,
    layout: 'image-folders',
    labelled: true,
    status: 'ready',
    itemCount: 3,
    totalBytes: 0,
    totalDurationSec: null,
    classes: [],
    problems: [],
    createdAt: 0,
  };
}

function summary(over: Partial<PreprocessSummary> = {}): PreprocessSummary {
  return {
    datasetId: 'ds-1',
    configHash: '0123456789abcdef',
    config: {} as PreprocessSummary['config'],
    itemsTotal: 3,
    processed: 3,
    skipped: 0,
    byStatus: { done: 2, flagged: 1, failed: 0 },
    keptFrames: 50,
    sampledFrames: 60,
    dropped: { 'no-face': 8, 'no-landmarks': 2, 'decode-error': 0 },
    mining: { accepted: 2, rejected: { 'too-short': 1 } },
    seconds: 10,
    framesPerSec: 6,
    phase: 'done',
    workerCrashes: 0,
    outcomes: [],
    ...over,
  };
}

describe('resolveDataset', () => {
  const list = [dataset('ds-1', 'afew'), dataset('ds-2', 'dup'), dataset('ds-3', 'dup')];

  it('finds a dataset by id first, then by exact name', () => {
    expect(resolveDataset(list, 'ds-3').id).toBe('ds-3');
    expect(resolveDataset(list, 'afew').id).toBe('ds-1');
  });

  it('refuses unknown and ambiguous names with exit 2', () => {
    const err = (ref: string): CliError => {
      try {
        resolveDataset(list, ref);
      } catch (e) {
        expect(e).toBeInstanceOf(CliError);
        return e as CliError;
      }
      throw new Error('expected an error');
    };
    expect(err('AFEW').message).toMatch(/No dataset with id or name "AFEW"/);
    expect(err('AFEW').exitCode).toBe(EXIT.usage);
    expect(err('dup').message).toMatch(/2 datasets are named "dup" \(ds-2, ds-3\)/);
  });
});

describe('cropDirNames', () => {
  it('keeps stems, replaces unsafe characters and makes clashes unique', () => {
    expect(
      cropDirNames([
        '/a/clip.mp4',
        '/b/clip.mp4',
        '/c/Clip.png',
        '/d/my face (1).jpg',
        '/e/.hidden',
      ]),
    ).toEqual(['clip', 'clip-2', 'Clip-3', 'my_face_1_', 'hidden']);
  });
});

describe('preprocess results', () => {
  it('counts a run that stopped, was cancelled or failed every item as a failure', () => {
    const ds = dataset('ds-1', 'afew');
    expect(preprocessFailure(preprocessJson(ds, 2, summary()))).toBeNull();
    expect(
      preprocessFailure(
        preprocessJson(ds, 2, summary({ phase: 'stopped', stopReason: 'QuotaExceededError' })),
      ),
    ).toMatch(/stopped: QuotaExceededError/);
    expect(preprocessFailure(preprocessJson(ds, 2, summary({ phase: 'cancelled' })))).toMatch(
      /cancelled/,
    );
    expect(
      preprocessFailure(
        preprocessJson(ds, 2, summary({ byStatus: { done: 0, flagged: 0, failed: 3 } })),
      ),
    ).toMatch(/Every item failed/);
    expect(
      preprocessFailure(preprocessJson(ds, 2, summary({ itemsTotal: 0, processed: 0 }))),
    ).toMatch(/no items/);
  });

  it('says when a run had nothing to do', () => {
    const j = preprocessJson(dataset('ds-1', 'afew'), 1, summary({ processed: 0, skipped: 3 }));
    expect(j.alreadyDone).toBe(true);
    expect(preprocessText(j)).toMatch(/Nothing to do: all 3 items were already preprocessed/);
    const text = preprocessText(preprocessJson(dataset('ds-1', 'afew'), 1, summary()));
    expect(text).toMatch(/This run: 3 items in 10\.0 s, 6\.0 frames\/s/);
    expect(text).toMatch(/dropped: no-face\s+8/);
    expect(text).toMatch(/mining rejected: too-short\s+1/);
  });

  it('prints items, frames/s and the ETA in a progress line', () => {
    expect(
      progressLine({
        phase: 'running',
        itemsTotal: 10,
        itemsDone: 3,
        itemsSkipped: 2,
        framesDone: 120,
        framesPerSec: 4.25,
        etaSec: 95,
        elapsedSec: 30,
        current: [],
      }),
    ).toBe(
      'preprocess: running, 3/8 items (2 already done), 120 frames, 4.3 frames/s, ETA 1 min 35 s',
    );
  });
});
