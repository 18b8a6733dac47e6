/**
 * `npm run schema`: writes experiments/schema.json, the JSON Schema of experiment files, from
 * the zod schema the CLI checks them with (scripts/lib/experimentSchema.ts). A unit test
 * (scripts/experimentSchema.test.ts) fails when the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { experimentJsonSchema } from './lib/experimentSchema';

const file = path.resolve(import.meta.dirname, '..', 'experiments', 'schema.json');
writeFileSync(file, experimentJsonSchema());
console.log(`Wrote ${path.relative(process.cwd(), file)}`);
