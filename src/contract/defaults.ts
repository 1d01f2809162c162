import type { NativeConfig, TrainConfig } from './shapes.js';

// The one set of defaults: the engine, the command line and the form all start from these.

export const DEFAULT_MODEL: Omit<NativeConfig, 'height' | 'width'> = {
  latentDim: 3,
  hidden: [512],
  activation: 'relu',
  likelihood: 'bernoulli',
  sigma: 0.1,
};

/** The filters of a conv model when none are given: the Keras VAE example's. */
export const DEFAULT_FILTERS: readonly number[] = [32, 64];

export const DEFAULT_TRAIN: TrainConfig = {
  epochs: 10,
  batchSize: 128,
  learningRate: 0.001,
  beta: 1,
  warmupEpochs: 0,
  seed: 42,
  limit: 0,
};
