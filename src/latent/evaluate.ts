import * as tf from '@tensorflow/tfjs';
import { Rng } from '../util/rng.js';
import { UserError } from '../contract/errors.js';
import { batches, pixelsPerImage, type ImageSet } from '../data/dataset.js';
import { klStandardNormal, logDiagNormalFromEps, logStandardNormal } from '../model/loss.js';
import type { Loss } from '../contract/shapes.js';
import { type VaeModel } from '../model/vae-model.js';
import { reparameterise, tfSeed } from '../model/sampling.js';

function batchTensor(set: ImageSet, start: number, end: number): tf.Tensor2D {
  const d = pixelsPerImage(set);
  return tf.tensor2d(set.pixels.subarray(start * d, end * d), [end - start, d]);
}

/**
 * The negative ELBO on a set, in nats per image: reconstruction (one sampled z
 * per image) plus KL, each summed over pixels or dims and averaged over images.
 */
export async function evaluateElbo(vae: VaeModel, set: ImageSet, opts: { batchSize?: number; seed?: number } = {}): Promise<Loss> {
  const size = opts.batchSize ?? 500;
  const rng = new Rng(opts.seed ?? 1234);
  let rec = 0;
  let kl = 0;
  for (const [s, e] of batches(set.count, size)) {
    const sums = tf.tidy(() => {
      const x = batchTensor(set, s, e);
      const { mean, logVar } = vae.encode(x);
      const eps = tf.randomNormal(mean.shape, 0, 1, 'float32', tfSeed(rng.seed()));
      const z = reparameterise(mean, logVar, eps) as tf.Tensor2D;
      return tf.stack([tf.sum(vae.nll(vae.decodeLogits(z), x)), tf.sum(klStandardNormal(mean, logVar))]);
    });
    const [r, k] = await sums.data();
    sums.dispose();
    rec += r!;
    kl += k!;
    await new Promise((r) => setImmediate(r));
  }
  return { total: (rec + kl) / set.count, recon: rec / set.count, kl: kl / set.count };
}

/**
 * The first pass of an imported model over the test set, before it is written
 * or shown: whatever its layers do, they do here first. A figure that is not
 * finite is refused, with `hint` saying what to check.
 */
export async function importedElbo(vae: VaeModel, test: ImageSet, hint: string): Promise<Loss> {
  const loss = await evaluateElbo(vae, test);
  if (!Number.isFinite(loss.total)) throw new UserError('NOT_FINITE', `The imported model's test −ELBO is not finite (${loss.total}); ${hint}.`);
  return loss;
}

/**
 * The importance-weighted bound with k samples, as an estimate of −log p(x) in
 * nats per image: −mean over x of log (1/k Σᵢ p(x|zᵢ)p(zᵢ)/q(zᵢ|x)). k = 1 is
 * the −ELBO; larger k tightens it.
 */
export async function evaluateIwae(
  vae: VaeModel,
  set: ImageSet,
  k: number,
  opts: { seed?: number; limit?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<number> {
  const rng = new Rng(opts.seed ?? 4321);
  const n = Math.min(set.count, opts.limit ?? set.count);
  // Bound the activations: k·b rows of pixels at a time.
  const b = Math.max(1, Math.floor(4096 / k));
  let total = 0;
  // Read once: a model's configuration reads a learned σ back from its tensor.
  const d = vae.config.latentDim;
  for (const [s, e] of batches(n, b)) {
    const sum = tf.tidy(() => {
      const rows = e - s;
      const x = batchTensor(set, s, e);
      const { mean, logVar } = vae.encode(x);
      const eps = tf.randomNormal([k, rows, d], 0, 1, 'float32', tfSeed(rng.seed()));
      const z = reparameterise(mean, logVar, eps).reshape([k * rows, d]) as tf.Tensor2D;
      const xk = tf.tile(x, [k, 1]) as tf.Tensor2D;
      const lvk = tf.tile(logVar, [k, 1]) as tf.Tensor2D;
      const logPx = tf.neg(vae.nll(vae.decodeLogits(z), xk));
      const logW = tf.sub(tf.add(logPx, logStandardNormal(z)), logDiagNormalFromEps(eps.reshape([k * rows, d]) as tf.Tensor2D, lvk));
      const ll = tf.sub(tf.logSumExp(logW.reshape([k, rows]), 0), Math.log(k));
      return tf.neg(tf.sum(ll));
    });
    total += (await sum.data())[0]!;
    sum.dispose();
    opts.onProgress?.(e, n);
    await new Promise((r) => setImmediate(r));
  }
  return total / n;
}
