import { describe, expect, it } from 'vitest';
import { parseTrainConfig } from '../train/config';
import { newRunRecord } from '../train/run/plan';
import type { RunRecord } from '../train/run/record';
import { applyRunChange } from './writer';

function run(over: Partial<RunRecord> = {}): RunRecord {
  const r = newRunRecord(parseTrainConfig({ preset: 'tiny' }, 'd'), 'r', 'r', 0);
  return { ...r, ...over };
}

describe('applyRunChange', () => {
  it('a stop goes on the stored record and says where the run resumes', () => {
    const stored = run({ status: 'running', position: { phase: 0, epoch: 2 } });
    const fallback = run({ status: 'running', position: { phase: 0, epoch: 3 } });
    const paused = applyRunChange(stored, {
      type: 'stopped',
      runId: 'r',
      fallback,
      why: 'pause',
      message: '',
    });
    expect(paused?.status).toBe('paused');
    expect(paused?.message).toBe(`Paused; resumes from epoch 3 of ${stored.phases[0]?.name}.`);
    const failed = applyRunChange(undefined, {
      type: 'stopped',
      runId: 'r',
      fallback,
      why: 'failed',
      message: 'boom',
    });
    expect(failed?.status).toBe('failed');
    expect(failed?.message).toMatch(/^boom \(resumable from epoch 4 of /);
  });

  it('an interruption only marks a run that still says running', () => {
    expect(
      applyRunChange(run({ status: 'paused' }), { type: 'interrupted', runId: 'r', message: 'x' }),
    ).toBeNull();
    const r = applyRunChange(run({ status: 'running' }), {
      type: 'interrupted',
      runId: 'r',
      message: 'crashed',
    });
    expect(r).toMatchObject({ status: 'interrupted', message: 'crashed' });
  });

  it('a new learning rate is recorded with the reason; the same one writes nothing', () => {
    const r = run();
    const lr = r.config.optim.learningRate;
    expect(applyRunChange(run(), { type: 'learning-rate', runId: 'r', learningRate: lr })).toBe(
      null,
    );
    const next = applyRunChange(run(), {
      type: 'learning-rate',
      runId: 'r',
      learningRate: lr / 10,
    });
    expect(next?.config.optim.learningRate).toBe(lr / 10);
    expect(next?.message).toBe(`Learning rate changed from ${lr} to ${lr / 10} on resume.`);
  });

  it('a lost device keeps where the failed run resumes', () => {
    const r = run({ status: 'failed', message: 'GPU read failed (resumable from epoch 2 of x)' });
    const next = applyRunChange(r, { type: 'device-lost', runId: 'r', message: 'Device lost.' });
    expect(next?.message).toBe('Device lost. (resumable from epoch 2 of x)');
    expect(
      applyRunChange(run({ status: 'done' }), { type: 'device-lost', runId: 'r', message: 'x' }),
    ).toBeNull();
  });
});
