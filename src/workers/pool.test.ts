import { describe, expect, it } from 'vitest';
import {
  defaultPoolSize,
  isAbortError,
  PoolJobError,
  WorkerPool,
  type PoolReply,
  type PoolRequest,
  type WorkerPort,
} from './pool';

/**
 * A fake worker: squares numbers after `delay` ms, reporting progress first. Special inputs:
 * -1 crashes the worker (an uncaught error), -2 reports a job error, -3 never answers
 * (until cancelled), -4 crashes only the first worker that sees it.
 */
type Req = number;
type Res = { square: number; worker: number };
type Prog = { step: number };
type Status = { workerReady: number };

const log = { created: 0, terminated: 0, crashedOnce: false };

class FakeWorker implements WorkerPort<PoolRequest<Req>, PoolReply<Res, Prog, Status>> {
  readonly id = ++log.created;
  private onMessage: (m: PoolReply<Res, Prog, Status>) => void = () => undefined;
  private onCrash: (reason: string) => void = () => undefined;
  private terminated = false;
  readonly transferred: Transferable[][] = [];
  constructor(private readonly delay = 5) {}

  listen(onMessage: (m: PoolReply<Res, Prog, Status>) => void, onCrash: (r: string) => void) {
    this.onMessage = onMessage;
    this.onCrash = onCrash;
    this.later(() => {
      this.onMessage({ type: 'status', status: { workerReady: this.id } });
    }, 0);
  }

  post(m: PoolRequest<Req>, transfer: Transferable[]): void {
    this.transferred.push(transfer);
    if (m.type === 'cancel') {
      this.later(() => {
        this.onMessage({ type: 'error', jobId: m.jobId, message: 'cancelled' });
      }, 1);
      return;
    }
    const { jobId, request: n } = m;
    this.later(() => {
      this.onMessage({ type: 'progress', jobId, progress: { step: 1 } });
    }, 1);
    this.later(() => {
      if (n === -1 || (n === -4 && !log.crashedOnce)) {
        log.crashedOnce = true;
        this.onCrash('boom');
      } else if (n === -2) this.onMessage({ type: 'error', jobId, message: 'bad input' });
      else if (n === -3) return;
      else this.onMessage({ type: 'result', jobId, result: { square: n * n, worker: this.id } });
    }, this.delay);
  }

  terminate(): void {
    this.terminated = true;
    log.terminated++;
  }

  private later(f: () => void, ms: number): void {
    setTimeout(() => {
      if (!this.terminated) f();
    }, ms);
  }
}

function makePool(size: number, extra: { jobTimeoutMs?: number; cancelGraceMs?: number } = {}) {
  const workers: FakeWorker[] = [];
  const statuses: Status[] = [];
  const pool = new WorkerPool<Req, Res, Prog, Status>({
    size,
    create: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
    onStatus: (s) => statuses.push(s),
    ...extra,
  });
  return { pool, workers, statuses };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WorkerPool', () => {
  it('answers each request with its own promise, spreads work, creates workers lazily', async () => {
    const { pool, workers, statuses } = makePool(2);
    expect(workers).toHaveLength(0);
    const progress: number[] = [];
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => pool.run(n, { onProgress: (p) => progress.push(p.step + n) })),
    );
    expect(results.map((r) => r.square)).toEqual([1, 4, 9, 16, 25]);
    expect(new Set(results.map((r) => r.worker)).size).toBe(2);
    expect(workers).toHaveLength(2);
    expect(progress.sort()).toEqual([2, 3, 4, 5, 6]);
    expect(statuses).toHaveLength(2);
    expect(pool.stats).toMatchObject({ workers: 2, running: 0, queued: 0, crashes: 0 });
  });

  it('replaces a crashed worker and retries its job once', async () => {
    log.crashedOnce = false;
    const { pool, workers } = makePool(1);
    const r = await pool.run(-4);
    expect(r.square).toBe(16);
    expect(workers).toHaveLength(2);
    expect(pool.stats).toMatchObject({ crashes: 1, retries: 1, workers: 1 });
    // The pool goes on with the replacement.
    expect((await pool.run(3)).square).toBe(9);
  });

  it('reports a job that crashes its worker twice, and keeps serving others', async () => {
    const { pool } = makePool(1);
    const failing = pool.run(-1);
    const other = pool.run(6);
    const e: unknown = await failing.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PoolJobError);
    expect(e).toMatchObject({ kind: 'crashed', attempts: 2, message: 'boom' });
    expect((await other).square).toBe(36);
    expect(pool.stats.crashes).toBe(2);
  });

  it('a worker killed mid-job (test hook) is replaced and its job retried; idle: nothing to kill', async () => {
    const { pool, workers } = makePool(1);
    expect(pool.killBusyWorker()).toBe(false);
    const job = pool.run(7);
    await tick(2);
    expect(pool.killBusyWorker('killed')).toBe(true);
    expect((await job).square).toBe(49);
    expect(workers).toHaveLength(2);
    expect(pool.stats).toMatchObject({ crashes: 1, retries: 1, workers: 1 });
    // Killed on both tries, the job fails with the reason.
    const twice = pool.run(8);
    await tick(2);
    pool.killBusyWorker('killed');
    await tick(2);
    pool.killBusyWorker('killed');
    await expect(twice).rejects.toMatchObject({ kind: 'crashed', message: 'killed' });
  });

  it('reports an error the worker sends without retrying', async () => {
    const { pool, workers } = makePool(1);
    await expect(pool.run(-2)).rejects.toMatchObject({ kind: 'error', attempts: 1 });
    expect(workers).toHaveLength(1);
  });

  it('treats a job past its time limit as a crash', async () => {
    const { pool, workers } = makePool(1, { jobTimeoutMs: 30 });
    await expect(pool.run(-3)).rejects.toMatchObject({ kind: 'timeout', attempts: 2 });
    expect(workers).toHaveLength(2);
  });

  it('pauses (running jobs finish, queued ones wait) and resumes', async () => {
    const { pool } = makePool(1);
    const done: number[] = [];
    const all = [1, 2, 3].map((n) => pool.run(n).then((r) => done.push(r.square)));
    pool.pause();
    await tick(30);
    expect(done).toEqual([1]);
    expect(pool.stats).toMatchObject({ paused: true, queued: 2 });
    pool.resume();
    await Promise.all(all);
    expect(done).toEqual([1, 4, 9]);
  });

  it('cancels queued and running jobs with an AbortError; the worker is reused after it stops', async () => {
    const { pool, workers } = makePool(1);
    const controller = new AbortController();
    const hung = pool.run(-3, { signal: controller.signal });
    const queued = pool.run(2, { signal: controller.signal });
    await tick(5);
    controller.abort();
    for (const p of [hung, queued]) {
      const e = await p.catch((x: unknown) => x);
      expect(isAbortError(e)).toBe(true);
    }
    expect((await pool.run(5)).square).toBe(25);
    expect(workers).toHaveLength(1);
    // cancelAll on a pool with work.
    const a = pool.run(7);
    const b = pool.run(8);
    pool.cancelAll();
    await expect(a).rejects.toThrow('cancelled');
    await expect(b).rejects.toThrow('cancelled');
  });

  it('terminates a cancelled job that does not stop within the grace period', async () => {
    const { pool, workers } = makePool(1, { cancelGraceMs: 20 });
    const controller = new AbortController();
    // A worker that ignores 'cancel': replace its post for cancel messages.
    const p = pool.run(-3, { signal: controller.signal });
    const w = workers[0];
    if (!w) throw new Error('no worker');
    const post = w.post.bind(w);
    w.post = (m, t) => {
      if (m.type !== 'cancel') post(m, t);
    };
    controller.abort();
    await expect(p).rejects.toThrow('cancelled');
    await tick(40);
    expect((await pool.run(4)).square).toBe(16);
    expect(workers).toHaveLength(2);
  });

  it('rebuilds a request per attempt and transfers what it names', async () => {
    log.crashedOnce = false;
    const { pool, workers } = makePool(1);
    let built = 0;
    const buffer = new ArrayBuffer(8);
    await pool.run(
      () => {
        built++;
        return -4;
      },
      { transfer: () => [buffer] },
    );
    expect(built).toBe(2);
    expect(workers[0]?.transferred[0]).toEqual([buffer]);
  });

  it('sizes itself from the cores', () => {
    expect(defaultPoolSize(1)).toBe(1);
    expect(defaultPoolSize(2)).toBe(1);
    expect(defaultPoolSize(8)).toBe(4);
    expect(defaultPoolSize(64)).toBe(4);
    expect(defaultPoolSize(undefined)).toBe(1);
    expect(() => makePool(0)).toThrow(RangeError);
  });
});
