/**
 * The backbone (Sec. 4.1, Fig. 2): ResNet (He et al. 2016) with basic blocks, 2-2-2-2 for
 * ResNet-18 and 3-4-6-3 for ResNet-34, every convolution grouped with groups = regions (3: one
 * group per face/eyes/mouth crop). Widths per Fig. 2: conv1 7x7/2 with 96 filters, 3x3/2 max-pool,
 * then stages conv2_x..conv5_x with 96, 192, 384, 768 filters (32, 64, 128, 256 per region).
 * Each convolution is followed by batch norm; a block's shortcut is the identity, or a grouped
 * 1x1 convolution with stride 2 + batch norm where the shape changes (torchvision's layout).
 * Returns the output of each of the four stages, for the spatial attention.
 */
import * as tf from '@tensorflow/tfjs';
import { groupedConv2dWebgpu } from '../compute/webgpuGroupedConv';
import { batchNorm, batchNormParamSpecs, batchNormPerGroup } from './batchNorm';
import { type BackboneConfig, blocksPerStage, effectiveWidths } from './config';
import { fusedConvBnInference } from './fusedConvBn';
import { groupedConv2d, groupedConv2dPerGroup } from './groupedConv';
import { fusedKernelsActive } from './kernels';
import type { ParamSpec, Params } from './params';

/** One convolution of the backbone, as the param and FLOP counts see it. */
export interface ConvLayer {
  /** Parameter prefix, e.g. `backbone/stage2/block1/conv1`. */
  name: string;
  kernel: number;
  stride: number;
  pad: number;
  cin: number;
  cout: number;
  groups: number;
  /** Input and output spatial sizes for a square input of the configured size. */
  inSize: number;
  outSize: number;
}

const convOut = (size: number, k: number, s: number, p: number): number =>
  Math.floor((size + 2 * p - k) / s) + 1;

/**
 * Every convolution in forward order, with the shapes it sees at `config.inputSize`. The param
 * specs and the FLOP count are both derived from this list, so they cannot disagree with it.
 */
export function backboneLayers(config: BackboneConfig): ConvLayer[] {
  const g = config.regions;
  const { stem, stages } = effectiveWidths(config);
  const layers: ConvLayer[] = [];
  let size = config.inputSize;
  const add = (name: string, k: number, s: number, p: number, cin: number, cout: number) => {
    const outSize = convOut(size, k, s, p);
    layers.push({
      name,
      kernel: k,
      stride: s,
      pad: p,
      cin,
      cout,
      groups: g,
      inSize: size,
      outSize,
    });
    return outSize;
  };
  size = add('backbone/conv1', 7, 2, 3, 3 * g, stem);
  size = convOut(size, 3, 2, 1); // max-pool 3x3, stride 2, pad 1
  let cin = stem;
  blocksPerStage(config.depth).forEach((blocks, si) => {
    const cout = stages[si] ?? 0;
    for (let b = 0; b < blocks; b++) {
      const prefix = `backbone/stage${si + 1}/block${b + 1}`;
      const stride = b === 0 && si > 0 ? 2 : 1;
      const blockIn = size;
      size = add(`${prefix}/conv1`, 3, stride, 1, cin, cout);
      add(`${prefix}/conv2`, 3, 1, 1, cout, cout);
      if (stride !== 1 || cin !== cout) {
        const after = size;
        size = blockIn;
        add(`${prefix}/downsample`, 1, stride, 0, cin, cout);
        size = after;
      }
      cin = cout;
    }
  });
  return layers;
}

/** Output spatial size of each stage for the configured input size. */
export function stageSizes(config: BackboneConfig): [number, number, number, number] {
  const layers = backboneLayers(config);
  const sizes = [1, 2, 3, 4].map((s) => {
    const last = layers.filter((l) => l.name.startsWith(`backbone/stage${s}/`)).at(-1);
    return last?.outSize ?? 0;
  });
  return sizes as [number, number, number, number];
}

export function backboneParamSpecs(config: BackboneConfig): ParamSpec[] {
  return backboneLayers(config).flatMap((l) => {
    const cinPerGroup = l.cin / l.groups;
    const fanIn = l.kernel * l.kernel * cinPerGroup;
    return [
      {
        name: `${l.name}/kernel`,
        shape: [l.kernel, l.kernel, cinPerGroup, l.cout],
        init: { kind: 'heNormal', fanIn },
        trainable: true,
      } satisfies ParamSpec,
      ...batchNormParamSpecs(`${l.name}/bn`, l.cout),
    ];
  });
}

export interface BackboneForwardOptions {
  training: boolean;
}

/**
 * The backbone's layers on activations of type H: one tensor per group (`tf.Tensor4D[]`, the
 * stock path) or all groups side by side in one tensor (`tf.Tensor4D`, the packed path).
 */
interface LayerOps<H> {
  /** conv (grouped) -> batch norm (-> ReLU when `relu`): the unit every layer is made of. */
  convBn(name: string, h: H, stride: number, pad: number, relu?: boolean): H;
  maxPool(h: H): H;
  /** relu(y + shortcut): the end of a block. */
  addRelu(y: H, shortcut: H): H;
  /** A stage's output as the heads take it: one tensor per group. */
  perGroup(h: H): tf.Tensor4D[];
}

/** Stock kernels: activations kept apart per group, one conv2d and batch norm per group. */
function perGroupOps(
  params: Params,
  config: BackboneConfig,
  training: boolean,
): LayerOps<tf.Tensor4D[]> {
  return {
    convBn: (name, xs, stride, pad, relu = false) => {
      const kernel = params.get(`${name}/kernel`) as tf.Tensor4D;
      const ys = groupedConv2dPerGroup(xs, kernel, { strides: stride, pad });
      return batchNormPerGroup(params, `${name}/bn`, ys, {
        training,
        momentum: config.batchNormMomentum,
        epsilon: config.batchNormEpsilon,
        relu,
      });
    },
    maxPool: (hs) => hs.map((t) => tf.maxPool(t, 3, 2, 1)),
    addRelu: (ys, shortcut) => ys.map((y, i) => tf.relu(tf.add<tf.Tensor4D>(y, shortcut[i] ?? y))),
    perGroup: (hs) => hs,
  };
}

/**
 * Fused kernels (kernels.ts): activations packed, [N, H, W, C] with group g's channels at
 * [g C/G, (g+1) C/G), so each layer is one grouped convolution (one WGSL dispatch on webgpu,
 * src/compute/webgpuGroupedConv.ts; `groupedConv2d` elsewhere) and one batch norm over all C
 * channels (per channel, so groups need no slices of gamma, beta or the statistics); in inference
 * the batch norm is folded into the convolution (fusedConvBn.ts).
 */
function packedOps(
  params: Params,
  config: BackboneConfig,
  training: boolean,
): LayerOps<tf.Tensor4D> {
  const groups = config.regions;
  const epsilon = config.batchNormEpsilon;
  return {
    convBn: (name, x, strides, pad, relu = false) => {
      if (!training)
        return fusedConvBnInference(params, name, x, { groups, strides, pad, epsilon, relu });
      const kernel = params.get(`${name}/kernel`) as tf.Tensor4D;
      const conv = { groups, strides, pad };
      const y =
        tf.getBackend() === 'webgpu'
          ? groupedConv2dWebgpu(x, kernel, conv)
          : groupedConv2d(x, kernel, conv); // [N, H', W', cout]
      return batchNorm(params, `${name}/bn`, y, {
        training,
        momentum: config.batchNormMomentum,
        epsilon,
        relu,
      });
    },
    maxPool: (h) => tf.maxPool(h, 3, 2, 1),
    addRelu: (y, shortcut) => tf.relu(tf.add<tf.Tensor4D>(y, shortcut)),
    perGroup: (h) => (groups === 1 ? [h] : tf.split<tf.Tensor4D>(h, groups, 3)),
  };
}

/** conv1, max-pool, the four stages: each stage's output split per group for the heads. */
function runBackbone<H>(
  ops: LayerOps<H>,
  params: Params,
  config: BackboneConfig,
  input: H,
): tf.Tensor4D[][] {
  let h = ops.convBn('backbone/conv1', input, 2, 3, true); // [N, S/2, S/2, stem]
  h = ops.maxPool(h); // [N, S/4, S/4, stem]
  const outputs: tf.Tensor4D[][] = [];
  blocksPerStage(config.depth).forEach((blocks, si) => {
    for (let b = 0; b < blocks; b++) {
      const prefix = `backbone/stage${si + 1}/block${b + 1}`;
      const stride = b === 0 && si > 0 ? 2 : 1;
      const hasDownsample = params.variables.has(`${prefix}/downsample/kernel`);
      const shortcut = hasDownsample ? ops.convBn(`${prefix}/downsample`, h, stride, 0) : h;
      const y1 = ops.convBn(`${prefix}/conv1`, h, stride, 1, true);
      const y2 = ops.convBn(`${prefix}/conv2`, y1, 1, 1);
      h = ops.addRelu(y2, shortcut);
    }
    outputs.push(ops.perGroup(h));
  });
  return outputs;
}

/**
 * x: [N, S, S, 3 * regions] (N = clips x frames) -> the four stage outputs, each as one tensor per
 * region (group): stages[s][g] is [N, S/4, S/4, D1/G], [N, S/8, S/8, D2/G], [N, S/16, S/16, D3/G],
 * [N, S/32, S/32, D4/G] for s = 0..3; region g's channels are stage channels [g D/G, (g+1) D/G).
 * Every layer acts within a group (grouped convolutions, per-channel batch norm). The stock
 * kernels split the groups once here and keep them apart (`groupedConv2dPerGroup`); the fused
 * kernels (kernels.ts) keep x packed and split each stage's output once for the heads, whose
 * spatial attention has its own weights per region.
 */
export function backboneForward(
  params: Params,
  config: BackboneConfig,
  x: tf.Tensor4D,
  { training }: BackboneForwardOptions,
): tf.Tensor4D[][] {
  if (fusedKernelsActive())
    return runBackbone(packedOps(params, config, training), params, config, x);
  const g = config.regions;
  const input = g === 1 ? [x] : tf.split<tf.Tensor4D>(x, g, 3); // G x [N, S, S, 3]
  return runBackbone(perGroupOps(params, config, training), params, config, input);
}
