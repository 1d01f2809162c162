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

/**
 * y = act(x·W + b) with a hand-written gradient that transposes explicitly
 * before each matMul. The stock MatMul gradient asks for A·Bᵀ and Aᵀ·B, which
 * the wasm backend runs about 15× slower than a plain A·B; a transpose is a
 * cheap copy. `inputGrad: false` skips dx for the first layer, whose input is
 * data and never needs a gradient.
 *
 * The maths is exactly a tfjs Dense layer's, so the same weights load as a
 * standard Layers model anywhere.
 */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, act: DenseActivation, inputGrad = true): tf.Tensor2D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x2, w2, bi, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const y = activate(tf.add(tf.matMul(x2, w2), bi) as tf.Tensor2D, act);
    save([x2, w2, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, ws, ys] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const dz = activationGrad(dy as tf.Tensor2D, ys, act);
        const dw = tf.matMul(tf.transpose(xs), dz);
        // Σ over rows as a 1×rows product: the wasm backend sums along axis 0 through a transpose, 5× slower.
        const db = tf.reshape(tf.matMul(tf.ones([1, dz.shape[0]]), dz), [dz.shape[1]]);
        const dx = inputGrad ? inputGradient(dz, ws) : tf.zerosLike(xs);
        return [dx, dw, db];
      },
    };
  });
  return op(x, kernel, bias) as tf.Tensor2D;
}
