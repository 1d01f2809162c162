import * as tf from '@tensorflow/tfjs';
import { klStandardNormal } from '../model/loss.js';
import { type VaeModel } from '../model/vae-model.js';
import { sampleZ } from '../model/sampling.js';

/**
 * Gradients of the batch-mean objective (recon + w·KL, each summed over pixels
 * or dims) in the order of `vae.variables()`, with the batch sums of recon and KL.
 */
export function gradients(vae: VaeModel, pixels: Float32Array, rows: number, klWeight: number, seed: number): { grads: tf.Tensor[]; sums: tf.Tensor1D } {
  return tf.tidy(() => {
    const x = tf.tensor2d(pixels, [rows, pixels.length / rows]);
    let rec: tf.Tensor = tf.scalar(0);
    let kl: tf.Tensor = tf.scalar(0);
    const vars = vae.variables();
    const { grads } = tf.variableGrads(() => {
      const { mean, logVar } = vae.encode(x);
      const logits = vae.decodeLogits(sampleZ(mean, logVar, seed));
      rec = tf.keep(tf.sum(vae.nll(logits, x)));
      kl = tf.keep(tf.sum(klStandardNormal(mean, logVar)));
      return tf.div(tf.add(rec, tf.mul(kl, klWeight)), rows) as tf.Scalar;
    }, vars);
    const sums = tf.stack([rec, kl]) as tf.Tensor1D;
    rec.dispose();
    kl.dispose();
    // A variable the loss never reaches (the weights of an imported encoder's z output, say) has no gradient: zero.
    return { grads: vars.map((v) => grads[v.name] ?? tf.zerosLike(v)), sums };
  });
}
