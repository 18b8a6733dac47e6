/**
 * A typed pool of Web Workers. The UI thread only routes messages: decoding, detection and
 * encoding happen in the workers. One promise per request; progress messages go to the
 * request's callback; a worker that crashes (an uncaught error, a message that cannot be
 * read, or a job past its time limit) is thrown away, a fresh one takes its place and its
 * job is retried once, then reported. pause() stops handing out jobs (running ones finish),
 * resume() continues, cancelAll() rejects everything.
 *
 * The worker side speaks `PoolRequest` in and `PoolReply` out (see src/preprocess/protocol.ts
 * for the preprocessing instance). Workers are created lazily, up to `size`.
 */

/** Main thread -> worker. */
export type PoolRequest<Req> =
  | { type: 'run'; jobId: number; request: Req }
  /** Stop the job soon (between frames); the worker answers with an 'error' or its result. */
  | { type: 'cancel'; jobId: number };

/** Worker -> main thread. `status` carries worker-level news (e.g. models loaded). */
export type PoolReply<Res, Prog, Status = never> =
  | { type: 'progress'; jobId: number; progress: Prog }
  | { type: 'result'; jobId: number; result: Res }
  | { type: 'error'; jobId: number; message: string }
  | { type: 'status'; status: Status };

/** What the pool needs of a worker; `workerPort()` adapts a real Worker, tests pass fakes. */
export interface WorkerPort<In, Out> {
  post(message: In, transfer: Transferable[]): void;
  /** Registers the handlers (called once, right after creation). */
  listen(onMessage: (message: Out) => void, onCrash: (reason: string) => void): void;
  terminate(): void;
}

/** Adapts a DOM Worker to a WorkerPort. */
export function workerPort<In, Out>(worker: Worker): WorkerPort<In, Out> {
  return {
    post: (message, transfer) => {
      worker.postMessage(message, transfer);
    },
    listen: (onMessage, onCrash) => {
      worker.onmessage = (e: MessageEvent<Out>) => {
        onMessage(e.data);
      };
      worker.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        onCrash(e.message || 'the worker crashed');
      };
      worker.onmessageerror = () => {
        onCrash('a message from the worker could not be read');
      };
    },
    terminate: () => {
      worker.terminate();
    },
  };
}

/** Workers to use when the user has not chosen: half the cores, at least 1, at most 4. */
export function defaultPoolSize(
  hardwareConcurrency: number | undefined = typeof navigator === 'undefined'
    ? undefined
    : navigator.hardwareConcurrency,
): number {
  const cores = hardwareConcurrency && hardwareConcurrency > 0 ? hardwareConcurrency : 2;
  return Math.max(1, Math.min(4, Math.floor(cores / 2)));
}

export interface PoolOptions<Req, Res, Prog, Status> {
  create: () => WorkerPort<PoolRequest<Req>, PoolReply<Res, Prog, Status>>;
  /** Most workers at once (default: defaultPoolSize()). */
  size?: number;
  /** A job running longer than this counts as a crash (default: none). */
  jobTimeoutMs?: number;
  /** Retries after a crash (default 1). Errors the worker reports are not retried. */
  retries?: number;
  /** A cancelled job's worker gets this long to stop before it is terminated (default 5 s). */
  cancelGraceMs?: number;
  onStatus?: (status: Status) => void;
}

export interface RunOptions<Req, Prog> {
  /** Objects to transfer with the request (built per attempt: transferred buffers detach). */
  transfer?: (request: Req) => Transferable[];
  onProgress?: (progress: Prog) => void;
  signal?: AbortSignal;
}

/** A job failed: `crashed` after its retries, or `error` as the worker reported it. */
export class PoolJobError extends Error {
  override readonly name = 'PoolJobError';
  constructor(
    readonly kind: 'crashed' | 'error' | 'timeout',
    message: string,
    readonly attempts: number,
  ) {
    super(message);
  }
}

export function abortError(reason = 'cancelled'): DOMException {
  return new DOMException(reason, 'AbortError');
}

export function isAbortError(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

type Outcome<Res> = { ok: true; value: Res } | { ok: false; error: unknown };

interface Job<Req, Res, Prog> {
  jobId: number;
  make: () => Req;
  options: RunOptions<Req, Prog>;
  attempts: number;
  resolve: (r: Res) => void;
  reject: (e: unknown) => void;
  onAbort?: () => void;
}

interface Slot<Req, Res, Prog, Status> {
  port: WorkerPort<PoolRequest<Req>, PoolReply<Res, Prog, Status>>;
  job: Job<Req, Res, Prog> | null;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** A cancelled job's id: the worker is busy until it answers for it (or is terminated). */
  draining: number | null;
  dead: boolean;
}

export interface PoolStats {
  size: number;
  workers: number;
  running: number;
  queued: number;
  paused: boolean;
  crashes: number;
  retries: number;
}

export class WorkerPool<Req, Res, Prog = never, Status = never> {
  private readonly queue: Job<Req, Res, Prog>[] = [];
  private readonly slots: Slot<Req, Res, Prog, Status>[] = [];
  private nextJobId = 1;
  private paused = false;
  private destroyed = false;
  private crashes = 0;
  private retried = 0;
  private size: number;

  constructor(private readonly options: PoolOptions<Req, Res, Prog, Status>) {
    this.size = options.size ?? defaultPoolSize();
    if (!Number.isInteger(this.size) || this.size < 1) {
      throw new RangeError(`pool size must be a positive integer, got ${this.size}`);
    }
  }

  /** Queues a request; resolves with its result. A function request is rebuilt per attempt. */
  run(request: Req | (() => Req), options: RunOptions<Req, Prog> = {}): Promise<Res> {
    if (this.destroyed) return Promise.reject(new Error('the worker pool was destroyed'));
    if (options.signal?.aborted) return Promise.reject(abortError());
    return new Promise<Res>((resolve, reject) => {
      const job: Job<Req, Res, Prog> = {
        jobId: this.nextJobId++,
        make: typeof request === 'function' ? (request as () => Req) : () => request,
        options,
        attempts: 0,
        resolve,
        reject,
      };
      if (options.signal) {
        job.onAbort = () => {
          this.abortJob(job);
        };
        options.signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  /** Changes the number of workers; extra idle workers are terminated. */
  resize(size: number): void {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`bad pool size ${size}`);
    this.size = size;
    for (const slot of [...this.slots]) {
      if (this.slots.length <= size) break;
      if (!slot.job && slot.draining === null) this.retire(slot);
    }
    this.pump();
  }

  /** Rejects every queued and running job with an AbortError. */
  cancelAll(): void {
    for (const job of this.queue.splice(0)) this.settle(job, { ok: false, error: abortError() });
    for (const slot of this.slots) if (slot.job) this.abortJob(slot.job);
  }

  /** Cancels everything and terminates the workers. */
  destroy(): void {
    this.cancelAll();
    this.destroyed = true;
    for (const slot of [...this.slots]) this.retire(slot);
  }

  /**
   * Kills a worker that is running a job, as a crash would (tests and fault drills): it is
   * terminated at once and handled like any crash (a fresh worker retries its job, or the job
   * fails after its retries). A terminated Worker fires no event, so this goes through the
   * pool. Returns false when no worker was busy.
   */
  killBusyWorker(reason = 'the worker was terminated'): boolean {
    const slot = this.slots.find((s) => s.job && !s.dead);
    if (!slot) return false;
    this.onCrash(slot, reason, 'crashed');
    return true;
  }

  get stats(): PoolStats {
    return {
      size: this.size,
      workers: this.slots.length,
      running: this.slots.filter((s) => s.job).length,
      queued: this.queue.length,
      paused: this.paused,
      crashes: this.crashes,
      retries: this.retried,
    };
  }

  // -------------------------------------------------------------------------------------

  private pump(): void {
    if (this.paused || this.destroyed) return;
    while (this.queue.length > 0) {
      const slot = this.freeSlot();
      if (!slot) return;
      const job = this.queue.shift();
      if (job) this.start(slot, job);
    }
  }

  private freeSlot(): Slot<Req, Res, Prog, Status> | null {
    const idle = this.slots.find((s) => !s.job && s.draining === null && !s.dead);
    if (idle) return idle;
    if (this.slots.length >= this.size) return null;
    const slot: Slot<Req, Res, Prog, Status> = {
      port: this.options.create(),
      job: null,
      timer: undefined,
      draining: null,
      dead: false,
    };
    slot.port.listen(
      (m) => {
        this.onMessage(slot, m);
      },
      (reason) => {
        this.onCrash(slot, reason, 'crashed');
      },
    );
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot<Req, Res, Prog, Status>, job: Job<Req, Res, Prog>): void {
    job.attempts++;
    slot.job = job;
    let request: Req;
    try {
      request = job.make();
    } catch (e) {
      slot.job = null;
      this.settle(job, { ok: false, error: e });
      return;
    }
    if (this.options.jobTimeoutMs !== undefined) {
      slot.timer = setTimeout(() => {
        this.onCrash(slot, `the job took longer than ${this.options.jobTimeoutMs} ms`, 'timeout');
      }, this.options.jobTimeoutMs);
    }
    try {
      slot.port.post(
        { type: 'run', jobId: job.jobId, request },
        job.options.transfer?.(request) ?? [],
      );
    } catch (e) {
      // Could not even send (e.g. a detached buffer): the job is wrong, not the worker.
      this.clearJob(slot);
      this.settle(job, { ok: false, error: e });
      this.pump();
    }
  }

  private onMessage(slot: Slot<Req, Res, Prog, Status>, m: PoolReply<Res, Prog, Status>): void {
    if (m.type === 'status') {
      this.options.onStatus?.(m.status);
      return;
    }
    if (slot.draining === m.jobId && m.type !== 'progress') {
      clearTimeout(slot.timer);
      slot.timer = undefined;
      slot.draining = null;
      this.pump();
      return;
    }
    const job = slot.job;
    if (!job || job.jobId !== m.jobId) return; // a late message of a cancelled job
    switch (m.type) {
      case 'progress':
        job.options.onProgress?.(m.progress);
        return;
      case 'result':
        this.clearJob(slot);
        this.settle(job, { ok: true, value: m.result });
        break;
      case 'error':
        this.clearJob(slot);
        this.settle(job, {
          ok: false,
          error: new PoolJobError('error', m.message, job.attempts),
        });
        break;
    }
    this.pump();
  }

  private onCrash(
    slot: Slot<Req, Res, Prog, Status>,
    reason: string,
    kind: 'crashed' | 'timeout',
  ): void {
    if (slot.dead) return;
    this.crashes++;
    const job = slot.job;
    this.retire(slot);
    if (job) {
      if (job.attempts <= (this.options.retries ?? 1)) {
        this.retried++;
        this.queue.unshift(job);
      } else {
        this.settle(job, { ok: false, error: new PoolJobError(kind, reason, job.attempts) });
      }
    }
    this.pump();
  }

  private abortJob(job: Job<Req, Res, Prog>): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(job, { ok: false, error: abortError() });
      return;
    }
    const slot = this.slots.find((s) => s.job === job);
    if (!slot) return;
    this.clearJob(slot);
    this.settle(job, { ok: false, error: abortError() });
    slot.draining = job.jobId;
    slot.port.post({ type: 'cancel', jobId: job.jobId }, []);
    const grace = this.options.cancelGraceMs ?? 5000;
    slot.timer = setTimeout(() => {
      if (slot.draining === job.jobId) this.retire(slot);
      this.pump();
    }, grace);
  }

  private clearJob(slot: Slot<Req, Res, Prog, Status>): void {
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = null;
  }

  private retire(slot: Slot<Req, Res, Prog, Status>): void {
    this.clearJob(slot);
    slot.dead = true;
    slot.port.terminate();
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
  }

  private settle(job: Job<Req, Res, Prog>, outcome: Outcome<Res>): void {
    if (job.onAbort) job.options.signal?.removeEventListener('abort', job.onAbort);
    if (outcome.ok) job.resolve(outcome.value);
    else job.reject(outcome.error);
  }
}
