import * as tf from '@tensorflow/tfjs';

/** z = μ + σ·ε, σ = exp(logVar / 2): the reparameterisation, the one place it is written (ε may broadcast over samples). */
export function reparameterise<T extends tf.Tensor>(mean: tf.Tensor, logVar: tf.Tensor, eps: T): T {
  return tf.tidy(() => tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)) as T);
}

/**
 * tfjs reads a seed of 0 as "no seed" and draws from Math.random; 0 is
 * passed on as 0.5, a seed no integer can collide with, so every seed repeats.
 */
export function tfSeed(seed: number | undefined): number | undefined {
  return seed === 0 ? 0.5 : seed;
}

/** z ~ q(z|x) = N(μ, σ²): one reparameterised sample per row. */
export function sampleZ(mean: tf.Tensor2D, logVar: tf.Tensor2D, seed?: number): tf.Tensor2D {
  return tf.tidy(() => reparameterise(mean, logVar, tf.randomNormal(mean.shape, 0, 1, 'float32', tfSeed(seed))));
}
