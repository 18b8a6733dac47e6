/**
 * The experiment file format (docs/experiments.md) as one zod schema: `parseExperiment` checks a
 * file with it (every problem names its field: "runs[1].train.optim.epochs must be ..."), and
 * `experimentJsonSchema()` turns it into experiments/schema.json (`npm run schema`), which the
 * shipped files name in `"$schema"` so editors complete and check them.
 */
import { z } from 'zod';
import { block, int, text } from '../../src/schema/fields';
import { trainFileSchema } from '../../src/train/configSchema';

/** The demo generator's sizes (src/ingest/demo/options.ts checks the same ranges). */
const demoCounts = block({
  trainPerClass: int('an integer in [0, 10000]', { min: 0, max: 10000 }),
  valPerClass: int('an integer in [0, 10000]', { min: 0, max: 10000 }),
  testPerClass: int('an integer in [0, 10000]', { min: 0, max: 10000 }),
  pool: int('an integer in [0, 100000]', { min: 0, max: 100000 }).describe(
    'Unlabelled clips in all.',
  ),
  frames: int('an integer in [4, 64]', { min: 4, max: 64 }).describe('Frames per clip.'),
  size: int('an integer in [64, 512]', { min: 64, max: 512 }).describe('Frame side in pixels.'),
}).partial();

const demo = block({
  seed: int('an integer').optional(),
  counts: demoCounts.optional(),
  name: text()
    .optional()
    .describe('The stored dataset it becomes (absent: "Demo (synthetic)"); reused when stored.'),
});

const run = block({
  name: text().describe('The run (and its records) are named after it; distinct per file.'),
  train: trainFileSchema
    .optional()
    .describe('Overrides of `base` for this run, merged key by key (arrays replaced).'),
});

export const experimentSchema = block({
  $schema: z.string().optional().describe('The JSON Schema of this format, for editors.'),
  name: text().describe('The experiment, as summary.md and the run names say it.'),
  description: z.string({ error: 'a string' }).optional(),
  dataset: block({
    demo: demo.optional().describe('Generate the synthetic demo dataset (reused when stored).'),
    name: text().optional().describe('A stored dataset, by name or id.'),
  })
    .refine((d) => (d.demo === undefined) !== (d.name === undefined), {
      error: 'must be {"demo": {...}} or {"name": "<stored dataset>"}',
    })
    .describe('Where the clips come from: {"demo": {...}} or {"name": "<stored dataset>"}.'),
  preprocess: z
    .record(z.string(), z.unknown(), { error: 'an object' })
    .optional()
    .describe(
      'Preprocessing overrides (docs/preprocess-engine.md, "Defaults"); the app checks them.',
    ),
  preprocessWorkers: int('a whole number from 1 to 16', { min: 1, max: 16 })
    .optional()
    .describe("Preprocessing workers; absent: the app's default."),
  parallel: int('a whole number from 1 to 4', { min: 1, max: 4 })
    .optional()
    .describe('Runs trained at once, each in its own tab and worker; absent: 1.'),
  seeds: z
    .array(int('a whole number'), { error: 'a non-empty list of whole numbers' })
    .min(1, { error: 'a non-empty list of whole numbers' })
    .describe('Each run is trained once per seed.'),
  base: trainFileSchema.describe(
    'Training config shared by every run: a preset and overrides (docs/training.md).',
  ),
  runs: z
    .array(run, { error: 'a list of at least one run' })
    .min(1, { error: 'a list of at least one run' })
    .refine((rs) => new Set(rs.map((r) => r.name)).size === rs.length, {
      error: 'must have distinct names',
    }),
});

export type ExperimentFile = z.output<typeof experimentSchema>;

/** experiments/schema.json's content (the file ends with a newline). */
export function experimentJsonSchema(): string {
  const schema = z.toJSONSchema(experimentSchema, { io: 'input', target: 'draft-7' });
  const titled = { $schema: schema.$schema, title: 'FER Workbench experiment', ...schema };
  return `${JSON.stringify(titled, null, 2)}\n`;
}
