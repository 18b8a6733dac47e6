/**
 * WGSL for the grouped convolution of ./webgpuGroupedConv.ts: three implicit GEMMs (no im2col
 * buffer) over one shared skeleton, C[m, n] = sum_k A[m, k] B[k, n], one tm x tn tile of C per
 * workgroup of 256 invocations, 4 x 4 outputs each (rows ty + tm/4 i, columns tx + tn/4 j, so
 * neighbouring invocations store neighbouring channels), K in slices of 16 staged through
 * workgroup memory (As [16][tm + 1], Bs [16][tn + 1], padded against bank conflicts). Tiles are
 * 64 x 64, or 128 x 32 when the GEMM has <= 32 columns (the stem and stage 1: 32 channels per
 * group, which would leave half of a 64-wide tile idle). Per group g (layouts of
 * src/model/groupedConv.ts, NHWC, channels contiguous):
 *   forward: m = (b, oy, ox), n = o < coutG, k = (ky, kx, c), c < cinG fastest;
 *            A = x[b, oy s - pad + ky, ox s - pad + kx, g cinG + c], B = W[ky, kx, c, g coutG + n]
 *   dx:      m = (b, iy, ix), n = c < cinG, k = (ky, kx, o), o < coutG fastest;
 *            A = dy[b, oy, ox, g coutG + o] where oy = (iy + pad - ky) / s divides exactly and
 *            is in range (the gather form of the transposed convolution; stride 2 included),
 *            B = W[ky, kx, n, g coutG + o]
 *   dW:      m = (ky, kx, c), n = o < coutG, k = (b, oy, ox) split over workgroups (split-K);
 *            A = x[b, oy s - pad + ky, ox s - pad + kx, g cinG + c], B = dy[b, oy, ox, g coutG + n]
 * Every load is guarded (zero outside the image, the matrix or the K range); the tile loads read
 * along channels so a warp's reads are contiguous. The grid is [tilesX, tilesY, z]: the 2-D tile
 * index (y * numWorkgroups.x + x) is split into row tile and column tile (column fastest, so
 * consecutive workgroups reuse the same rows of A), z is the group (forward, dx) or
 * group * splits + split (dW). Loop bounds are uniforms only, so the barriers sit in uniform
 * control flow. Shapes are uniforms: one compiled shader per program kind serves every layer.
 */

/** Rows x columns of C per workgroup. */
export interface TileShape {
  tm: number;
  tn: number;
}
const WIDE: TileShape = { tm: 64, tn: 64 };
const NARROW: TileShape = { tm: 128, tn: 32 };
/** The tile for a GEMM with `cols` columns per group. */
export const tileFor = (cols: number): TileShape => (cols <= NARROW.tn ? NARROW : WIDE);

/** K slice staged per iteration. */
export const KT = 16;
/** Invocations per workgroup. */
export const THREADS = 256;
/** Workgroup memory the largest tile declares, bytes (As + Bs, padded rows). */
export const WORKGROUP_BYTES = Math.max(
  ...[WIDE, NARROW].map(({ tm, tn }) => KT * (tm + 1 + tn + 1) * 4),
);

/**
 * The uniforms every program of this module takes, in this order (all i32; hasBias and relu
 * 0 / 1, read by the forward only: uniforms rather than variants, one shader fewer to compile).
 */
export const CONV_UNIFORMS =
  'inH : i32, inW : i32, inC : i32, outH : i32, outW : i32, outC : i32, cinG : i32, coutG : i32, ' +
  'kW : i32, stride : i32, pad : i32, rows : i32, depth : i32, tilesN : i32, iters : i32, ' +
  'splits : i32, hasBias : i32, relu : i32,';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const range4 = range(4);

/**
 * `arr[index]` where `ok`, else 0, without a branch: the index is clamped to 0 when out of range
 * (straight-line code: SwiftShader's compiler stalled for minutes on the branchy form of dx).
 */
const load = (arr: string, ok: string, index: string) =>
  `select(0.0, ${arr}[select(0, ${index}, ${ok})], ${ok})`;

/** Workgroup tiles, shared head (tile coordinates, the 16 accumulators), multiply, store. */
function skeleton({ tm, tn }: TileShape) {
  const sa = tm + 1;
  const sb = tn + 1;
  const tx = tn / 4; // invocations along columns
  const ty = tm / 4; // along rows
  return {
    sa,
    sb,
    declarations: `
var<workgroup> As : array<f32, ${KT * sa}>;
var<workgroup> Bs : array<f32, ${KT * sb}>;`,
    head: (zDecode: string) => `
  let t = i32(localIndex);
  let tx = t % ${tx};
  let ty = t / ${tx};
  let tile = i32(workgroupId.y * numWorkgroups.x + workgroupId.x);
  let tm = tile / uniforms.tilesN;
  let m0 = tm * ${tm};
  let n0 = (tile - tm * uniforms.tilesN) * ${tn};
  ${zDecode}
  ${range4.map((i) => range4.map((j) => `var c${i}${j} = 0.0;`).join(' ')).join('\n  ')}`,
    /** One staged K slice: 16 x (4 + 4 reads, 16 FMAs) per invocation. */
    multiply: `
    workgroupBarrier();
    for (var kk = 0; kk < ${KT}; kk = kk + 1) {
      ${range4.map((i) => `let a${i} = As[kk * ${sa} + ty + ${ty * i}];`).join(' ')}
      ${range4.map((j) => `let b${j} = Bs[kk * ${sb} + tx + ${tx * j}];`).join(' ')}
      ${range4.map((i) => range4.map((j) => `c${i}${j} = fma(a${i}, b${j}, c${i}${j});`).join(' ')).join('\n      ')}
    }
    workgroupBarrier();`,
    /** `store(value)` is WGSL run for each in-range element (m, n in scope). */
    epilogue: (cols: string, store: (v: string) => string) =>
      range4
        .map(
          (i) => `
  {
    let m = m0 + ty + ${ty * i};
    if (m < uniforms.rows) {
      ${range4.map((j) => `{ let n = n0 + tx + ${tx * j}; if (n < ${cols}) { ${store(`c${i}${j}`)} } }`).join('\n      ')}
    }
  }`,
        )
        .join(''),
  };
}

/**
 * Forward: X, W, B -> y [N, H', W', outC], relu?(conv + B?) as the uniforms hasBias and relu say
 * (without a bias any buffer of >= outC floats may be bound as B; it is not read).
 */
export function forwardSource(shape: TileShape): string {
  const { sa, sb, declarations, head, multiply, epilogue } = skeleton(shape);
  const aSlots = range(shape.tm / 16);
  const bStep = THREADS / shape.tn;
  const store = (v: string) =>
    `let y = ${v} + select(0.0, B[select(0, g * uniforms.coutG + n, uniforms.hasBias == 1)], uniforms.hasBias == 1);
        setOutputAtIndex(m * uniforms.outC + g * uniforms.coutG + n, select(y, max(y, 0.0), uniforms.relu == 1));`;
  return `${declarations}
fn main() {
  ${head('let g = i32(workgroupId.z);')}
  // A: invocation t stages k = t % 16 of rows t / 16 + 16 i (reads along c).
  let ak = t % ${KT};
  let ar = t / ${KT};
  let pix = uniforms.outH * uniforms.outW;
  ${aSlots
    .map(
      (i) => `let r${i} = m0 + ar + ${16 * i};
  let bt${i} = r${i} / pix;
  let oy${i} = (r${i} - bt${i} * pix) / uniforms.outW;
  let ox${i} = r${i} - bt${i} * pix - oy${i} * uniforms.outW;
  let iy${i} = select(-1073741824, oy${i} * uniforms.stride - uniforms.pad, r${i} < uniforms.rows);
  let ix${i} = ox${i} * uniforms.stride - uniforms.pad;
  let base${i} = bt${i} * uniforms.inH * uniforms.inW * uniforms.inC + g * uniforms.cinG;`,
    )
    .join('\n  ')}
  // B: invocation t stages column t % ${shape.tn} of k = t / ${shape.tn} + ${bStep} j (reads along o).
  let bn = n0 + t % ${shape.tn};
  let bk = t / ${shape.tn};
  let bOk = bn < uniforms.coutG;
  let bCol = g * uniforms.coutG + bn;
  for (var it = 0; it < uniforms.iters; it = it + 1) {
    let k0 = it * ${KT};
    {
      let k = k0 + ak;
      let kOk = k < uniforms.depth;
      let q = k / uniforms.cinG;
      let c = k - q * uniforms.cinG;
      let ky = q / uniforms.kW;
      let kx = q - ky * uniforms.kW;
      ${aSlots
        .map(
          (i) => `{
        let iy = iy${i} + ky;
        let ix = ix${i} + kx;
        let ok = kOk & (iy >= 0) & (iy < uniforms.inH) & (ix >= 0) & (ix < uniforms.inW);
        As[ak * ${sa} + ar + ${16 * i}] =
          ${load('X', 'ok', `base${i} + (iy * uniforms.inW + ix) * uniforms.inC + c`)};
      }`,
        )
        .join('\n      ')}
    }
    ${range(shape.tn / 16)
      .map(
        (j) => `{
      let k = k0 + bk + ${bStep * j};
      Bs[(bk + ${bStep * j}) * ${sb} + t % ${shape.tn}] =
        ${load('W', 'bOk & (k < uniforms.depth)', 'k * uniforms.outC + bCol')};
    }`,
      )
      .join('\n    ')}
    ${multiply}
  }
  ${epilogue('uniforms.coutG', store)}
}`;
}

/** dx: DY, W -> dx [N, H, W, inC]. */
export function dxSource(shape: TileShape): string {
  const { sa, sb, declarations, head, multiply, epilogue } = skeleton(shape);
  const aSlots = range(shape.tm / 16);
  return `${declarations}
fn main() {
  ${head('let g = i32(workgroupId.z);')}
  // A: invocation t stages k = t % 16 of rows t / 16 + 16 i (reads along o).
  let ak = t % ${KT};
  let ar = t / ${KT};
  let pix = uniforms.inH * uniforms.inW;
  ${aSlots
    .map(
      (i) => `let r${i} = m0 + ar + ${16 * i};
  let bt${i} = r${i} / pix;
  let iy${i} = (r${i} - bt${i} * pix) / uniforms.inW;
  let ix${i} = r${i} - bt${i} * pix - iy${i} * uniforms.inW;
  let py${i} = select(-1073741824, iy${i} + uniforms.pad, r${i} < uniforms.rows);
  let px${i} = ix${i} + uniforms.pad;
  let base${i} = bt${i} * uniforms.outH * uniforms.outW * uniforms.outC + g * uniforms.coutG;`,
    )
    .join('\n  ')}
  // B: invocation t stages k = t % 16 (the same k as its A slots) of columns t / 16 + 16 j.
  for (var it = 0; it < uniforms.iters; it = it + 1) {
    let k = it * ${KT} + ak;
    let kOk = k < uniforms.depth;
    let q = k / uniforms.coutG;
    let o = k - q * uniforms.coutG;
    let ky = q / uniforms.kW;
    let kx = q - ky * uniforms.kW;
    ${aSlots
      .map(
        (i) => `{
      let sy = py${i} - ky;
      let sx = px${i} - kx;
      let oy = sy / uniforms.stride;
      let ox = sx / uniforms.stride;
      let ok = kOk & (sy >= 0) & (sx >= 0) & (oy * uniforms.stride == sy) &
        (ox * uniforms.stride == sx) & (oy < uniforms.outH) & (ox < uniforms.outW);
      As[ak * ${sa} + ar + ${16 * i}] =
        ${load('DY', 'ok', `base${i} + (oy * uniforms.outW + ox) * uniforms.outC + o`)};
    }`,
      )
      .join('\n    ')}
    ${range(shape.tn / 16)
      .map(
        (j) => `{
      let n = n0 + ar + ${16 * j};
      Bs[ak * ${sb} + ar + ${16 * j}] = ${load(
        'W',
        'kOk & (n < uniforms.cinG)',
        '(q * uniforms.cinG + n) * uniforms.outC + g * uniforms.coutG + o',
      )};
    }`,
      )
      .join('\n    ')}
    ${multiply}
  }
  ${epilogue('uniforms.cinG', (v) => `setOutputAtIndex(m * uniforms.inC + g * uniforms.cinG + n, ${v});`)}
}`;
}

/** The pixel p of dy / the output (b, oy, ox) and whether it is in this split's range. */
const pixel = (p: string) => `let pOk = ${p} < kEnd;
      let b = ${p} / pix;
      let oy = (${p} - b * pix) / uniforms.outW;
      let ox = ${p} - b * pix - oy * uniforms.outW;`;

/**
 * dW: X, DY -> partial sums [splits, kh kw cinG outC] (split s sums pixels
 * [s iters 16, (s + 1) iters 16)); with one split that is dW itself.
 */
export function dwSource(shape: TileShape): string {
  const { sa, sb, declarations, head, multiply, epilogue } = skeleton(shape);
  const aStep = THREADS / shape.tm;
  const bStep = THREADS / shape.tn;
  return `${declarations}
fn main() {
  ${head(`let z = i32(workgroupId.z);
  let g = z / uniforms.splits;
  let sp = z - g * uniforms.splits;
  let kStart = sp * uniforms.iters * ${KT};
  let kEnd = min(uniforms.depth, kStart + uniforms.iters * ${KT});`)}
  // A: invocation t stages row t % ${shape.tm} (one kernel tap and channel) of k = t / ${shape.tm} + ${aStep} i.
  let am = m0 + t % ${shape.tm};
  let ak = t / ${shape.tm};
  let q = am / uniforms.cinG;
  let c = am - q * uniforms.cinG;
  let ky = select(-1073741824, q / uniforms.kW, am < uniforms.rows);
  let kx = q - (q / uniforms.kW) * uniforms.kW;
  let xCh = g * uniforms.cinG + c;
  // B: invocation t stages column t % ${shape.tn} (a channel of dy) of k = t / ${shape.tn} + ${bStep} j.
  let bn = n0 + t % ${shape.tn};
  let bk = t / ${shape.tn};
  let bOk = bn < uniforms.coutG;
  let bCol = g * uniforms.coutG + bn;
  let pix = uniforms.outH * uniforms.outW;
  for (var it = 0; it < uniforms.iters; it = it + 1) {
    let k0 = kStart + it * ${KT};
    ${range(shape.tm / 16)
      .map(
        (i) => `{
      ${pixel(`(k0 + ak + ${aStep * i})`)}
      let iy = oy * uniforms.stride - uniforms.pad + ky;
      let ix = ox * uniforms.stride - uniforms.pad + kx;
      let ok = pOk & (iy >= 0) & (iy < uniforms.inH) & (ix >= 0) & (ix < uniforms.inW);
      As[(ak + ${aStep * i}) * ${sa} + t % ${shape.tm}] =
        ${load('X', 'ok', '((b * uniforms.inH + iy) * uniforms.inW + ix) * uniforms.inC + xCh')};
    }`,
      )
      .join('\n    ')}
    ${range(shape.tn / 16)
      .map(
        (j) => `{
      let p = k0 + bk + ${bStep * j};
      Bs[(bk + ${bStep * j}) * ${sb} + t % ${shape.tn}] =
        ${load('DY', '(p < kEnd) & bOk', 'p * uniforms.outC + bCol')};
    }`,
      )
      .join('\n    ')}
    ${multiply}
  }
  let partBase = sp * uniforms.rows * uniforms.outC + g * uniforms.coutG;
  ${epilogue('uniforms.coutG', (v) => `setOutputAtIndex(partBase + m * uniforms.outC + n, ${v});`)}
}`;
}

/** Sums the `splits` partials [splits, size] into [size] (flat program, one invocation each). */
export function reduceSource(): string {
  return `fn main(index : i32) {
  if (index < uniforms.size) {
    var acc = 0.0;
    for (var s = 0; s < uniforms.splits; s = s + 1) { acc = acc + P[s * uniforms.size + index]; }
    setOutputAtIndex(index, acc);
  }
}`;
}
