import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FIXTURES = resolve('tests/fixtures/generated');

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

/** The numbers the fixture generator recorded for a fixture set (tests/fixtures/README.md). */
export function expected(name: string): unknown {
  return JSON.parse(readFileSync(fixturePath(`${name}.expected.json`), 'utf8'));
}

export interface ClipInfo {
  path: string;
  bytes: number;
  durationSec: number;
}

export interface AfewExpected {
  fileCount: number;
  totalBytes: number;
  totalDurationSec: number;
  perClass: Record<string, number>;
  perSplit: Record<string, Record<string, number>>;
  files: ClipInfo[];
}
