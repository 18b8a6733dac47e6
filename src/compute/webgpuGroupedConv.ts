/**
 * Grouped 2-D convolution (Sec. 4.1, groups = 3) on webgpu as one WGSL dispatch over all groups,
 * on activations whose groups lie side by side in channels (NHWC, layouts of
 * src/model/groupedConv.ts), instead of one tf.conv2d per group on per-group tensors (3 kernel
 * slices + 3 conv dispatches forward, 6 backward). Forward: 1 dispatch (bias + ReLU optionally
 * fused into its store); backward: dx 1 dispatch, dW 1 dispatch (+ 1 reduction when the pixel sum
 * is split over workgroups). No split, concat or transpose of activations. The implicit-GEMM
 * programs are ./webgpuGroupedConvShaders.ts; they run as ./webgpuProgram.ts describes.
 */
import * as tf from '@tensorflow/tfjs';
import {
  flatProgram,
  gridProgram,
  i32,
  runGridProgram,
  runGridProgramInfo,
  runProgram,
  type Program,
} from './webgpuProgram';
import {
  CONV_UNIFORMS,
  KT,
  THREADS,
  tileFor,
  type TileShape,
  WORKGROUP_BYTES,
  dwSource,
  dxSource,
  forwardSource,
  reduceSource,
} from './webgpuGroupedConvShaders';

export interface GroupedConvWebgpuOptions {
  groups: number;
  strides: number;
  /** Symmetric zero padding in pixels on every side (PyTorch's `padding`). */
  pad: number;
  /** [cout], added after the convolution (the inference fold of batch norm). */
  bias?: tf.Tensor1D;
  /** ReLU after the bias. */
  relu?: boolean;
}

/** The adapter limits these programs rely on (a subset of GPUSupportedLimits). */
export interface GroupedConvLimits {
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupsPerDimension: number;
  maxStorageBuffersPerShaderStage: number;
}

/** What the programs need: two 16 x 65 f32 tiles, 256 invocations, X + W + bias + output. */
export const GROUPED_CONV_LIMITS: Readonly<GroupedConvLimits> = Object.freeze({
  maxComputeWorkgroupStorageSize: WORKGROUP_BYTES,
  maxComputeInvocationsPerWorkgroup: THREADS,
  maxComputeWorkgroupSizeX: THREADS,
  maxComputeWorkgroupsPerDimension: 1,
  maxStorageBuffersPerShaderStage: 4,
});

/** Throws an Error naming each limit the adapter falls short of. */
export function checkGroupedConvLimits(limits: Readonly<GroupedConvLimits>): void {
  const short = (Object.keys(GROUPED_CONV_LIMITS) as (keyof GroupedConvLimits)[])
    .filter((key) => !(limits[key] >= GROUPED_CONV_LIMITS[key]))
    .map((key) => `${key} is ${String(limits[key])}, needs ${GROUPED_CONV_LIMITS[key]}`);
  if (short.length > 0)
    throw new Error(`groupedConv2dWebgpu: the WebGPU adapter lacks ${short.join('; ')}`);
}

/**
 * Workgroups `tiles` folded into an [x, y] grid within `maxPerDim` per dimension (the full-size
 * dx of the first convolution has ~100k row tiles; the limit is usually 65535). y is at least 2
 * (x y - tiles < y idle workgroups): tfjs compiles a program whose dispatch is [x, 1, 1] into
 * another shader ('flatDispatch'), so with y = 1 groups = 1 would cost each program a compile.
 */
export function foldGrid(tiles: number, maxPerDim: number): [number, number] {
  const y = Math.max(2, Math.ceil(tiles / maxPerDim));
  const x = Math.ceil(tiles / y);
  if (y > maxPerDim)
    throw new Error(
      `groupedConv2dWebgpu: ${tiles} tiles exceed maxComputeWorkgroupsPerDimension (${maxPerDim}) squared`,
    );
  return [x, y];
}

/** Workgroups that keep an H100 busy (132 SMs x ~8 resident workgroups of 256); untuned. */
const TARGET_WORKGROUPS = 1024;
/** Fewest pixels one split of the dW sum covers (16 staged slices). */
const MIN_SPLIT_PIXELS = 256;
/** Most bytes of dW partial sums. */
const MAX_PARTIAL_BYTES = 32 * 2 ** 20;

/**
 * Split-K plan for dW: `splits` workgroups per tile, each summing `iters` slices of 16 pixels.
 * The dW GEMM has few output tiles (kh kw cinG x coutG) and a long K (N H' W', 50k at full
 * size), so without splitting a handful of workgroups would each walk the whole batch.
 */
export function planSplits(
  workgroupsPerSplit: number,
  pixels: number,
  partialBytesPerSplit: number,
): { splits: number; iters: number } {
  const want = Math.ceil(TARGET_WORKGROUPS / Math.max(1, workgroupsPerSplit));
  const byDepth = Math.ceil(pixels / MIN_SPLIT_PIXELS);
  const byMemory = Math.max(1, Math.floor(MAX_PARTIAL_BYTES / partialBytesPerSplit));
  const first = Math.max(1, Math.min(want, byDepth, byMemory));
  const iters = Math.ceil(pixels / (first * KT));
  return { splits: Math.ceil(pixels / (iters * KT)), iters }; // no empty split
}

interface Geometry {
  n: number;
  h: number;
  w: number;
  cin: number;
  kh: number;
  kw: number;
  cinG: number;
  cout: number;
  coutG: number;
  groups: number;
  ho: number;
  wo: number;
  strides: number;
  pad: number;
}

function geometry(
  xShape: readonly number[],
  kShape: readonly number[],
  o: Pick<GroupedConvWebgpuOptions, 'groups' | 'strides' | 'pad'>,
): Geometry {
  const [n = 0, h = 0, w = 0, cin = 0] = xShape;
  const [kh = 0, kw = 0, cinG = 0, cout = 0] = kShape;
  const { groups, strides, pad } = o;
  const ho = Math.floor((h + 2 * pad - kh) / strides) + 1;
  const wo = Math.floor((w + 2 * pad - kw) / strides) + 1;
  if (
    xShape.length !== 4 ||
    kShape.length !== 4 ||
    cin !== cinG * groups ||
    cout % groups !== 0 ||
    ho < 1 ||
    wo < 1
  )
    throw new Error(
      `groupedConv2dWebgpu: input ${xShape.join('x')}, kernel ${kShape.join('x')}, ` +
        `groups ${groups}, stride ${strides}, pad ${pad}: need channels = groups x kernel ` +
        `in-depth, out-depth divisible by groups and a non-empty output`,
    );
  return { n, h, w, cin, kh, kw, cinG, cout, coutG: cout / groups, groups, ho, wo, strides, pad };
}

interface DeviceLike {
  limits: GroupedConvLimits;
}
const checked = new WeakSet<DeviceLike>();

/** The backend's device limits, checked once per device. */
function deviceLimits(): GroupedConvLimits {
  const device = (tf.backend() as unknown as { device?: DeviceLike }).device;
  if (!device)
    throw new Error(`groupedConv2dWebgpu needs the webgpu backend, not ${tf.getBackend()}`);
  if (!checked.has(device)) {
    checkGroupedConvLimits(device.limits);
    checked.add(device);
  }
  return device.limits;
}

/** One GEMM program of the three; `rows` x `cols` per group over `z` grid layers. */
function gemmProgram(
  key: string,
  inputs: string[],
  source: (shape: TileShape) => string,
  outSize: number,
  rows: number,
  cols: number,
  z: number,
): { program: Program; tilesN: number } {
  const maxDim = deviceLimits().maxComputeWorkgroupsPerDimension;
  const shape = tileFor(cols);
  const tilesN = Math.ceil(cols / shape.tn);
  const [gx, gy] = foldGrid(Math.ceil(rows / shape.tm) * tilesN, maxDim);
  if (z > maxDim)
    throw new Error(
      `groupedConv2dWebgpu: ${z} grid layers exceed maxComputeWorkgroupsPerDimension`,
    );
  const program = gridProgram(
    outSize,
    `${key}_${shape.tm}x${shape.tn}`,
    inputs,
    CONV_UNIFORMS,
    source(shape),
    [gx, gy, z],
    [THREADS, 1, 1],
  );
  return { program, tilesN };
}

/** The CONV_UNIFORMS values. */
function uniforms(
  g: Geometry,
  rows: number,
  depth: number,
  tilesN: number,
  iters: number,
  splits = 1,
  fuse = { bias: false, relu: false },
) {
  return [g.h, g.w, g.cin, g.ho, g.wo, g.cout, g.cinG, g.coutG, g.kw, g.strides, g.pad]
    .concat([rows, depth, tilesN, iters, splits, Number(fuse.bias), Number(fuse.relu)])
    .map((v) => i32(v));
}

/** Forward on the kernel's TensorInfos: [N, H', W', cout], the flat output viewed in 4-D. */
function forward(
  x: tf.TensorInfo,
  kernel: tf.TensorInfo,
  bias: tf.TensorInfo | undefined,
  g: Geometry,
  relu: boolean,
): tf.TensorInfo {
  const rows = g.n * g.ho * g.wo;
  const depth = g.kh * g.kw * g.cinG;
  const size = rows * g.cout;
  const { program, tilesN } = gemmProgram(
    'fer_gconv_fwd',
    ['X', 'W', 'B'],
    forwardSource,
    size,
    rows,
    g.coutG,
    g.groups,
  );
  const out = runGridProgramInfo(
    program,
    [x, kernel, bias ?? kernel], // W has >= cout floats: a stand-in B, not read
    uniforms(g, rows, depth, tilesN, Math.ceil(depth / KT), 1, { bias: Boolean(bias), relu }),
  );
  return { dataId: out.dataId, shape: [g.n, g.ho, g.wo, g.cout], dtype: 'float32' }; // as tfjs's Reshape
}

function inputGrad(dy: tf.Tensor, kernel: tf.Tensor, g: Geometry): tf.Tensor4D {
  const rows = g.n * g.h * g.w;
  const depth = g.kh * g.kw * g.coutG;
  const { program, tilesN } = gemmProgram(
    'fer_gconv_dx',
    ['DY', 'W'],
    dxSource,
    rows * g.cin,
    rows,
    g.cinG,
    g.groups,
  );
  const flat = runGridProgram(
    program,
    [dy, kernel],
    uniforms(g, rows, depth, tilesN, Math.ceil(depth / KT)),
  );
  return flat.reshape<tf.Tensor4D>([g.n, g.h, g.w, g.cin]); // [N, H, W, cin]
}

function kernelGrad(x: tf.Tensor, dy: tf.Tensor, g: Geometry): tf.Tensor4D {
  const rows = g.kh * g.kw * g.cinG;
  const pixels = g.n * g.ho * g.wo;
  const size = rows * g.cout;
  const { tm, tn } = tileFor(g.coutG);
  const tiles = Math.ceil(rows / tm) * Math.ceil(g.coutG / tn);
  const { splits, iters } = planSplits(tiles * g.groups, pixels, size * 4);
  const shape: [number, number, number, number] = [g.kh, g.kw, g.cinG, g.cout];
  const { program, tilesN } = gemmProgram(
    'fer_gconv_dw',
    ['X', 'DY'],
    dwSource,
    splits * size,
    rows,
    g.coutG,
    g.groups * splits,
  );
  // [splits, kh kw cinG cout]; the gradient runs inside a tidy, which frees it.
  const partial = runGridProgram(
    program,
    [x, dy],
    uniforms(g, rows, pixels, tilesN, iters, splits),
  );
  if (splits === 1) return partial.reshape<tf.Tensor4D>(shape);
  const reduce = flatProgram(size, 'fer_gconv_dw_reduce', ['P'], 'splits : i32,', reduceSource());
  return runProgram(reduce, [partial], [i32(splits)]).reshape<tf.Tensor4D>(shape); // [kh, kw, cinG, cout]
}

/** Our kernel's name in tfjs's registry (webgpu backend only). */
const KERNEL = 'FerGroupedConv2D';

interface KernelAttrs {
  groups: number;
  strides: number;
  pad: number;
  relu: boolean;
}

/**
 * Registers the kernel and its gradient once. A registered kernel rather than tf.customGrad:
 * tfjs evaluates a kernel's gradient per input and only for inputs on the path to the
 * variables, so the input gradient of the first convolution (whose input is the image) is not
 * computed (customGrad computes every input's gradient; for conv1 that is a dx of 224 x 224 x 9
 * per frame with 3 columns per group, most of the tile idle).
 */
function register(): void {
  // getKernel is typed as always returning a config; it returns undefined when none is registered.
  if ((tf.getKernel(KERNEL, 'webgpu') as tf.KernelConfig | undefined) !== undefined) return;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, attrs }) => {
      const { x, filter, bias } = inputs as Record<string, tf.TensorInfo | undefined>;
      if (!x || !filter) throw new Error(`${KERNEL}: x and filter are required`);
      const a = attrs as unknown as KernelAttrs;
      return forward(x, filter, bias, geometry(x.shape, filter.shape, a), a.relu);
    },
  });
  tf.registerGradient({
    kernelName: KERNEL,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as KernelAttrs;
      const g = geometry(x.shape, filter.shape, a);
      const dy4 = Array.isArray(dy) ? (dy[0] as tf.Tensor) : dy;
      const fused = () => {
        throw new Error(
          'groupedConv2dWebgpu: no gradient with bias or relu fused (inference only); ' +
            'call it without them and apply batch norm and ReLU as separate ops to train',
        );
      };
      if (a.relu) return { x: fused, filter: fused, bias: fused };
      return {
        x: () => inputGrad(dy4, filter, g),
        filter: () => kernelGrad(x, dy4, g),
        bias: fused,
      };
    },
  });
}

/**
 * x [N, H, W, groups cinG], kernel [kh, kw, cinG, cout] (layout of src/model/groupedConv.ts) ->
 * [N, H', W', cout], relu?(conv + bias?). Differentiable w.r.t. x and kernel (each gradient
 * computed only when asked for) when relu is not fused; the bias has no gradient, and with relu
 * fused (the inference fold) asking for any gradient throws: the training path keeps batch norm
 * and ReLU as separate ops.
 */
export function groupedConv2dWebgpu(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  opts: GroupedConvWebgpuOptions,
): tf.Tensor4D {
  const g = geometry(x.shape, kernel.shape, opts);
  if (opts.bias && opts.bias.size !== g.cout)
    throw new Error(`groupedConv2dWebgpu: bias has ${opts.bias.size} values, need ${g.cout}`);
  deviceLimits(); // throws off webgpu or on an adapter short of a limit
  register();
  const attrs: KernelAttrs = {
    groups: opts.groups,
    strides: opts.strides,
    pad: opts.pad,
    relu: opts.relu ?? false,
  };
  const inputs: tf.NamedTensorMap = { x, filter: kernel };
  if (opts.bias) inputs.bias = opts.bias;
  return tf.engine().runKernel<tf.Tensor4D>(KERNEL, inputs, { ...attrs });
}
