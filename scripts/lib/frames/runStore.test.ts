/**
 * The Node runtime's run store on disk: what a run had in the in-memory database (record,
 * latest checkpoint, phase models) comes back from its file into a fresh database, through the
 * one run writer, so the engine resumes it from the checkpoint (no GPU needed here).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeRunChange } from '../../../src/runs/writer';
import { openFerDb } from '../../../src/storage/db';
import { getCheckpoint, getPhaseModel, getRun } from '../../../src/storage/runs';
import { tinyTrainConfig } from '../../../src/train/config';
import { newRunRecord } from '../../../src/train/run/plan';
import { dumpRun, readRunFile, restoreRun } from './runStore';

// fake-indexeddb's types do not resolve under Node's exports rules; its globals are all we use.
const fakeIdb: string = 'fake-indexeddb/auto';
await import(fakeIdb);

describe('run store files', () => {
  it('dumps a run with its checkpoint and phase model, and restores them into a fresh database', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fer-store-')), 'r.v8');
    const db = await openFerDb('store-a');
    const run = newRunRecord(tinyTrainConfig('d', 1), 'r', 'r', 0);
    await writeRunChange(db, { type: 'created', run });
    run.position = { phase: 0, epoch: 2 };
    run.status = 'failed';
    const w = { name: 'w', shape: [2], values: new Float32Array([0.5, -1.25]) };
    await writeRunChange(db, {
      type: 'progress',
      run,
      checkpoint: {
        kind: 'checkpoint',
        id: 'r/latest',
        runId: 'r',
        phase: 0,
        epoch: 2,
        savedAt: 1,
        weights: [w],
        optimizer: [],
        best: null,
        bestScore: null,
      },
    });
    await dumpRun(db, 'r', file);
    db.close();

    const stored = await readRunFile(file);
    expect(stored?.run.position).toEqual({ phase: 0, epoch: 2 });
    expect(stored?.phaseModels).toEqual([]);
    const fresh = await openFerDb('store-b');
    if (!stored) throw new Error('no file');
    await restoreRun(fresh, stored);
    expect((await getRun(fresh, 'r'))?.status).toBe('failed');
    const ckpt = await getCheckpoint(fresh, 'r');
    expect(ckpt?.epoch).toBe(2);
    expect(ckpt?.weights[0]?.values).toEqual(new Float32Array([0.5, -1.25]));
    expect(await getPhaseModel(fresh, 'r', 0)).toBeUndefined();
    fresh.close();
    expect(await readRunFile(`${file}.missing`)).toBeNull();
  });
});
