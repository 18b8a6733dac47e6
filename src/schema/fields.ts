/**
 * Building blocks of the config schemas (zod v4's mini build, which tree-shakes: src/model/config.ts, src/train/configSchema.ts,
 * scripts/lib/experimentSchema.ts) and the one way their problems read:
 * "<field> must be <expected>, got <value>", e.g. "optim.epochs must be an integer ≥ 1, got 0".
 * Every field says what it expects once (`expected`); the same text is its error for a wrong
 * type and for a value out of range, and becomes its description in experiments/schema.json.
 */
import * as z from 'zod/mini';

// The app's Content-Security-Policy forbids eval (docs/security.md). zod compiles object
// parsers with `new Function` when it may; its probe for that is caught, but the browser
// still reports a CSP violation. jitless: parse without compiling, and never probe.
z.config({ jitless: true });

type Issue = z.core.$ZodIssue;

/** `a.b[2].c` */
export function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function valueText(v: unknown): string {
  const text =
    typeof v === 'number'
      ? String(v) // NaN and Infinity as themselves, not JSON's null
      : ['function', 'symbol', 'bigint'].includes(typeof v)
        ? typeof v
        : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * One problem as a sentence naming its field (`prefix` goes before the field's path).
 * Issues from a refinement (`code: 'custom'`) carry their own "must ..." phrase.
 */
export function issueText(issue: Issue, prefix: readonly PropertyKey[] = []): string {
  const where = pathText([...prefix, ...issue.path]) || 'the config';
  if (issue.code === 'unrecognized_keys')
    return issue.keys
      .map((k) => `${pathText([...prefix, ...issue.path, k])} is not a known field`)
      .join('; ');
  if (issue.code === 'custom') return `${where} ${issue.message}`;
  if (issue.input === undefined) return `${where} is missing`;
  return `${where} must be ${issue.message}, got ${valueText(issue.input)}`;
}

/** What a field without its own `expected` text expects, from the issue zod raised. */
function fallbackExpected(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'object' ? 'an object' : `a ${issue.expected}`;
    case 'too_small':
      return `${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}`;
    case 'too_big':
      return `${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return 'valid';
  }
}

/**
 * Parses `value`; on failure returns the problems as sentences (every one, not only the first).
 */
export function check<S extends z.ZodMiniType>(
  schema: S,
  value: unknown,
  prefix: readonly PropertyKey[] = [],
): { ok: true; value: z.output<S> } | { ok: false; problems: string[] } {
  const r = schema.safeParse(value, { reportInput: true, error: fallbackExpected });
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, problems: r.error.issues.map((i) => issueText(i, prefix)) };
}

/** An integer field; `min` / `max` inclusive. */
export function int(expected: string, range: { min?: number; max?: number } = {}) {
  const checks: z.core.$ZodCheck<number>[] = [];
  if (range.min !== undefined) checks.push(z.minimum(range.min, { error: expected }));
  if (range.max !== undefined) checks.push(z.maximum(range.max, { error: expected }));
  return z.int({ error: expected }).check(...checks, z.describe(expected));
}

/** A finite number; `gt` / `lt` exclusive, `min` / `max` inclusive bounds. */
export function num(
  expected: string,
  range: { gt?: number; min?: number; lt?: number; max?: number } = {},
) {
  const checks: z.core.$ZodCheck<number>[] = [];
  if (range.gt !== undefined) checks.push(z.gt(range.gt, { error: expected }));
  if (range.min !== undefined) checks.push(z.minimum(range.min, { error: expected }));
  if (range.lt !== undefined) checks.push(z.lt(range.lt, { error: expected }));
  if (range.max !== undefined) checks.push(z.maximum(range.max, { error: expected }));
  return z.number({ error: expected }).check(...checks, z.describe(expected));
}

/** One of a few strings, e.g. `oneOf(['average', 'frameAttention'])`. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const expected = values.map((v) => `'${v}'`).join(' or ');
  return z.enum(values, { error: expected }).check(z.describe(expected));
}

/** One of a few numbers, e.g. `oneOfNumbers([18, 34])`. */
export function oneOfNumbers<const T extends readonly [number, ...number[]]>(values: T) {
  const expected = values.join(' or ');
  return z.literal(values, { error: expected }).check(z.describe(expected));
}

/** A true / false field. */
export function bool() {
  return z.boolean({ error: 'true or false' });
}

/** A non-empty string. */
export function text(expected = 'a non-empty string') {
  return z.string({ error: expected }).check(z.minLength(1, { error: expected }));
}

/** A nested block that rejects fields it does not know (typos fail instead of doing nothing). */
export function block<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, { error: 'an object' });
}

/** `schema` with a description (a copy: the same field may read differently elsewhere). */
export function doc<S extends z.ZodMiniType>(schema: S, description: string): S {
  return schema.check(z.describe(description));
}
