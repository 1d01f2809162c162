import type * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../contract/shapes.js';
import { MlpVae } from './mlp-vae.js';

/**
 * What every VAE architecture offers the engine: q(z|x) as mean and
 * log-variance, p(x|z) as logits (sigmoid applied once, in `pixels`), its
 * trainable variables in a fixed order, and an encoder and a decoder in the
 * standard TensorFlow.js Layers format for saving. The MLP is the first; a
 * convolutional or an imported model plugs in behind `createModel` and
 * `modelFromLayers`.
 */
export interface VaeModel {
  readonly config: ModelConfig;
  /** x → [z_mean, z_log_var], saved as a Layers model. */
  readonly encoder: tf.LayersModel;
  /** z → pixel logits, saved as a Layers model. */
  readonly decoder: tf.LayersModel;
  /** Every trainable variable, in a fixed order (the optimiser state relies on it). */
  variables(): tf.Variable[];
  /** q(z|x): mean and log-variance. Differentiable. */
  encode(x: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D };
  /** p(x|z) parameters as logits, one row of pixels per z. Differentiable. */
  decodeLogits(z: tf.Tensor2D): tf.Tensor2D;
  /** Pixels in [0, 1] for a batch of z. */
  pixels(z: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

/** A new, randomly initialised model of the configured architecture; the same seed gives the same weights. */
export function createModel(config: ModelConfig, seed = 0): VaeModel {
  return MlpVae.create(config, seed);
}

/** A model around loaded Layers networks, after checking they match the configuration. */
export function modelFromLayers(config: ModelConfig, encoder: tf.LayersModel, decoder: tf.LayersModel): VaeModel {
  return MlpVae.fromModels(config, encoder, decoder);
}
