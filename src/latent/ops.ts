import * as tf from '@tensorflow/tfjs';
import { UserError } from '../contract/errors.js';
import { batches, pixelsPerImage, sameShape, shapeOf, type ImageSet } from '../data/dataset.js';
import { type VaeModel } from '../model/vae-model.js';
import { sampleZ } from '../model/sampling.js';

export interface Encoded {
  count: number;
  latentDim: number;
  /** count × latentDim means of q(z|x). */
  mean: Float32Array;
  /** count × latentDim log-variances of q(z|x). */
  logVar: Float32Array;
}

/**
 * Encodes a whole set to latent means and log-variances, a batch at a time:
 * 70,000 images never hold more than one batch of activations.
 */
export async function encodeSet(vae: VaeModel, set: ImageSet, batchSize = 1000): Promise<Encoded> {
  const d = pixelsPerImage(set);
  const k = vae.config.latentDim;
  const mean = new Float32Array(set.count * k);
  const logVar = new Float32Array(set.count * k);
  for (const [s, e] of batches(set.count, batchSize)) {
    const out = tf.tidy(() => {
      const r = vae.encode(tf.tensor2d(set.pixels.subarray(s * d, e * d), [e - s, d]));
      return tf.concat([r.mean, r.logVar], 1);
    });
    const v = await out.data();
    out.dispose();
    for (let i = 0; i < e - s; i++) {
      mean.set(v.subarray(i * 2 * k, i * 2 * k + k), (s + i) * k);
      logVar.set(v.subarray(i * 2 * k + k, (i + 1) * 2 * k), (s + i) * k);
    }
    await new Promise((r) => setImmediate(r));
  }
  return { count: set.count, latentDim: k, mean, logVar };
}

/** Decodes n latent points (n × latentDim, row-major) to pixels in [0, 1]. */
export async function decodeZ(vae: VaeModel, z: Float32Array, batchSize = 1000): Promise<Float32Array> {
  const k = vae.config.latentDim;
  if (z.length % k !== 0 || z.length === 0) {
    throw new UserError('BAD_SHAPE', `Expected a multiple of ${k} latent values (latent dim ${k}), got ${z.length}.`);
  }
  for (let i = 0; i < z.length; i++) {
    if (!Number.isFinite(z[i]!)) throw new UserError('BAD_SHAPE', `Latent value ${i} is ${z[i]}; every coordinate must be a finite number.`);
  }
  const n = z.length / k;
  const d = pixelsPerImage(vae.config);
  const out = new Float32Array(n * d);
  for (const [s, e] of batches(n, batchSize)) {
    const px = tf.tidy(() => vae.pixels(tf.tensor2d(z.subarray(s * k, e * k), [e - s, k])));
    out.set(await px.data(), s * d);
    px.dispose();
  }
  return out;
}

export type ReconstructMode = 'mean' | 'sample';

/**
 * Reconstructs images. 'mean' decodes the mean of q(z|x): the same picture every
 * time. 'sample' decodes z ~ q(z|x): a different picture for each seed.
 * Returns the pixels and the z that was decoded.
 */
export async function reconstruct(vae: VaeModel, set: ImageSet, mode: ReconstructMode, seed?: number): Promise<{ pixels: Float32Array; z: Float32Array }> {
  const d = pixelsPerImage(set);
  if (!sameShape(set, vae.config)) {
    throw new UserError('BAD_SHAPE', `The model takes ${shapeOf(vae.config)} images, not ${shapeOf(set)}.`);
  }
  const [px, z] = tf.tidy(() => {
    const x = tf.tensor2d(set.pixels, [set.count, d]);
    const { mean, logVar } = vae.encode(x);
    const zz = mode === 'mean' ? mean : sampleZ(mean, logVar, seed);
    return [vae.pixels(zz), zz];
  });
  const result = { pixels: (await px.data()) as Float32Array, z: (await z.data()) as Float32Array };
  px.dispose();
  z.dispose();
  return result;
}

/** Encodes several sets as one, rows in order (the test set, then the training set). */
export async function encodeSets(vae: VaeModel, sets: readonly ImageSet[], batchSize = 1000): Promise<Encoded> {
  const parts: Encoded[] = [];
  for (const set of sets) parts.push(await encodeSet(vae, set, batchSize));
  if (parts.length === 1) return parts[0]!;
  const k = vae.config.latentDim;
  const count = parts.reduce((n, p) => n + p.count, 0);
  const mean = new Float32Array(count * k);
  const logVar = new Float32Array(count * k);
  let at = 0;
  for (const p of parts) {
    mean.set(p.mean, at);
    logVar.set(p.logVar, at);
    at += p.count * k;
  }
  return { count, latentDim: k, mean, logVar };
}
