import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../contract/shapes.js';
import { bernoulliNll, gaussianNll } from './loss.js';

/** A learned σ is kept at or above this: below it the density of an 8-bit image has no meaning left. */
export const MIN_SIGMA = 1e-3;

/**
 * p(x|z) as a model's configuration defines it: Bernoulli, or Gaussian with a
 * fixed σ or one σ learned with the weights (held as log σ, so it stays
 * positive). A learned σ lives outside the Layers networks; the model's
 * configuration carries its current value into the manifest, and a reloaded
 * model starts from it.
 */
export class Likelihood {
  private readonly logSigma: tf.Variable<tf.Rank.R0> | null;

  constructor(private readonly cfg: ModelConfig) {
    this.logSigma = cfg.likelihood === 'gaussian' && cfg.learnSigma ? tf.variable(tf.scalar(Math.log(cfg.sigma)), true) : null;
  }

  /** −log p(x|z) per example, summed over pixels and channels. Differentiable, in σ too when it is learned. */
  nll(logits: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D {
    if (this.cfg.likelihood === 'bernoulli') return bernoulliNll(logits, x);
    if (!this.logSigma) return gaussianNll(logits, x, this.cfg.sigma);
    return gaussianNll(logits, x, tf.maximum(this.logSigma, Math.log(MIN_SIGMA)) as tf.Scalar);
  }

  /** The configuration with σ as it stands now. */
  current(): ModelConfig {
    if (!this.logSigma) return this.cfg;
    const sigma = Math.max(MIN_SIGMA, Math.exp(this.logSigma.dataSync()[0]!));
    return { ...this.cfg, sigma };
  }

  variables(): tf.Variable[] {
    return this.logSigma ? [this.logSigma] : [];
  }

  dispose(): void {
    this.logSigma?.dispose();
  }
}
