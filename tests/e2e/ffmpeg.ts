import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

/** Debian's ffmpeg, which makes the test videos (override with FFMPEG). */
export const FFMPEG = process.env.FFMPEG ?? '/usr/bin/ffmpeg';

/**
 * Runs ffmpeg quietly, overwriting its output: `ffmpeg -hide_banner -loglevel error -y
 * [-threads N] ...args`. One thread makes the encoders bit-exact from run to run.
 */
export function ffmpeg(args: readonly string[], opts: { threads?: number } = {}): void {
  const threads = opts.threads === undefined ? [] : ['-threads', String(opts.threads)];
  execFileSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', ...threads, ...args]);
}

/**
 * Makes each video of `videos` (file name -> ffmpeg arguments after `-y`, before the output)
 * in `dir`, single-threaded, followed by `outputArgs`. A non-empty file already there is kept.
 * Each video is written under a temporary name and renamed, so an interrupted run leaves no
 * half-written file that a later run would keep.
 */
export function makeVideos(
  dir: string,
  videos: Record<string, readonly string[]>,
  outputArgs: readonly string[] = [],
): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, args] of Object.entries(videos)) {
    const out = join(dir, name);
    if (existsSync(out) && statSync(out).size > 0) continue;
    const tmp = `${out}.tmp${extname(name)}`;
    ffmpeg([...args, ...outputArgs, tmp], { threads: 1 });
    renameSync(tmp, out);
  }
}
