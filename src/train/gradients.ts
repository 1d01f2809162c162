import * as tf from '@tensorflow/tfjs';
import { klStandardNormal } from '../model/loss.js';
import { type VaeModel } from '../model/vae-model.js';
import { sampleZ } from '../model/sampling.js';
import { UserError } from '../contract/errors.js';

/**
 * Gradients of the batch-mean objective (recon + w·KL, each summed over pixels
 * or dims) in the order of `vae.variables()`, with the batch sums of recon and
 * KL. `target` is what the reconstruction is scored against: the input itself,
 * or for a denoising VAE the clean images whose noisy copies are `pixels`.
 */
export function gradients(
  vae: VaeModel,
  pixels: Float32Array,
  rows: number,
  klWeight: number,
  seed: number,
  target: Float32Array = pixels,
): { grads: tf.Tensor[]; sums: tf.Tensor1D } {
  try {
    return objectiveGradients(vae, pixels, rows, klWeight, seed, target);
  } catch (err) {
    // An imported model's layers run on tfjs' own gradients, some of which a backend lacks.
    const missing = /Kernel '(\w+)' not registered for backend '(\w+)'/.exec((err as Error).message);
    if (!missing) throw err;
    throw new UserError(
      'BAD_MODEL',
      `This model's layers need the ${missing[1]} kernel to train, which the ${missing[2]} backend does not have; it can be explored here, but not trained.`,
    );
  }
}

function objectiveGradients(
  vae: VaeModel,
  pixels: Float32Array,
  rows: number,
  klWeight: number,
  seed: number,
  target: Float32Array,
): { grads: tf.Tensor[]; sums: tf.Tensor1D } {
  return tf.tidy(() => {
    const x = tf.tensor2d(pixels, [rows, pixels.length / rows]);
    // What the reconstruction is scored against: the input itself, or (a denoising VAE) the clean images.
    const t = target === pixels ? x : tf.tensor2d(target, x.shape);
    const byHand = vae.objectiveGradients?.(x, klWeight, seed, t);
    if (byHand) return { grads: byHand.grads, sums: tf.stack([byHand.rec, byHand.kl]) as tf.Tensor1D };
    let rec: tf.Tensor = tf.scalar(0);
    let kl: tf.Tensor = tf.scalar(0);
    const vars = vae.variables();
    const { grads } = tf.variableGrads(() => {
      const { mean, logVar } = vae.encode(x);
      const logits = vae.decodeLogits(sampleZ(mean, logVar, seed));
      rec = tf.keep(tf.sum(vae.nll(logits, t)));
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
