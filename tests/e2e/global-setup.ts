import { execFileSync } from 'node:child_process';

/** Builds the media fixtures once (a stamp makes reruns free). */
export default function globalSetup(): void {
  execFileSync('npx', ['tsx', 'tests/fixtures/make-fixtures.ts'], { stdio: 'inherit' });
}
