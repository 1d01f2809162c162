import type * as tf from '@tensorflow/tfjs';
import type { ModelConfig, NativeConfig } from '../contract/shapes.js';
import { ConvVae } from './conv-vae.js';
import { ImportedVae } from './imported-vae.js';
import { MlpVae } from './mlp-vae.js';
import type { VaeModel } from './vae-model.js';

/** A new, randomly initialised model of the configured architecture; the same seed gives the same weights. */
export function createModel(config: NativeConfig, seed = 0): VaeModel {
  return config.arch === 'conv' ? ConvVae.create(config, seed) : MlpVae.create(config, seed);
}

/** A model around loaded Layers networks, after checking they match the configuration. */
export function modelFromLayers(config: ModelConfig, encoder: tf.LayersModel, decoder: tf.LayersModel): VaeModel {
  switch (config.arch) {
    case 'imported':
      return ImportedVae.fromModels(config, encoder, decoder);
    case 'conv':
      return ConvVae.fromModels(config, encoder, decoder);
    default:
      return MlpVae.fromModels(config, encoder, decoder);
  }
}
