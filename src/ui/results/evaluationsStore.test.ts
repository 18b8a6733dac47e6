import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CrossEvaluationRecord } from '../../evaluate/crossCorpus';

const stored = new Map<string, CrossEvaluationRecord[]>();
let finish: (() => void) | null = null;
vi.mock('../../evaluate/crossEval', () => ({
  listStoredEvaluations: (runId: string) => Promise.resolve(stored.get(runId) ?? []),
  storedEvaluationStaleness: (records: CrossEvaluationRecord[]) =>
    Promise.resolve(Object.fromEntries(records.map((r) => [r.id, 'changed']))),
  evaluateRunOnDataset: (
    _backend: unknown,
    req: { runId: string },
    progress: (done: number, total: number) => void,
  ) =>
    new Promise<void>((resolve, reject) => {
      progress(1, 4);
      finish = () => (req.runId === 'bad' ? reject(new Error('no clips')) : resolve());
    }),
}));
const { useEvaluationsStore } = await import('./evaluationsStore');

const record = (id: string) => ({ id }) as unknown as CrossEvaluationRecord;

describe('evaluations store', () => {
  beforeEach(() => {
    stored.clear();
    useEvaluationsStore.setState({
      runId: null,
      records: [],
      stale: {},
      running: null,
      error: null,
    });
  });

  it("an evaluation ending after another run is shown leaves that run's records alone", async () => {
    stored.set('a', [record('a1')]);
    stored.set('b', [record('b1')]);
    await useEvaluationsStore.getState().load('a');
    const done = useEvaluationsStore.getState().evaluate('a', null, 'd', null);
    expect(useEvaluationsStore.getState().running).toEqual({ runId: 'a', done: 1, total: 4 });
    await useEvaluationsStore.getState().load('b');
    stored.set('a', [record('a1'), record('a2')]);
    finish?.();
    await done;
    const s = useEvaluationsStore.getState();
    expect(s.runId).toBe('b');
    expect(s.records.map((r) => r.id)).toEqual(['b1']);
    expect(s.stale).toEqual({ b1: 'changed' }); // the shown run's staleness, not a's
    expect(s.running).toBeNull();
    // Shown again, run a has its new record.
    await s.load('a');
    expect(useEvaluationsStore.getState().records.map((r) => r.id)).toEqual(['a1', 'a2']);
  });

  it('an error belongs to the run evaluated', async () => {
    await useEvaluationsStore.getState().load('bad');
    const done = useEvaluationsStore.getState().evaluate('bad', null, 'd', null);
    finish?.();
    await done;
    expect(useEvaluationsStore.getState().error).toEqual({ runId: 'bad', message: 'no clips' });
  });
});
