import * as tf from '@tensorflow/tfjs';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const TINY = 1e-30;

/**
 * −log p(x|z) for a Bernoulli decoder, per example, summed over pixels:
 * the stable cross-entropy with logits, max(l,0) − l·x + log(1 + e^−|l|).
 * The last term is written −log σ(|l|): σ(|l|) lies in [½, 1], so the log
 * never meets a subnormal or zero, and the wasm backend's sigmoid is a fast
 * vector kernel where its softplus is a scalar loop. Past |l| ≈ 17, σ(|l|)
 * rounds to 1 and the term to 0, an error below 4·10⁻⁸ nats a pixel.
 * Written with a custom gradient, σ(l) − x, which is both exact and cheap.
 */
export function bernoulliNll(logits: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [l, xi, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([l, xi]);
    const perPixel = tf.sub(tf.sub(tf.relu(l), tf.mul(l, xi)), tf.log(tf.sigmoid(tf.abs(l))));
    return {
      value: tf.sum(perPixel, 1),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [ls, xs] = saved as [tf.Tensor2D, tf.Tensor2D];
        // σ(l) − x, with residues below 1e−30 set to exactly zero: a decoder
        // soon pushes always-black pixels to logits below −87, where σ(l) is a
        // subnormal float, and subnormal operands slow every matMul and Adam
        // update they reach by 30% or more on x86.
        const raw = tf.sub(tf.sigmoid(ls), xs);
        const g = tf.mul(raw, tf.step(tf.sub(tf.abs(raw), TINY)));
        return [tf.mul(g, tf.expandDims(dy as tf.Tensor1D, 1)), tf.zerosLike(xs)];
      },
    };
  });
  return op(logits, x) as tf.Tensor1D;
}

/**
 * −log N(x; μ, σ²I) per example, summed over pixels, with μ = sigmoid(logits):
 * ‖x − μ‖²/(2σ²) + D(log σ + ½ log 2π). σ is a number, or log σ as a scalar
 * tensor when it is learned. The constant is kept so the figure is a true
 * negative log-density in nats (it can be negative).
 */
export function gaussianNll(logits: tf.Tensor2D, x: tf.Tensor2D, sigma: number | tf.Scalar): tf.Tensor1D {
  return tf.tidy(() => {
    const d = logits.shape[1];
    const sq = tf.sum(tf.squaredDifference(x, tf.sigmoid(logits)), 1);
    if (typeof sigma === 'number') return tf.add(tf.div(sq, 2 * sigma * sigma), d * (Math.log(sigma) + HALF_LOG_2PI));
    const logSigma = sigma;
    return tf.add(tf.mul(sq, tf.mul(0.5, tf.exp(tf.mul(logSigma, -2)))), tf.mul(d, tf.add(logSigma, HALF_LOG_2PI)));
  });
}

/** KL(q(z|x) ‖ N(0, I)) per example, summed over latent dims. */
export function klStandardNormal(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.mul(0.5, tf.sum(tf.sub(tf.add(tf.exp(logVar), tf.square(mean)), tf.add(1, logVar)), 1)));
}

/** log N(z; 0, I) per row. */
export function logStandardNormal(z: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.neg(tf.add(tf.mul(0.5, tf.sum(tf.square(z), 1)), z.shape[1] * HALF_LOG_2PI)) as tf.Tensor1D);
}

/** log N(z; μ, diag(e^logVar)) per row, given ε = (z − μ)/σ. */
export function logDiagNormalFromEps(eps: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.neg(tf.add(tf.mul(0.5, tf.sum(tf.add(tf.square(eps), logVar), 1)), eps.shape[1] * HALF_LOG_2PI)) as tf.Tensor1D);
}
