/**
 * How long a run will take on this backend, before it starts (issue 17 item 5): the optimiser
 * steps its phases will make (epochs x batches, from the dataset's clip counts) times a measured
 * time per step, never a constant. The step time comes, per network size, from the latest
 * stored run on the same backend whose teacher had that network and frames per clip (its
 * epochs' clips per second), else from a warm-up step measured in the training worker
 * (src/train/run/measure.ts). Times are kept per clip, so a step of another batch size scales.
 */
import type { ModelConfig } from '../../model/config';
import type { TrainConfig } from '../../train/config';
import type { StepTiming, StepTimingRequest } from '../../train/run/measure';
import { planPhases } from '../../train/run/plan';
import type { RunRecord } from '../../train/run/record';

/** Runs longer than this ask for a confirmation before they start. */
export const CONFIRM_ABOVE_MS = 60 * 60 * 1000;

export function needsConfirmation(ms: number): boolean {
  return ms > CONFIRM_ABOVE_MS;
}

export interface ClipCounts {
  /** Labelled clips of the run's classes. */
  labelled: number;
  /** The unlabelled pool (before the used share). */
  unlabelled: number;
  /** Images of the pre-training dataset (0: none). */
  pretrain: number;
}

export interface Rate extends StepTiming {
  /** Where the time comes from, in words ("run “tiny · seed 2”", "a warm-up step"). */
  source: string;
}

/** What decides a step's time: the network (seeds and dropout aside) and frames per clip. */
export function sizeKey(model: ModelConfig, framesPerClip: number): string {
  return JSON.stringify({ ...model, seed: 0, dropout: 0, framesPerClip });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

/**
 * Per network size, the step time of the latest stored run on `backend`, from its teachers'
 * epochs: training ms per clip = 1 / clips per second; validation ms per clip = what the epoch
 * took beyond its training clips, per validation clip. A first epoch (warm-up) is left out when
 * there are others.
 */
export function recordedRates(
  runs: readonly RunRecord[],
  backend: string,
  kernels: 'tfjs' | 'fused' = 'tfjs',
): Map<string, Rate> {
  const rates = new Map<string, Rate>();
  const latestFirst = [...runs].sort((a, b) => b.updatedAt - a.updatedAt);
  for (const run of latestFirst) {
    // Same backend and kernels: the two kernel modes differ in speed (runs before the
    // record had `kernels` ran the stock ones).
    if (run.environment?.backend !== backend) continue;
    if ((run.environment.kernels ?? 'tfjs') !== kernels) continue;
    for (const p of run.phases) {
      const key = sizeKey(p.modelConfig, run.config.data.framesPerClip);
      if (p.kind !== 'teacher' || p.reusedFrom || rates.has(key) || p.data.train === 0) continue;
      const epochs = p.epochs.length > 1 ? p.epochs.slice(1) : p.epochs;
      const timed = epochs.filter((e) => e.clipsPerSec > 0 && e.ms > 0);
      if (timed.length === 0) continue;
      const trainMsPerClip = median(timed.map((e) => 1000 / e.clipsPerSec));
      const evalMs = median(timed.map((e) => Math.max(0, e.ms - p.data.train * trainMsPerClip)));
      rates.set(key, {
        trainMsPerClip,
        evalMsPerClip: p.data.val > 0 ? evalMs / p.data.val : 0,
        source: `run “${run.name}”`,
      });
    }
  }
  return rates;
}

export interface PlannedPhase {
  name: string;
  key: string;
  model: ModelConfig;
  framesPerClip: number;
  epochs: number;
  stepsPerEpoch: number;
  /** Clips trained per epoch (labelled, plus pseudo-labelled for students). */
  trainClips: number;
  /** Clips evaluated per epoch, plus once per phase (a student's pseudo-labelling pass). */
  valClips: number;
  onceClips: number;
}

/** The work of each planned phase, from the dataset's clip counts (splits approximated). */
export function planWork(config: TrainConfig, counts: ClipCounts): PlannedPhase[] {
  const k = config.data.folds;
  const val = k
    ? Math.round(counts.labelled / k)
    : Math.round(counts.labelled * config.data.valFraction);
  const train = Math.max(0, counts.labelled - val);
  const pseudo = Math.round(counts.unlabelled * config.noisyStudent.unlabelledFraction);
  const b = config.optim.batchSize;
  const bu = Math.max(1, Math.round(b * config.noisyStudent.batchRatio));
  return planPhases(config).map((p) => {
    const frames = p.kind === 'pretrain' ? 1 : config.data.framesPerClip;
    const base = {
      name: p.name,
      key: sizeKey(p.modelConfig, frames),
      model: p.modelConfig,
      framesPerClip: frames,
      epochs: p.epochsPlanned,
    };
    if (p.kind === 'student') {
      const steps = Math.max(Math.ceil(train / b), Math.ceil(pseudo / bu));
      return {
        ...base,
        stepsPerEpoch: steps,
        trainClips: steps * (b + bu),
        valClips: val,
        onceClips: pseudo,
      };
    }
    const n =
      p.kind === 'pretrain' ? Math.round(counts.pretrain * (1 - config.data.valFraction)) : train;
    const v = p.kind === 'pretrain' ? counts.pretrain - n : val;
    return { ...base, stepsPerEpoch: Math.ceil(n / b), trainClips: n, valClips: v, onceClips: 0 };
  });
}

/** The warm-up steps still needed: one per network size with no recorded rate. */
export function missingRates(
  plan: readonly PlannedPhase[],
  rates: ReadonlyMap<string, Rate>,
  config: TrainConfig,
): { key: string; request: StepTimingRequest }[] {
  const out = new Map<string, StepTimingRequest>();
  for (const p of plan)
    if (!rates.has(p.key) && !out.has(p.key))
      out.set(p.key, {
        model: p.model,
        framesPerClip: p.framesPerClip,
        clips: Math.min(2, config.optim.batchSize),
        microBatch: config.optim.microBatch ?? null,
      });
  return [...out].map(([key, request]) => ({ key, request }));
}

export interface Estimate {
  ms: number;
  steps: number;
  /** Mean time of one optimiser step over the run, ms. */
  msPerStep: number;
  /** Where the step times came from (distinct, in words). */
  sources: string[];
}

/** Steps x step time over the phases; throws when a phase's network has no rate. */
export function estimateRun(
  plan: readonly PlannedPhase[],
  rates: ReadonlyMap<string, Rate>,
): Estimate {
  let ms = 0;
  let steps = 0;
  const sources = new Set<string>();
  for (const p of plan) {
    const r = rates.get(p.key);
    if (!r) throw new Error(`No step time for ${p.name}'s network`);
    sources.add(r.source);
    steps += p.epochs * p.stepsPerEpoch;
    ms += p.epochs * (p.trainClips * r.trainMsPerClip + p.valClips * r.evalMsPerClip);
    // A student's pseudo-labelling pass: its teacher's inference over the pool, about the same size.
    ms += p.onceClips * r.evalMsPerClip;
  }
  return { ms, steps, msPerStep: steps > 0 ? ms / steps : 0, sources: [...sources] };
}

/** 45 s, 12 min, 3 h 20 min, 4 days 6 h. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h${min % 60 ? ` ${min % 60} min` : ''}`;
  const d = Math.floor(h / 24);
  return `${d} days${h % 24 ? ` ${h % 24} h` : ''}`;
}
