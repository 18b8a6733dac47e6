import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './build';

/** One finished run of the runner, for tests. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `scripts/cli.ts` in a child process (as `npm run cli` does) and collects its output. */
export function runCli(
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, [path.join(REPO_ROOT, 'scripts', 'cli.ts'), ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: { ...process.env, ...opts.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

/** Parses a --json run's stdout, with the whole output in the error if it is not JSON. */
export function jsonOf(run: CliRun): Record<string, unknown> {
  try {
    return JSON.parse(run.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`stdout is not one JSON document:\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}
