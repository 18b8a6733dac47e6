/**
 * The run comparison (issue #6, paper Table 2 and Fig. 7): one row per stored run with its
 * model, seed, teacher and final validation accuracy, macro-F1, parameter count and FLOPs.
 * Params and FLOPs are computed from the final phase's stored model config (src/model/flops.ts).
 */
import { ABLATION_PRESETS, type ModelConfig, validateModelConfig } from '../model/config';
import { modelFlops, paramCounts } from '../model/flops';
import type { PhaseRecord, RunRecord } from '../train/run/record';

export interface ComparisonRow {
  id: string;
  name: string;
  status: RunRecord['status'];
  /** Table 2's row label when the model's structure matches one, else 'custom'. */
  variant: string;
  /** depth, regions, input size, width multiplier, pooling and fusions in words. */
  model: string;
  seed: number;
  teacherAccuracy: number | null;
  /** The last evaluated phase (the last student, or the teacher without iterations). */
  finalPhase: string | null;
  finalAccuracy: number | null;
  finalMacroF1: number | null;
  params: number;
  frames: number;
  flopsPerClip: number;
  flopsPerFrame: number;
}

const STRUCTURE = (c: ModelConfig): string =>
  [c.backbone.regions, c.features, c.stagePooling, c.regionFusion, c.frameFusion].join('/');

/** The Table 2 row whose structure (regions, features, pooling, fusions) the config has. */
export function variantLabel(config: ModelConfig): string {
  const s = STRUCTURE(config);
  const match = ABLATION_PRESETS.find((p) => STRUCTURE(validateModelConfig(p.config)) === s);
  return match ? match.label : 'custom';
}

export function modelSummary(c: ModelConfig): string {
  const parts = [
    `ResNet-${c.backbone.depth}`,
    c.backbone.regions === 3 ? 'face+eyes+mouth' : 'face',
    `${c.backbone.inputSize}px`,
  ];
  if (c.backbone.widthMultiplier !== 1) parts.push(`width x${c.backbone.widthMultiplier}`);
  parts.push(
    c.features === 'allBlocks' ? 'all blocks' : 'last block',
    c.stagePooling === 'spatialAttention' ? 'spatial att.' : 'avg pool',
    c.regionFusion === 'channelAttention' ? 'channel att.' : 'region avg',
    c.frameFusion === 'frameAttention' ? 'frame att.' : 'frame avg',
  );
  return parts.join(', ');
}

function lastEvaluated(run: RunRecord): PhaseRecord | undefined {
  return [...run.phases].reverse().find((p) => p.evaluation !== null);
}

export function comparisonRow(run: RunRecord): ComparisonRow | null {
  const teacher = run.phases.find((p) => p.kind === 'teacher');
  const final = lastEvaluated(run);
  const config = (final ?? teacher ?? run.phases[0])?.modelConfig;
  if (!config) return null;
  const frames = run.config.data.framesPerClip;
  const flops = modelFlops(config, frames);
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    variant: variantLabel(config),
    model: modelSummary(config),
    seed: run.config.seed,
    teacherAccuracy: teacher?.evaluation?.accuracy ?? null,
    finalPhase: final?.name ?? null,
    finalAccuracy: final?.evaluation?.accuracy ?? null,
    finalMacroF1: final?.evaluation?.macroF1 ?? null,
    params: paramCounts(config).total,
    frames,
    flopsPerClip: flops.perClip,
    flopsPerFrame: flops.perFrame,
  };
}

/** Rows in the order given (runs without any phase are left out). */
export function comparisonRows(runs: readonly RunRecord[]): ComparisonRow[] {
  return runs.map(comparisonRow).filter((r): r is ComparisonRow => r !== null);
}
