/// <reference types="vite/client" />
/**
 * One ffmpeg.wasm per thread (main thread or a worker), loaded lazily from files our own
 * build serves, used by one job at a time: ffmpeg.wasm runs a single command at a time and
 * shares one file system, so jobs go through a queue. Each job's input is mounted
 * read-only (WORKERFS: the Blob is read on demand, never copied into wasm memory) and every
 * file a job writes is deleted when it ends. A job that outlives its timeout kills the
 * instance (the wasm cannot be interrupted) and the next job loads a fresh one.
 */
// The library (and the worker it starts) loads on the first job, as its own chunk: the app's
// first chunk only carries the URLs.
import type { FFmpeg } from '@ffmpeg/ffmpeg';
// Served from our own origin (never the CDN default the library falls back to).
import coreURL from '@ffmpeg/core?url';
import wasmURL from '@ffmpeg/core/wasm?url';
import { MediaDecodeError, mediaSettings } from './types';
import { extensionOf } from './sniff';

export interface FfmpegRun {
  /** Exit code: 0 ok; ffprobe reports -1 even on success (check its output file). */
  code: number;
  /** Log lines (stderr and stdout) of this command only. */
  log: string[];
}

/** What a job can do while it holds ffmpeg. Paths are relative to the job's own folder. */
export interface FfmpegJob {
  /** Path of the mounted input file, for `-i`. */
  input: string;
  /** A path for an output file; it is deleted when the job ends. */
  output: (name: string) => string;
  exec: (args: string[]) => Promise<FfmpegRun>;
  ffprobe: (args: string[]) => Promise<FfmpegRun>;
  readFile: (path: string) => Promise<Uint8Array>;
  listOutputs: () => Promise<string[]>;
}

let loaded: Promise<FFmpeg> | null = null;
let queue: Promise<unknown> = Promise.resolve();
let jobCounter = 0;
/** Exposed for tests and the report: how often ffmpeg.wasm was loaded in this thread. */
export const ffmpegStats = { loads: 0, jobs: 0, timeouts: 0, lastLoadMs: 0 };

function load(): Promise<FFmpeg> {
  if (loaded) return loaded;
  const t0 = performance.now();
  const p = import('@ffmpeg/ffmpeg')
    .catch((e: unknown) => {
      loaded = null;
      throw e instanceof Error ? e : new Error(String(e));
    })
    .then(({ FFmpeg }) => {
      const ff = new FFmpeg();
      return withTimer(
        ff.load({ coreURL, wasmURL }),
        mediaSettings.ffmpegLoadTimeoutMs,
        () => new Error('ffmpeg.wasm did not load in time'),
      ).then(
        () => {
          ffmpegStats.loads++;
          ffmpegStats.lastLoadMs = performance.now() - t0;
          return ff;
        },
        (e: unknown) => {
          ff.terminate();
          loaded = null;
          throw e instanceof Error ? e : new Error(String(e));
        },
      );
    });
  loaded = p;
  return p;
}

function kill(ff: FFmpeg): void {
  ff.terminate();
  loaded = null;
}

function withTimer<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(onTimeout());
    }, ms);
  });
  return Promise.race([p, t]).finally(() => {
    clearTimeout(timer);
  });
}

/** Starts ffmpeg.wasm loading in the background (e.g. when an import dialog opens). */
export function preloadFfmpeg(): Promise<void> {
  return load().then(() => undefined);
}

/** Whether this thread has loaded ffmpeg.wasm. */
export function ffmpegLoaded(): boolean {
  return loaded !== null;
}

/**
 * Runs `fn` with exclusive use of ffmpeg.wasm and `file` mounted as its input. The time
 * spent in `fn` is limited to `timeoutMs` (loading is not counted); past it the instance is
 * killed and the promise rejects with a 'corrupt' MediaDecodeError.
 */
export function withFfmpeg<T>(
  file: Blob,
  name: string,
  timeoutMs: number,
  fn: (job: FfmpegJob) => Promise<T>,
): Promise<T> {
  const run = queue.then(
    () => runJob(file, name, timeoutMs, fn),
    () => runJob(file, name, timeoutMs, fn),
  );
  queue = run.catch(() => undefined);
  return run;
}

async function runJob<T>(
  file: Blob,
  name: string,
  timeoutMs: number,
  fn: (job: FfmpegJob) => Promise<T>,
): Promise<T> {
  const ff = await load();
  const { FFFSType } = await import('@ffmpeg/ffmpeg');
  const id = ++jobCounter;
  ffmpegStats.jobs++;
  const dir = `/job${id}`;
  const inDir = `${dir}/in`;
  const ext = extensionOf(name).replace(/[^a-z0-9]/g, '');
  const inputName = `input${ext ? `.${ext}` : ''}`;
  const outputs = new Set<string>();
  let log: string[] = [];
  const onLog = ({ message }: { message: string }): void => {
    log.push(message);
  };
  ff.on('log', onLog);

  const job: FfmpegJob = {
    input: `${inDir}/${inputName}`,
    output: (n) => {
      const p = `${dir}/${n}`;
      outputs.add(p);
      return p;
    },
    exec: async (args) => {
      log = [];
      const code = await ff.exec(args);
      return { code, log };
    },
    ffprobe: async (args) => {
      log = [];
      const code = await ff.ffprobe(args);
      return { code, log };
    },
    readFile: async (path) => {
      const data = await ff.readFile(path);
      if (typeof data === 'string') return new TextEncoder().encode(data);
      return data;
    },
    listOutputs: async () =>
      (await ff.listDir(dir)).filter((n) => !n.isDir).map((n) => `${dir}/${n.name}`),
  };

  const state = { timedOut: false };
  try {
    await ff.createDir(dir);
    await ff.createDir(inDir);
    await ff.mount(FFFSType.WORKERFS, { blobs: [{ name: inputName, data: file }] }, inDir);
    return await withTimer(fn(job), timeoutMs, () => {
      state.timedOut = true;
      return new MediaDecodeError(
        'corrupt',
        `could not decode: ffmpeg gave no result within ${Math.round(timeoutMs / 1000)} s (the file is probably damaged)`,
      );
    });
  } finally {
    ff.off('log', onLog);
    if (state.timedOut) {
      ffmpegStats.timeouts++;
      kill(ff);
    } else {
      await cleanup(ff, dir, inDir, outputs);
    }
  }
}

async function cleanup(
  ff: FFmpeg,
  dir: string,
  inDir: string,
  outputs: Set<string>,
): Promise<void> {
  try {
    await ff.unmount(inDir);
    await ff.deleteDir(inDir);
    for (const n of await ff.listDir(dir)) {
      if (!n.isDir) await ff.deleteFile(`${dir}/${n.name}`);
    }
    for (const p of outputs) outputs.delete(p);
    await ff.deleteDir(dir);
  } catch {
    // A file system we cannot clean is a leak in wasm memory: start afresh next time.
    kill(ff);
  }
}
