import { describe, expect, it } from 'vitest';
import { checkOptionPlacement } from './argPlacement';

describe('checkOptionPlacement', () => {
  const refusal = (command: string, values: Record<string, unknown>): string | null => {
    try {
      checkOptionPlacement(command, values);
      return null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  };

  it('lets a command take its own options', () => {
    expect(refusal('evaluate', { split: 'test', phase: '1', frames: '8', json: true })).toBeNull();
    expect(refusal('experiment', { runtime: 'node-webgpu', frames: 'd', out: 'o' })).toBeNull();
  });

  it('names every command that takes a misplaced option, as a sentence', () => {
    expect(refusal('runs', { runtime: 'x' })).toBe("--runtime is an option of 'experiment' only.");
    expect(refusal('runs', { name: 'x' })).toBe(
      "--name is an option of 'ingest' and 'generate-demo' only.",
    );
    expect(refusal('runs', { out: 'o' })).toBe(
      "--out is an option of 'preprocess-media', 'experiment', 'export' and 'export-frames' only.",
    );
  });

  it('reports the first misplaced option in the table order', () => {
    expect(refusal('runs', { classes: 'a', layout: 'afew' })).toMatch(/^--layout /);
  });
});
