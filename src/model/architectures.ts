import type * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../contract/shapes.js';
import { ConvVae } from './conv-vae.js';
import { MlpVae } from './mlp-vae.js';
import type { VaeModel } from './vae-model.js';

/** A new, randomly initialised model of the configured architecture; the same seed gives the same weights. */
export function createModel(config: ModelConfig, seed = 0): VaeModel {
  return config.arch === 'conv' ? ConvVae.create(config, seed) : MlpVae.create(config, seed);
}

/** A model around loaded Layers networks, after checking they match the configuration. */
export function modelFromLayers(config: ModelConfig, encoder: tf.LayersModel, decoder: tf.LayersModel): VaeModel {
  return config.arch === 'conv' ? ConvVae.fromModels(config, encoder, decoder) : MlpVae.fromModels(config, encoder, decoder);
}
