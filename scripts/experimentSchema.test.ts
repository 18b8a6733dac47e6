/**
 * experiments/schema.json: generated from the zod schema the CLI checks experiment files with
 * (`npm run schema`), never stale, and every shipped experiment file names it and passes it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseExperiment } from './lib/experiment';
import { experimentJsonSchema } from './lib/experimentSchema';

const DIR = path.resolve(import.meta.dirname, '..', 'experiments');
const committed = readFileSync(path.join(DIR, 'schema.json'), 'utf8');
const shipped = readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'schema.json');
/** A validator built from the committed JSON Schema alone, not from our zod source. */
const fromFile = z.fromJSONSchema(JSON.parse(committed) as z.core.JSONSchema.JSONSchema);

describe('experiments/schema.json', () => {
  it('is what `npm run schema` writes now (regenerate it after changing a config schema)', () => {
    expect(committed).toBe(experimentJsonSchema());
  });

  it('ships experiment files', () => {
    expect(shipped.length).toBeGreaterThanOrEqual(5);
  });

  it.each(shipped)('%s names the schema, passes it and the CLI loads it', (file) => {
    const text = readFileSync(path.join(DIR, file), 'utf8');
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(doc.$schema).toBe('./schema.json');
    const r = fromFile.safeParse(doc);
    expect(r.error?.issues ?? []).toEqual([]);
    expect(parseExperiment(text, file).name).toBe(doc.name);
  });

  it('rejects what the CLI rejects: an unknown field, a value out of range, a wrong type', () => {
    const ok = {
      name: 'x',
      dataset: { demo: { seed: 1 } },
      seeds: [1],
      base: { preset: 'tiny', optim: { epochs: 2 } },
      runs: [{ name: 'a', train: { variant: 'baseline' } }],
    };
    expect(fromFile.safeParse(ok).success).toBe(true);
    const bad = [
      { ...ok, base: { preset: 'tiny', optim: { epoch: 2 } } },
      { ...ok, base: { preset: 'tiny', optim: { epochs: 0 } } },
      { ...ok, base: { preset: 'huge' } },
      { ...ok, runs: [{ name: 'a', train: { model: { backbone: { depth: 50 } } } }] },
      { ...ok, parallel: 5 },
      { ...ok, seeds: [] },
      { ...ok, typo: 1 },
    ];
    for (const doc of bad) expect(fromFile.safeParse(doc).success, JSON.stringify(doc)).toBe(false);
  });
});
