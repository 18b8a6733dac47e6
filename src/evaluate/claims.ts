/**
 * The paper's claims, checked on a set of run records paired by seed (issue "the paper's
 * claims, shown"). Pure: no tfjs, no DOM; the headless experiment runner (summary.json /
 * summary.md) and the Compare tab both call `computeClaims`. docs/experiments.md, "Claims
 * table", documents the matching, the metric and the test.
 *
 * Roles come from the configs, not the names: runs are grouped by seed and labelled dataset;
 * in each group the *reference* is the full noisy-student run, and every other run is compared
 * with it leaf by leaf (ignoring the seed, iterations, student epochs and teacher reuse).
 */
import type { ModelConfig } from '../model/config';
import type { TrainConfig } from '../train/config';
import type { PhaseRecord, RunRecord } from '../train/run/record';
import { meanAndSpread } from './metrics';
import { studentTCdf, studentTQuantile } from './tdist';

export { studentTCdf, studentTQuantile } from './tdist';

export type ClaimId =
  | 'attention-vs-baseline'
  | 'student1-vs-teacher'
  | 'student2-vs-student1'
  | 'noise-on-vs-off'
  | 'balance-on-vs-off';
export type ClaimRelation = '>' | '>=';
export type ClaimSplit = 'test' | 'validation';
export type RunRole = 'reference' | 'baseline' | 'noise-off' | 'balance-off';

/**
 * Non-inferiority margin of the `>=` claims, in accuracy units: "better >= worse" holds when
 * the 95 % interval of (better − worse) lies above −0.02 (two accuracy points).
 */
export const NON_INFERIORITY_MARGIN = 0.02;
/** Below this many paired seeds a verdict is flagged (`note`). */
export const FEW_SEEDS = 5;
/** The test behind every interval, in words (summary.md and the Compare tab print it). */
export const CLAIM_TEST = 'paired t, 95 %';

export interface Claim {
  id: ClaimId;
  description: string;
  relation: ClaimRelation;
  /** Which split every pair was measured on ('validation' when any phase lacks a test split). */
  split: ClaimSplit;
  /** One entry per pair (seed and dataset), in the order of `diffs`. */
  seeds: number[];
  /** better − worse per pair, accuracy units (0..1). */
  diffs: number[];
  n: number;
  /** null without pairs. */
  mean: number | null;
  /** Sample standard deviation; null below 2 pairs. */
  sd: number | null;
  /** 95 % interval of the mean difference (paired t, n − 1 df); null below 2 pairs. */
  ci95: [number, number] | null;
  /** Two-sided p-value of the paired t-test against 0; null below 2 pairs. */
  p: number | null;
  holds: boolean;
  note?: string;
  /** Which runs and phase, e.g. "noisy-student / Student 1". */
  better: string;
  worse: string;
}

export interface ClaimsResult {
  claims: Claim[];
  /** Per run name: the role it plays. */
  roles: Record<string, RunRole>;
  /** Runs that fit no role (or have no reference on their seed and dataset). */
  unmatched: string[];
}

/**
 * A run with the names the result uses: `name` keys `roles` / `unmatched` (unique), `label` goes
 * into `better` / `worse` (runs of one config on different seeds share it).
 */
export interface ClaimRun {
  record: RunRecord;
  name: string;
  label: string;
}

/** What each claim needs, for an empty claim's explanation. */
export const CLAIM_NEEDS: Record<ClaimId, string> = {
  'attention-vs-baseline':
    'a run differing from the noisy-student run only in its model (the "baseline" variant) on the same seeds',
  'student1-vs-teacher': 'a noisy-student run (1+ iterations, noise and balancing on)',
  'student2-vs-student1': 'a noisy-student run with 2+ iterations',
  'noise-on-vs-off':
    'the same config with noise off (randAugment false, dropout 0) on the same seeds',
  'balance-on-vs-off': 'the same config with balance off on the same seeds',
};

interface ClaimSpec {
  id: ClaimId;
  description: string;
  relation: ClaimRelation;
  better: [RunRole, PhaseKey];
  worse: [RunRole, PhaseKey];
}

type PhaseKey = { kind: 'teacher' } | { kind: 'student'; iteration: number };

const TEACHER: PhaseKey = { kind: 'teacher' };
const STUDENT = (iteration: number): PhaseKey => ({ kind: 'student', iteration });

const SPECS: readonly ClaimSpec[] = [
  {
    id: 'attention-vs-baseline',
    description: "Full attention model beats the face-only baseline (Table 2's ends)",
    relation: '>',
    better: ['reference', TEACHER],
    worse: ['baseline', TEACHER],
  },
  {
    id: 'student1-vs-teacher',
    description: 'Student 1 beats its teacher (Fig. 6)',
    relation: '>',
    better: ['reference', STUDENT(1)],
    worse: ['reference', TEACHER],
  },
  {
    id: 'student2-vs-student1',
    description: 'Student 2 is at least as good as Student 1 (Fig. 6)',
    relation: '>=',
    better: ['reference', STUDENT(2)],
    worse: ['reference', STUDENT(1)],
  },
  {
    id: 'noise-on-vs-off',
    description: 'Noise on the student helps (Sec. 5.2: 55.17 vs 53.5)',
    relation: '>',
    better: ['reference', STUDENT(1)],
    worse: ['noise-off', STUDENT(1)],
  },
  {
    id: 'balance-on-vs-off',
    description: 'Balancing the pseudo-labels does not hurt (Sec. 5.2)',
    relation: '>=',
    better: ['reference', STUDENT(1)],
    worse: ['balance-off', STUDENT(1)],
  },
];

/** Config paths that may differ between paired runs without changing their role. */
const IGNORED_PATHS: readonly string[] = [
  'seed',
  'noisyStudent.iterations',
  'noisyStudent.studentEpochs',
  'reuseTeacher',
];

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Leaf paths (dot-separated) where two JSON values differ; arrays are leaves; absent = undefined. */
export function differingPaths(a: unknown, b: unknown, prefix = ''): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differingPaths(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  if (isPlainObject(a) || isPlainObject(b)) {
    const obj = isPlainObject(a) ? a : (b as Record<string, unknown>);
    const paths = differingPaths(obj, {}, prefix);
    return paths.length > 0 ? paths : [prefix];
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix];
}

/** The differing leaf paths of two training configs that matter for roles. */
export function configDifferences(reference: TrainConfig, other: TrainConfig): string[] {
  return differingPaths(reference, other).filter(
    (p) => !IGNORED_PATHS.some((ign) => p === ign || p.startsWith(`${ign}.`)),
  );
}

/** Could this config be a group's reference: noisy student with noise and balancing on. */
export function isReferenceConfig(c: TrainConfig): boolean {
  const ns = c.noisyStudent;
  return ns.iterations >= 1 && ns.noise.randAugment && ns.noise.dropout > 0 && ns.balance;
}

/** The role `other` plays against `reference`, or null when it fits none. */
export function roleAgainst(reference: TrainConfig, other: TrainConfig): RunRole | null {
  const diff = configDifferences(reference, other);
  if (diff.length === 0) return null;
  if (diff.every((p) => p.startsWith('model.'))) return 'baseline';
  const noise = other.noisyStudent.noise;
  if (
    diff.every((p) => p.startsWith('noisyStudent.noise.')) &&
    !noise.randAugment &&
    noise.dropout === 0
  )
    return 'noise-off';
  if (diff.length === 1 && diff[0] === 'noisyStudent.balance' && !other.noisyStudent.balance)
    return 'balance-off';
  return null;
}

/** Attention modules and regions in a model (0: Table 2's face-only baseline, 5: full model). */
export function moduleCount(m: ModelConfig): number {
  return [
    m.backbone.regions > 1,
    m.features === 'allBlocks',
    m.stagePooling === 'spatialAttention',
    m.regionFusion === 'channelAttention',
    m.frameFusion === 'frameAttention',
  ].filter(Boolean).length;
}

/** Strips the experiment runner's " (seed N)" suffix so one config's runs share a label. */
export function runLabel(name: string): string {
  return name.replace(/ \(seed -?\d+\)$/, '');
}

interface PhaseScore {
  validation: number;
  test: number | null;
}

const finished = (p: PhaseRecord): boolean => p.finishedAt !== null && p.evaluation !== null;

/**
 * A phase's accuracy on validation and (when every fold has one) test; the mean over folds for
 * k-fold runs. null unless every matching phase finished.
 */
export function phaseScore(run: RunRecord, key: PhaseKey): PhaseScore | null {
  const iteration = key.kind === 'teacher' ? 0 : key.iteration;
  const phases = run.phases.filter((p) => p.kind === key.kind && p.iteration === iteration);
  if (phases.length === 0 || !phases.every(finished)) return null;
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const tests = phases.map((p) => p.test?.accuracy ?? null);
  return {
    validation: mean(phases.map((p) => p.evaluation?.accuracy ?? 0)),
    test: tests.every((t) => t !== null) ? mean(tests) : null,
  };
}

export interface PairedT {
  n: number;
  mean: number | null;
  sd: number | null;
  ci95: [number, number] | null;
  p: number | null;
}

/** The paired t-test on per-seed differences: mean, sd, 95 % interval (n − 1 df), two-sided p. */
export function pairedT(diffs: readonly number[]): PairedT {
  const n = diffs.length;
  if (n === 0) return { n, mean: null, sd: null, ci95: null, p: null };
  const { mean, std } = meanAndSpread(diffs);
  if (n < 2) return { n, mean, sd: null, ci95: null, p: null };
  const se = std / Math.sqrt(n);
  const half = studentTQuantile(0.975, n - 1) * se;
  const p = se === 0 ? (mean === 0 ? 1 : 0) : 2 * (1 - studentTCdf(Math.abs(mean) / se, n - 1));
  return { n, mean, sd: std, ci95: [mean - half, mean + half], p };
}

const ROLE_WORDS: Record<RunRole, string> = {
  reference: 'noisy-student run',
  baseline: 'baseline run',
  'noise-off': 'noise-off run',
  'balance-off': 'balance-off run',
};

const phaseWords = (k: PhaseKey): string =>
  k.kind === 'teacher' ? 'Teacher' : `Student ${k.iteration}`;

function toClaimRun(r: RunRecord | ClaimRun): ClaimRun {
  return 'record' in r ? r : { record: r, name: r.name, label: runLabel(r.name) };
}

interface Group {
  seed: number;
  reference: ClaimRun;
  byRole: Map<RunRole, ClaimRun>;
}

/** Groups by seed and dataset, finds each group's reference and the other runs' roles. */
function assign(runs: readonly ClaimRun[]): Omit<ClaimsResult, 'claims'> & { groups: Group[] } {
  const roles: Record<string, RunRole> = {};
  const unmatched: string[] = [];
  const groups: Group[] = [];
  const keyOf = (r: ClaimRun): string =>
    JSON.stringify([r.record.config.seed, r.record.config.data.datasetId]);
  const keys = [...new Set(runs.map(keyOf))];
  for (const key of keys) {
    const members = runs.filter((r) => keyOf(r) === key);
    let reference: ClaimRun | null = null;
    for (const r of members)
      if (
        isReferenceConfig(r.record.config) &&
        (reference === null ||
          r.record.config.noisyStudent.iterations > reference.record.config.noisyStudent.iterations)
      )
        reference = r;
    if (reference === null) {
      unmatched.push(...members.map((r) => r.name));
      continue;
    }
    const ref = reference;
    roles[ref.name] = 'reference';
    const byRole = new Map<RunRole, ClaimRun>();
    const modules = (r: ClaimRun): number => {
      const teacher = r.record.phases.find((p) => p.kind === 'teacher');
      return teacher ? moduleCount(teacher.modelConfig) : Number.POSITIVE_INFINITY;
    };
    for (const r of members) {
      if (r === ref) continue;
      const role = roleAgainst(ref.record.config, r.record.config);
      if (role === null) {
        unmatched.push(r.name);
        continue;
      }
      roles[r.name] = role;
      const prev = byRole.get(role);
      // Several model-only variants: claim 1 uses the one with the fewest modules (first on ties).
      if (!prev || (role === 'baseline' && modules(r) < modules(prev))) byRole.set(role, r);
    }
    byRole.set('reference', ref);
    groups.push({ seed: ref.record.config.seed, reference: ref, byRole });
  }
  return { roles, unmatched, groups };
}

function claimOf(spec: ClaimSpec, groups: readonly Group[]): Claim {
  const pairs: { seed: number; better: PhaseScore; worse: PhaseScore; labels: string[] }[] = [];
  for (const g of groups) {
    const b = g.byRole.get(spec.better[0]);
    const w = g.byRole.get(spec.worse[0]);
    if (!b || !w) continue;
    const better = phaseScore(b.record, spec.better[1]);
    const worse = phaseScore(w.record, spec.worse[1]);
    if (better && worse) pairs.push({ seed: g.seed, better, worse, labels: [b.label, w.label] });
  }
  pairs.sort((a, b) => a.seed - b.seed);
  const split: ClaimSplit =
    pairs.length > 0 && pairs.every((p) => p.better.test !== null && p.worse.test !== null)
      ? 'test'
      : 'validation';
  const score = (s: PhaseScore): number => (split === 'test' ? (s.test ?? 0) : s.validation);
  const diffs = pairs.map((p) => score(p.better) - score(p.worse));
  const t = pairedT(diffs);
  const lo = t.ci95?.[0] ?? null;
  const holds = lo !== null && (spec.relation === '>' ? lo > 0 : lo > -NON_INFERIORITY_MARGIN);
  const names = (i: 0 | 1, role: RunRole): string => {
    const labels = [...new Set(pairs.map((p) => p.labels[i] ?? ''))];
    return labels.length > 0 ? labels.join(', ') : ROLE_WORDS[role];
  };
  const note =
    t.n === 0
      ? `no pairs: needs ${CLAIM_NEEDS[spec.id]}`
      : t.n < FEW_SEEDS
        ? `fewer than ${FEW_SEEDS} seeds`
        : undefined;
  return {
    id: spec.id,
    description: spec.description,
    relation: spec.relation,
    split,
    seeds: pairs.map((p) => p.seed),
    diffs,
    n: t.n,
    mean: t.mean,
    sd: t.sd,
    ci95: t.ci95,
    p: t.p,
    holds,
    ...(note === undefined ? {} : { note }),
    better: `${names(0, spec.better[0])} / ${phaseWords(spec.better[1])}`,
    worse: `${names(1, spec.worse[0])} / ${phaseWords(spec.worse[1])}`,
  };
}

/**
 * The claims table for a set of runs (records, or records with the names to show). Only
 * finished phases count; a seed missing either side of a claim is left out of it.
 */
export function computeClaims(runs: readonly (RunRecord | ClaimRun)[]): ClaimsResult {
  const named = runs.map(toClaimRun);
  // Keys of `roles` must be unique: a repeated name gets its run id.
  const seen = new Set<string>();
  const unique = named.map((r) => {
    const name = seen.has(r.name) ? `${r.name} [${r.record.id}]` : r.name;
    seen.add(name);
    return { ...r, name };
  });
  const { roles, unmatched, groups } = assign(unique);
  return { claims: SPECS.map((s) => claimOf(s, groups)), roles, unmatched };
}
