/**
 * placeholder: replaced by the WGSL kernel (wt-gconv).
 *
 * Grouped convolution on a packed tensor, all groups in one call: split per group, one conv2d
 * per group, concatenate, + bias, + ReLU, in tf ops.
 */
import * as tf from '@tensorflow/tfjs';

export interface GroupedConvWebgpuOptions {
  groups: number;
  strides: number;
  pad: number;
  bias?: tf.Tensor1D;
  relu?: boolean;
}

/** x [N,H,W,groups*cinG], kernel [kh,kw,cinG,cout] -> [N,H',W',cout]; differentiable in x and kernel (no bias/relu). */
export function groupedConv2dWebgpu(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  opts: GroupedConvWebgpuOptions,
): tf.Tensor4D {
  const { groups, strides, pad, bias, relu = false } = opts;
  return tf.tidy(() => {
    let y: tf.Tensor4D;
    if (groups === 1) y = tf.conv2d<tf.Tensor4D>(x, kernel, strides, pad);
    else {
      const xs = tf.split<tf.Tensor4D>(x, groups, 3); // groups x [N, H, W, cinG]
      const ks = tf.split<tf.Tensor4D>(kernel, groups, 3); // groups x [kh, kw, cinG, cout/g]
      const ys = xs.map((xg, g) => tf.conv2d<tf.Tensor4D>(xg, ks[g] ?? kernel, strides, pad));
      y = tf.concat<tf.Tensor4D>(ys, 3); // [N, H', W', cout]
    }
    if (bias) y = tf.add<tf.Tensor4D>(y, bias);
    return relu ? tf.relu(y) : y;
  });
}
