import * as tf from '@tensorflow/tfjs';
import { klStandardNormal, reconstructionNll } from '../model/loss.js';
import { sampleZ, type Vae } from '../model/vae.js';

/**
 * Every batch is split into two shards, each with its own sampling seed. The
 * shards' gradients add up to the whole batch's, so whether they are computed
 * one after the other or on two threads the numbers are the same, and a seeded
 * run reproduces on any machine.
 */
export function shardRows(rows: number): [number, number] {
  const first = Math.ceil(rows / 2);
  return [first, rows - first];
}

export interface ShardResult {
  /** Gradients in the order of `vae.variables()`, of the batch-mean objective restricted to this shard. */
  grads: tf.Tensor[];
  /** Sums over the shard's rows of the reconstruction NLL and the KL. */
  recSum: number;
  klSum: number;
}

/**
 * Gradients of (Σ_shard recon + w·KL) / batchRows. Summing the shards of a
 * batch gives the gradient of the batch-mean objective.
 */
export function shardGradients(
  vae: Vae,
  pixels: Float32Array,
  rows: number,
  batchRows: number,
  klWeight: number,
  seed: number,
): { grads: tf.Tensor[]; sums: tf.Tensor1D } {
  return tf.tidy(() => {
    const x = tf.tensor2d(pixels, [rows, pixels.length / rows]);
    let rec: tf.Tensor = tf.scalar(0);
    let kl: tf.Tensor = tf.scalar(0);
    const vars = vae.variables();
    const { grads } = tf.variableGrads(() => {
      const { mean, logVar } = vae.encode(x);
      const logits = vae.decodeLogits(sampleZ(mean, logVar, seed));
      rec = tf.keep(tf.sum(reconstructionNll(vae.config, logits, x)));
      kl = tf.keep(tf.sum(klStandardNormal(mean, logVar)));
      return tf.div(tf.add(rec, tf.mul(kl, klWeight)), batchRows) as tf.Scalar;
    }, vars);
    const sums = tf.stack([rec, kl]) as tf.Tensor1D;
    rec.dispose();
    kl.dispose();
    return { grads: vars.map((v) => grads[v.name]!), sums };
  });
}

/** Copies tensors into one flat array (for sending to another thread). */
export function flatten(tensors: tf.Tensor[], out?: Float32Array): Float32Array {
  const total = tensors.reduce((n, t) => n + t.size, 0);
  const flat = out ?? new Float32Array(total);
  let at = 0;
  for (const t of tensors) {
    flat.set(t.dataSync() as Float32Array, at);
    at += t.size;
  }
  return flat;
}

/** Splits a flat array back into tensors shaped like `like`. */
export function unflatten(flat: Float32Array, like: readonly tf.Tensor[]): tf.Tensor[] {
  let at = 0;
  return like.map((t) => {
    const part = tf.tensor(flat.subarray(at, at + t.size), t.shape);
    at += t.size;
    return part;
  });
}
