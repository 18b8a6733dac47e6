/**
 * Model summary: the network a config describes (stages, widths, sizes), its parameter count
 * (grouped vs. ungrouped, against the paper's "approximately 25 million"), its FLOPs per frame
 * and per clip, and Fig. 7's comparison with the peers of Table 1. Pure arithmetic from the
 * config: no tensors are created.
 */
import { useMemo, useState } from 'react';
import {
  ABLATION_PRESETS,
  type AblationId,
  blocksPerStage,
  effectiveWidths,
  mergeConfig,
  type ModelConfig,
  type ModelConfigInput,
  regionFeatureLength,
  validateModelConfig,
} from '../../model/config';
import { modelFlops, PAPER_OUR_MODEL, PAPER_PEERS, paramCounts } from '../../model/flops';
import { stageSizes } from '../../model/resnet';
import { Fig7Chart } from './Fig7Chart';

export interface ModelSummaryPanelProps {
  /** The config to describe. Without it the panel offers Table 2's presets, ResNet-18 or 34. */
  config?: ModelConfigInput;
  /** Frames per clip for the per-clip FLOPs. Default 16. */
  frames?: number;
}

const millions = (n: number): string => `${(n / 1e6).toFixed(2)} M`;
const giga = (n: number): string => `${(n / 1e9).toFixed(2)} G`;

export function ModelSummaryPanel({ config, frames = 16 }: ModelSummaryPanelProps) {
  const [preset, setPreset] = useState<AblationId>('frameAttention');
  const [depth, setDepth] = useState<18 | 34>(18);
  const resolved = useMemo((): { config: ModelConfig } | { error: string } => {
    try {
      const input =
        config ??
        mergeConfig(ABLATION_PRESETS.find((p) => p.id === preset)?.config ?? {}, {
          backbone: { depth },
        });
      return { config: validateModelConfig(input) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }, [config, preset, depth]);

  if ('error' in resolved)
    return (
      <section className="model-summary" data-testid="model.summary">
        <h2>Model</h2>
        <p className="error" role="alert">
          {resolved.error}
        </p>
      </section>
    );
  const c = resolved.config;
  return (
    <section className="model-summary" data-testid="model.summary">
      <h2>Model</h2>
      {!config && (
        <p>
          <label>
            Table 2 row{' '}
            <select
              data-testid="model.summary.preset"
              value={preset}
              onChange={(e) => {
                setPreset(e.target.value as AblationId);
              }}
            >
              {ABLATION_PRESETS.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label} ({(100 * p.paperAccuracy).toFixed(1)}% in the paper)
                </option>
              ))}
            </select>
          </label>{' '}
          <label>
            Backbone{' '}
            <select
              data-testid="model.summary.depth"
              value={depth}
              onChange={(e) => {
                setDepth(e.target.value === '34' ? 34 : 18);
              }}
            >
              <option value={18}>ResNet-18</option>
              <option value={34}>ResNet-34 (larger student)</option>
            </select>
          </label>
        </p>
      )}
      <Architecture config={c} />
      <Counts config={c} frames={frames} />
      <Fig7 config={c} />
    </section>
  );
}

function Architecture({ config }: { config: ModelConfig }) {
  const b = config.backbone;
  const { stem, stages } = effectiveWidths(b);
  const sizes = stageSizes(b);
  const blocks = blocksPerStage(b.depth);
  const g = b.regions;
  const conv1 = Math.floor((b.inputSize + 6 - 7) / 2) + 1;
  return (
    <table data-testid="model.summary.architecture">
      <caption>
        ResNet-{b.depth}, {b.inputSize}x{b.inputSize}x{3 * g} input,{' '}
        {g === 3 ? 'groups = 3 (face, eyes, mouth)' : 'face only'}; frame vector l ={' '}
        {regionFeatureLength(config)} per region
      </caption>
      <thead>
        <tr>
          <th>layer</th>
          <th>output</th>
          <th>filters (per region)</th>
          <th>to the frame vector</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <td>conv1 7x7/2 + max-pool 3x3/2</td>
          <td>
            {conv1}² then {sizes[0]}²
          </td>
          <td>
            {stem} ({stem / g})
          </td>
          <td>-</td>
        </tr>
        {stages.map((w, i) => {
          const used = config.features === 'allBlocks' || i === 3;
          const pooled =
            config.stagePooling === 'spatialAttention'
              ? `spatial attention, h = ${config.spatialAttention.hops}: ${(config.spatialAttention.hops * w) / g}`
              : `average pool: ${w / g}`;
          return (
            <tr key={i}>
              <td>
                conv{i + 2}_x [3x3] x 2 x {blocks[i]}
              </td>
              <td>{sizes[i]}²</td>
              <td>
                {w} ({w / g})
              </td>
              <td>{used ? pooled : '-'}</td>
            </tr>
          );
        })}
        <tr>
          <td>regions → frame</td>
          <td colSpan={3}>
            {g === 1
              ? 'one region'
              : config.regionFusion === 'channelAttention'
                ? `channel attention (Eq. 3-4), r = ${config.channelAttention.hidden}`
                : 'average of f1, f2, f3'}
          </td>
        </tr>
        <tr>
          <td>frames → clip</td>
          <td colSpan={3}>
            {config.frameFusion === 'frameAttention'
              ? `frame attention (Eq. 5-6), r̂ = ${config.frameAttention.hidden}`
              : 'average of the frames'}
            ; dropout {config.dropout}; dense → {config.numClasses} classes
          </td>
        </tr>
      </tbody>
    </table>
  );
}

function Counts({ config, frames }: { config: ModelConfig; frames: number }) {
  const p = paramCounts(config);
  const f = modelFlops(config, frames);
  return (
    <dl className="model-counts" data-testid="model.summary.counts">
      <dt>Parameters</dt>
      <dd data-testid="model.summary.params">
        {millions(p.total)} stored ({millions(p.trainable)} trained)
      </dd>
      <dt>Backbone convolution weights</dt>
      <dd>
        {millions(p.backboneConvWeights)}
        {config.backbone.regions === 3 &&
          ` with groups = 3; ${millions(p.backboneConvWeightsUngrouped)} with the same widths ungrouped.`}
        {config.backbone.regions === 3 &&
          config.backbone.depth === 18 &&
          config.backbone.widthMultiplier === 1 &&
          ` The paper states "approximately ${millions(PAPER_OUR_MODEL.statedParams)}", which matches the ungrouped count, not the grouped network it describes.`}
      </dd>
      <dt>FLOPs per frame</dt>
      <dd data-testid="model.summary.flops-frame">
        {giga(f.perFrame)} (backbone {giga(f.backbone)}, spatial attention{' '}
        {giga(f.spatialAttention)})
      </dd>
      <dt>FLOPs per clip of {frames} frames</dt>
      <dd data-testid="model.summary.flops-clip">{giga(f.perClip)}</dd>
    </dl>
  );
}

/** Fig. 7: accuracy against GFLOPs per frame, our model among Table 1's single models. */
function Fig7({ config }: { config: ModelConfig }) {
  const ours = modelFlops(config, 1).perFrame / 1e9;
  const points = [
    ...PAPER_PEERS.filter((p) => p.gflopsPerFrame !== null).map((p) => ({
      name: p.name,
      gflops: p.gflopsPerFrame ?? 0,
      accuracy: p.accuracy,
      ours: false,
    })),
    {
      name: 'Ours (w/o iter. training)',
      gflops: ours,
      accuracy: PAPER_OUR_MODEL.accuracyWithoutIteration,
      ours: true,
    },
    {
      name: 'Ours (iter. training)',
      gflops: ours,
      accuracy: PAPER_OUR_MODEL.accuracyIterated,
      ours: true,
    },
  ];
  return (
    <figure data-testid="model.summary.fig7">
      <Fig7Chart points={points} />
      <figcaption>
        Peers' costs are the standard multiply-add counts of their backbones (x 2), as Fig. 7
        estimates them; ours is computed from this config ({ours.toFixed(2)} GFLOPs per frame).
      </figcaption>
      <table>
        <thead>
          <tr>
            <th>model</th>
            <th>backbone</th>
            <th>accuracy</th>
            <th>GFLOPs / frame</th>
          </tr>
        </thead>
        <tbody>
          {PAPER_PEERS.map((p) => (
            <tr key={p.name}>
              <td>{p.name}</td>
              <td>{p.backbone}</td>
              <td>{(100 * p.accuracy).toFixed(2)}%</td>
              <td>{p.gflopsPerFrame === null ? 'n/a' : p.gflopsPerFrame.toFixed(1)}</td>
            </tr>
          ))}
          <tr>
            <td>
              <strong>Ours</strong>
            </td>
            <td>grouped ResNet-{config.backbone.depth} + attention</td>
            <td>
              {(100 * PAPER_OUR_MODEL.accuracyWithoutIteration).toFixed(2)}% /{' '}
              {(100 * PAPER_OUR_MODEL.accuracyIterated).toFixed(2)}%
            </td>
            <td>{ours.toFixed(2)}</td>
          </tr>
        </tbody>
      </table>
    </figure>
  );
}
