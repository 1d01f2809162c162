import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../contract/shapes.js';

export type DenseActivation = Activation | 'linear';

/** act(z), for any shape. */
export function activate<T extends tf.Tensor>(z: T, act: DenseActivation): T {
  switch (act) {
    case 'linear':
      return z;
    case 'relu':
      return tf.relu(z);
    case 'tanh':
      return tf.tanh(z);
    case 'elu':
      return tf.elu(z);
    case 'sigmoid':
      return tf.sigmoid(z);
  }
}

/** d act / d z written in terms of the output y, so the pre-activation need not be kept. */
export function activationGrad<T extends tf.Tensor>(dy: T, y: T, act: DenseActivation): T {
  switch (act) {
    case 'linear':
      return dy;
    case 'relu':
      return tf.mul(dy, tf.step(y));
    case 'tanh':
      return tf.mul(dy, tf.sub(1, tf.square(y)));
    case 'elu':
      return tf.where(tf.greater(y, 0), dy, tf.mul(dy, tf.add(y, 1))) as T;
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
  }
}

/**
 * dx = dz·Wᵀ. When W is bigger than dz and dx together (a wide output layer
 * on a small batch) it is cheaper to transpose those instead: dx = (W·dzᵀ)ᵀ.
 */
function inputGradient(dz: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const [rows, outs] = dz.shape;
  const ins = w.shape[0];
  if (w.size > rows * (outs + ins)) return tf.transpose(tf.matMul(w, tf.transpose(dz))) as tf.Tensor2D;
  return tf.matMul(dz, tf.transpose(w));
}

/** Σ over rows as a 1×rows product: the wasm backend sums along axis 0 through a transpose, 5× slower. */
export function sumRows(t: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(tf.matMul(tf.ones([1, t.shape[0]]), t), [t.shape[1]]);
}

/** y = act(x·W + b), as a tfjs Dense layer computes it. */
export function denseForward(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, act: DenseActivation): tf.Tensor2D {
  return activate(tf.add(tf.matMul(x, kernel), bias) as tf.Tensor2D, act);
}

/**
 * The gradients of y = act(x·W + b) given dy, from x, W and y: [dx, dW, db],
 * dx null when not wanted. Each matMul takes an explicit transpose: the stock
 * MatMul gradient asks for A·Bᵀ and Aᵀ·B, which the wasm backend runs about
 * 15× slower than a plain A·B; a transpose is a cheap copy.
 */
export function denseBackward(
  dy: tf.Tensor2D,
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  y: tf.Tensor2D,
  act: DenseActivation,
  wantDx: boolean,
): [tf.Tensor2D | null, tf.Tensor2D, tf.Tensor1D] {
  const dz = activationGrad(dy, y, act);
  return [wantDx ? inputGradient(dz, kernel) : null, tf.matMul(tf.transpose(x), dz), sumRows(dz)];
}

/**
 * y = act(x·W + b) with the hand-written gradient of `denseBackward`.
 * `inputGrad: false` skips dx for the first layer, whose input is data and
 * never needs a gradient.
 *
 * The maths is exactly a tfjs Dense layer's, so the same weights load as a
 * standard Layers model anywhere.
 */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, act: DenseActivation, inputGrad = true): tf.Tensor2D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x2, w2, bi, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const y = denseForward(x2, w2, bi, act);
    save([x2, w2, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, ws, ys] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const [dx, dw, db] = denseBackward(dy as tf.Tensor2D, xs, ws, ys, act, inputGrad);
        return [dx ?? tf.zerosLike(xs), dw, db];
      },
    };
  });
  return op(x, kernel, bias) as tf.Tensor2D;
}
