import { z } from 'zod';

export const ACTIVATIONS = ['relu', 'tanh', 'elu', 'sigmoid'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/**
 * The architecture of a VAE: MLP encoder and decoder, mirrored. `height` and
 * `width` are the image size the model was built for.
 */
export const ModelConfigSchema = z.object({
  height: z.number().int().min(1).max(4096),
  width: z.number().int().min(1).max(4096),
  latentDim: z.number().int().min(1, 'latent dim must be at least 1').max(64, 'latent dim must be at most 64'),
  hidden: z
    .array(z.number().int().min(1, 'a hidden layer needs at least one unit').max(8192, 'a hidden layer has at most 8192 units'))
    .min(1, 'give at least one hidden layer')
    .max(8, 'at most 8 hidden layers'),
  activation: z.enum(ACTIVATIONS),
  /** Bernoulli: cross-entropy with logits. Gaussian: fixed-σ normal with mean sigmoid(logits). */
  likelihood: z.enum(['bernoulli', 'gaussian']),
  /** Observation noise σ of the Gaussian likelihood (ignored for Bernoulli). */
  sigma: z.number().gt(0, 'σ must be positive').max(10),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

export const DEFAULT_MODEL: Omit<ModelConfig, 'height' | 'width'> = {
  latentDim: 3,
  hidden: [512],
  activation: 'relu',
  likelihood: 'bernoulli',
  sigma: 0.1,
};

/** How to train: optimiser, batch, epochs, KL weighting, seed. */
export const TrainConfigSchema = z.object({
  epochs: z.number().int().min(1, 'train for at least one epoch').max(100000),
  batchSize: z.number().int().min(1, 'batch size must be at least 1').max(8192, 'batch size must be at most 8192'),
  learningRate: z.number().gt(0, 'learning rate must be positive').max(10),
  /** KL weight β: 1 is the plain ELBO. */
  beta: z.number().min(0, 'β cannot be negative').max(1000),
  /** Epochs over which the KL weight ramps linearly from 0 to β (0: no warm-up). */
  warmupEpochs: z.number().min(0, 'warm-up cannot be negative').max(100000),
  /** Seed for initialisation, shuffling and sampling; the same seed reproduces a run. */
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  /** Train on only the first N training images (0: all). */
  limit: z.number().int().min(0),
});
export type TrainConfig = z.infer<typeof TrainConfigSchema>;

export const DEFAULT_TRAIN: TrainConfig = {
  epochs: 10,
  batchSize: 128,
  learningRate: 0.001,
  beta: 1,
  warmupEpochs: 0,
  seed: 42,
  limit: 0,
};

/** The KL weight at a fractional epoch (0-based) under β and a linear warm-up. */
export function klWeightAt(cfg: Pick<TrainConfig, 'beta' | 'warmupEpochs'>, epochProgress: number): number {
  if (cfg.warmupEpochs <= 0) return cfg.beta;
  return cfg.beta * Math.min(1, Math.max(0, epochProgress) / cfg.warmupEpochs);
}

/** Formats zod issues as one sentence naming each bad field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}
