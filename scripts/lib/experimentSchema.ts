/**
 * The experiment file format (docs/experiments.md) as one zod schema: `parseExperiment` checks a
 * file with it (every problem names its field: "runs[1].train.optim.epochs must be ..."), and
 * `experimentJsonSchema()` turns it into experiments/schema.json (`npm run schema`), which the
 * shipped files name in `"$schema"` so editors complete and check them.
 */
import * as z from 'zod/mini';
import { block, doc, int, text } from '../../src/schema/fields';
import { trainFileSchema } from '../../src/train/configSchema';

/** The demo generator's sizes (src/ingest/demo/options.ts checks the same ranges). */
const demoCounts = z.partial(
  block({
    trainPerClass: int('an integer in [0, 10000]', { min: 0, max: 10000 }),
    valPerClass: int('an integer in [0, 10000]', { min: 0, max: 10000 }),
    testPerClass: int('an integer in [0, 10000]', { min: 0, max: 10000 }),
    pool: doc(
      int('an integer in [0, 100000]', { min: 0, max: 100000 }),
      'Unlabelled clips in all.',
    ),
    frames: doc(int('an integer in [4, 64]', { min: 4, max: 64 }), 'Frames per clip.'),
    size: doc(int('an integer in [64, 512]', { min: 64, max: 512 }), 'Frame side in pixels.'),
  }),
);

const demo = block({
  seed: z.optional(int('an integer')),
  counts: z.optional(demoCounts),
  name: doc(
    z.optional(text()),
    'The stored dataset it becomes (absent: "Demo (synthetic)"); reused when stored.',
  ),
});

const run = block({
  name: doc(text(), 'The run (and its records) are named after it; distinct per file.'),
  train: doc(
    z.optional(trainFileSchema),
    'Overrides of `base` for this run, merged key by key (arrays replaced).',
  ),
});

const dataset = block({
  demo: doc(z.optional(demo), 'Generate the synthetic demo dataset (reused when stored).'),
  name: doc(z.optional(text()), 'A stored dataset, by name or id.'),
}).check(
  z.refine((d) => (d.demo === undefined) !== (d.name === undefined), {
    error: 'must be {"demo": {...}} or {"name": "<stored dataset>"}',
  }),
  z.describe('Where the clips come from: {"demo": {...}} or {"name": "<stored dataset>"}.'),
);

export const experimentSchema = block({
  $schema: doc(z.optional(z.string()), 'The JSON Schema of this format, for editors.'),
  name: doc(text(), 'The experiment, as summary.md and the run names say it.'),
  description: z.optional(z.string({ error: 'a string' })),
  dataset,
  preprocess: doc(
    z.optional(z.record(z.string(), z.unknown(), { error: 'an object' })),
    'Preprocessing overrides (docs/preprocess-engine.md, "Defaults"); the app checks them.',
  ),
  preprocessWorkers: doc(
    z.optional(int('a whole number from 1 to 16', { min: 1, max: 16 })),
    "Preprocessing workers; absent: the app's default.",
  ),
  parallel: doc(
    z.optional(int('a whole number from 1 to 4', { min: 1, max: 4 })),
    'Runs trained at once, each in its own tab and worker; absent: 1.',
  ),
  seeds: doc(
    z
      .array(int('a whole number'), { error: 'a non-empty list of whole numbers' })
      .check(z.minLength(1, { error: 'a non-empty list of whole numbers' })),
    'Each run is trained once per seed.',
  ),
  base: doc(
    trainFileSchema,
    'Training config shared by every run: a preset and overrides (docs/training.md).',
  ),
  runs: z.array(run, { error: 'a list of at least one run' }).check(
    z.minLength(1, { error: 'a list of at least one run' }),
    z.refine((rs) => new Set(rs.map((r) => r.name)).size === rs.length, {
      error: 'must have distinct names',
    }),
  ),
});

export type ExperimentFile = z.output<typeof experimentSchema>;

/** experiments/schema.json's content (the file ends with a newline). */
export function experimentJsonSchema(): string {
  const schema = z.toJSONSchema(experimentSchema, { io: 'input', target: 'draft-7' });
  const titled = { $schema: schema.$schema, title: 'FER Workbench experiment', ...schema };
  return `${JSON.stringify(titled, null, 2)}\n`;
}
