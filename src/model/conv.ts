import * as tf from '@tensorflow/tfjs';
import { activate, activationGrad, type DenseActivation } from './dense.js';

/** Padding of a 'same' convolution along one axis: TensorFlow's rule, the odd pixel at the end. */
export function samePadding(size: number, kernel: number, stride: number): { out: number; before: number; after: number } {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  return { out, before, after: total - before };
}

/**
 * Along one axis of a convolution's input gradient, the taps that reach each
 * output phase r (position s·m + r): dx[s·m + r] = Σₐ dy[m + a]·W[r + before − s·a].
 * `first` is the lowest offset a over all phases and `taps` how many there
 * are; `tap(r, u)` is the filter index at offset first + u, or −1 for none.
 */
function phaseTaps(kernel: number, stride: number, before: number): { first: number; taps: number; tap: (r: number, u: number) => number } {
  let first = Infinity;
  let last = -Infinity;
  for (let r = 0; r < stride; r++) {
    const t = r + before;
    first = Math.min(first, Math.ceil((t - kernel + 1) / stride));
    last = Math.max(last, Math.floor(t / stride));
  }
  const tap = (r: number, u: number) => {
    const i = r + before - stride * (first + u);
    return i >= 0 && i < kernel ? i : -1;
  };
  return { first, taps: last - first + 1, tap };
}

/**
 * The gradient of a 'same' convolution with respect to its input, which is
 * also a transposed convolution's forward pass: dy ([batch, outH, outW, outC])
 * spread back over an input of `inShape` ([batch, h, w, inC]) through the
 * filter ([k, k, inC, outC]).
 *
 * The wasm backend's own kernel for this (Conv2DBackpropInput) is a plain loop,
 * about nine times slower than its XNNPACK convolution on the same shapes. So
 * it runs as one such convolution, split by output phase (sub-pixel): each of
 * the stride² phases of the output is a stride-1 correlation of dy with some
 * of the filter's taps, so one correlation with a small kernel holding every
 * phase's taps gives all stride²·inC channels at once, then laid out as
 * pixels. No multiplication by an inserted zero is done.
 */
export function convInputGrad(dy: tf.Tensor4D, filter: tf.Tensor4D, inShape: readonly [number, number, number, number], stride: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [k, , inC, outC] = filter.shape;
    const [, h, w] = inShape;
    const rowsP = phaseTaps(k, stride, samePadding(h, k, stride).before);
    const colsP = phaseTaps(k, stride, samePadding(w, k, stride).before);
    const phaseRows = Math.ceil(h / stride);
    const phaseCols = Math.ceil(w / stride);
    // dy, shifted by the first offset and cut or padded to the rows every phase reads.
    const rows = fitAxis(dy, 1, -rowsP.first, phaseRows + rowsP.taps - 1);
    const both = fitAxis(rows, 2, -colsP.first, phaseCols + colsP.taps - 1);
    // The combined kernel [tapsH, tapsW, outC, stride·stride·inC], gathered from
    // the filter's k·k slices (index k·k is a slice of zeros).
    const slices = tf.concat([tf.reshape(tf.transpose(filter, [0, 1, 3, 2]), [k * k, outC, inC]), tf.zeros([1, outC, inC])], 0);
    const index: number[] = [];
    for (let u = 0; u < rowsP.taps; u++) {
      for (let v = 0; v < colsP.taps; v++) {
        for (let r = 0; r < stride; r++) {
          for (let c = 0; c < stride; c++) {
            const i = rowsP.tap(r, u);
            const j = colsP.tap(c, v);
            index.push(i < 0 || j < 0 ? k * k : i * k + j);
          }
        }
      }
    }
    const picked = tf.reshape(tf.gather(slices, tf.tensor1d(index, 'int32')), [rowsP.taps * colsP.taps, stride * stride, outC, inC]);
    const combined = tf.reshape(tf.transpose(picked, [0, 2, 1, 3]), [rowsP.taps, colsP.taps, outC, stride * stride * inC]) as tf.Tensor4D;
    const phases = tf.conv2d(both, combined, 1, 'valid');
    // The phases' channels (row phase, column phase, channel) laid out as
    // pixels: depthToSpace, but written as one 4D transpose of whole runs of
    // stride·inC values, which the wasm backend does some 25 times faster.
    const [b] = phases.shape;
    const runs = tf.reshape(phases, [b * phaseRows, phaseCols, stride, stride * inC]);
    const spread = tf.reshape(tf.transpose(runs, [0, 2, 1, 3]), [b, phaseRows * stride, phaseCols * stride, inC]) as tf.Tensor4D;
    return spread.shape[1] === h && spread.shape[2] === w ? spread : tf.slice(spread, [0, 0, 0, 0], [-1, h, w, -1]);
  });
}

/** Pads `before` zeros ahead on one spatial axis (or drops −before rows when negative), then pads or trims behind to `length`. */
function fitAxis(x: tf.Tensor4D, axis: 1 | 2, before: number, length: number): tf.Tensor4D {
  let t = x;
  let ahead = before;
  if (ahead < 0) {
    const begin = [0, 0, 0, 0];
    begin[axis] = -ahead;
    t = tf.slice(t, begin, [-1, -1, -1, -1]);
    ahead = 0;
  }
  const behind = length - ahead - t.shape[axis];
  const pads: Array<[number, number]> = [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
  ];
  pads[axis] = [ahead, Math.max(behind, 0)];
  const padded = ahead > 0 || behind > 0 ? tf.pad(t, pads) : t;
  if (behind >= 0) return padded;
  const size = [...padded.shape] as [number, number, number, number];
  size[axis] = length;
  return tf.slice(padded, [0, 0, 0, 0], size);
}

/**
 * The gradient of a 'same' convolution with respect to its filter, which the
 * wasm backend lacks (no Conv2DBackpropFilter kernel). It is itself a
 * convolution, run on the fast kernel: the padded input with batch and
 * channels swapped ([inC, h, w, batch]) correlated with dy as the filter
 * ([outH, outW, batch, outC]) dilated by the stride, giving [inC, k, k, outC].
 * (Building the k·k shifted views of the input and multiplying them by dy,
 * im2col, was measured 5 to 15 times slower on these shapes: the wasm
 * backend's strided slices, concatenations and large transposes are slow.)
 */
export function convFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, kernel: number, stride: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const [, outH, outW] = dy.shape;
    const ph = samePadding(h, kernel, stride);
    const pw = samePadding(w, kernel, stride);
    // Only the rows and columns some output reads: (out − 1)·stride + k of them.
    const rows = fitAxis(x, 1, ph.before, (outH - 1) * stride + kernel);
    const both = fitAxis(rows, 2, pw.before, (outW - 1) * stride + kernel);
    const input = tf.transpose(both, [3, 1, 2, 0]) as tf.Tensor4D;
    const filter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const grad = tf.conv2d(input, filter, 1, 'valid', 'NHWC', stride);
    return tf.transpose(grad, [1, 2, 0, 3]);
  });
}

/** A linear map of images by a filter, with its gradients with respect to both. */
interface LinearOp {
  forward(x: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D;
  /** [dx, dfilter] for dz, the gradient at the map's output. */
  backward(dz: tf.Tensor4D, x: tf.Tensor4D, filter: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D];
}

/** y = act(op(x, filter) + bias), differentiated by hand through `op.backward`. */
function biasedLayer(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, act: DenseActivation, op: LinearOp): tf.Tensor4D {
  const layer = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xs, f, bi, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.GradSaveFunc];
    const y = activate(tf.add(op.forward(xs, f), bi), act) as tf.Tensor4D;
    save([xs, f, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xv, fv, yv] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
        const dz = activationGrad(dy as tf.Tensor4D, yv, act);
        return [...op.backward(dz, xv, fv), tf.sum(dz, [0, 1, 2])];
      },
    };
  });
  return layer(x, filter, bias) as tf.Tensor4D;
}

/**
 * y = act(conv2d(x, filter, stride, 'same') + bias): exactly a Layers Conv2D,
 * with a hand-written gradient that stays on the wasm backend's fast kernels.
 * `inputGrad: false` skips dx for a layer whose input is data.
 */
export function conv2d(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, stride: number, act: DenseActivation, inputGrad = true): tf.Tensor4D {
  return biasedLayer(x, filter, bias, act, {
    forward: (xs, f) => tf.conv2d(xs, f, stride, 'same'),
    backward: (dz, xv, fv) => [inputGrad ? convInputGrad(dz, fv, xv.shape, stride) : tf.zerosLike(xv), convFilterGrad(xv, dz, fv.shape[0], stride)],
  });
}

/**
 * y = act(conv2dTranspose(x, filter, stride, 'same') + bias) with the output
 * `stride` times the input: exactly a Layers Conv2DTranspose (filter
 * [k, k, outChannels, inChannels]), computed and differentiated on fast kernels.
 * Its forward pass is a convolution's input gradient; its input gradient is a
 * plain strided convolution; its filter gradient swaps the roles of x and dy.
 */
export function conv2dTranspose(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, stride: number, act: DenseActivation): tf.Tensor4D {
  return biasedLayer(x, filter, bias, act, {
    forward: (xs, f) => {
      const [b, h, w] = xs.shape;
      return convInputGrad(xs, f, [b, h * stride, w * stride, f.shape[2]], stride);
    },
    backward: (dz, xv, fv) => [tf.conv2d(dz, fv, stride, 'same'), convFilterGrad(dz, xv, fv.shape[0], stride)],
  });
}
