import { z } from 'zod';
import { EXPLORE_FIELDS, FIELDS, numberField, RULES } from './fields.js';

// The shapes that cross the contract, defined once: the engine's data, model
// and training code take their types from here.

/** Where a dataset comes from. Serialisable, so it can cross to a worker and into a manifest. */
const Binarize = {
  /** Grey IDX data only: training batches binarised afresh as they are drawn (each pixel 1 with its intensity's probability), the test set once with a fixed seed. */
  binarize: z.literal('dynamic').optional(),
};
export const DataSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('mnist'), ...Binarize }),
  z.object({ kind: z.literal('fashion'), dir: z.string().optional(), ...Binarize }),
  z.object({ kind: z.literal('folder'), path: z.string().min(1), ...Binarize }),
  z.object({ kind: z.literal('files'), images: z.string().min(1), labels: z.string().min(1).optional(), ...Binarize }),
  /** A folder of image files (PNG, JPEG, …); class subfolders give labels. size and channels are resolved at load when absent. */
  z.object({
    kind: z.literal('images'),
    path: z.string().min(1),
    size: FIELDS.imageSize.optional(),
    channels: z.union([z.literal(1), z.literal(3)]).optional(),
    /** A CSV with a `file` column (paths relative to the folder); its labelColumn (default: the next column) gives the classes. */
    labels: z.string().min(1).optional(),
    labelColumn: z.string().min(1).optional(),
  }),
]);
export type DataSpec = z.infer<typeof DataSpecSchema>;

export const ACTIVATIONS = ['relu', 'tanh', 'elu', 'sigmoid'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** The likelihoods p(x|z) a model can have. */
export const LIKELIHOODS = ['bernoulli', 'gaussian'] as const;

/** What an imported decoder outputs: logits, or probabilities (a sigmoid already applied). */
export const DECODER_OUTPUTS = ['logits', 'probabilities'] as const;

/** The roles of an imported encoder's outputs, named in output order where their names do not say. */
export const ENCODER_ROLES = ['mean', 'logvar', 'z'] as const;
export type EncoderRole = (typeof ENCODER_ROLES)[number];

/** mlp: dense layers only. conv: strided 3×3 convolutions down, transposed convolutions up, dense layers between. */
export const ARCHITECTURES = ['mlp', 'conv'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** What every model's configuration holds: the image it takes, the latent size and the likelihood. */
const ModelBase = {
  height: z.number().int().min(1).max(4096),
  width: z.number().int().min(1).max(4096),
  /** Values per pixel: 1 (grey, and absent in older manifests) or 3 (RGB). */
  channels: z.number().int().min(1).max(4).optional(),
  latentDim: FIELDS.latentDim,
  /** Bernoulli: cross-entropy with logits. Gaussian: normal with mean sigmoid(logits) and standard deviation σ. */
  likelihood: z.enum(LIKELIHOODS),
  /** σ of the Gaussian likelihood (ignored for Bernoulli): fixed, or where learning starts and, in a saved model, what it learned. */
  sigma: FIELDS.sigma,
  /** Learn σ with the weights (one σ shared by every pixel). */
  learnSigma: z.boolean().optional(),
};

/**
 * A model built here: encoder and decoder mirrored, dense (mlp) or
 * convolutional (conv: one stride-2 convolution per entry of `filters`, then
 * the dense `hidden` layers). `height` and `width` are the image size the
 * model was built for.
 */
export const NativeConfigSchema = z.object({
  ...ModelBase,
  hidden: FIELDS.hidden,
  activation: z.enum(ACTIVATIONS),
  /** Absent in older manifests, meaning mlp. */
  arch: z.enum(ARCHITECTURES).optional(),
  /** Channels of each stride-2 convolution of a conv model, first to last (absent: [32, 64]). */
  filters: FIELDS.filters.optional(),
});
export type NativeConfig = z.infer<typeof NativeConfigSchema>;

/** How an imported encoder gives q(z|x): two outputs, one output [mean | log-variance], or Keras' three (mean, log-variance, z). */
export const ENCODER_LAYOUTS = ['pair', 'concat', 'keras'] as const;
export type EncoderLayout = (typeof ENCODER_LAYOUTS)[number];

/** A model trained elsewhere: any Layers encoder and decoder, with how to read them. */
export const ImportedConfigSchema = z.object({
  ...ModelBase,
  arch: z.literal('imported'),
  imported: z.object({
    encoderOutputs: z.enum(ENCODER_LAYOUTS),
    /** Which outputs are the mean and the log-variance ('pair' and 'keras'; 0 and 1 for 'concat', its halves). */
    mean: z.number().int().min(0).max(2),
    logVar: z.number().int().min(0).max(2),
    /** What the decoder's output is: logits, or probabilities (a sigmoid already applied). */
    decoderOutput: z.enum(DECODER_OUTPUTS),
    /** Parameters of the two networks, checked when the model is opened. */
    parameters: z.number().int().min(0),
  }),
});
export type ImportedConfig = z.infer<typeof ImportedConfigSchema>;

/** Any model's configuration. */
export const ModelConfigSchema = z.union([NativeConfigSchema, ImportedConfigSchema]);
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

/** Whether a configuration is of a model built here (mlp or conv). */
export function isNative(c: ModelConfig): c is NativeConfig {
  return c.arch !== 'imported';
}

/** How to train: optimiser, batch, epochs, KL weighting, seed, within sensible limits for a new run. */
/**
 * A denoising VAE: each training batch is fed to the encoder with noise added
 * (Gaussian of σ, or salt and pepper on a share p of the pixels) while the
 * reconstruction is scored against the clean images, so the model learns to
 * map noisy inputs to clean ones.
 */
export const DenoiseSchema = z.discriminatedUnion('noise', [
  z.object({ noise: z.literal('gaussian'), amount: EXPLORE_FIELDS.noiseSigma }),
  z.object({ noise: z.literal('saltpepper'), amount: EXPLORE_FIELDS.noiseShare }),
]);
export type Denoise = z.infer<typeof DenoiseSchema>;

export const TrainConfigSchema = z.object({
  epochs: FIELDS.epochs,
  batchSize: FIELDS.batchSize,
  learningRate: FIELDS.learningRate,
  /** KL weight β: 1 is the plain ELBO. */
  beta: FIELDS.beta,
  /** Epochs over which the KL weight ramps linearly from 0 to β (0: no warm-up). */
  warmupEpochs: FIELDS.warmupEpochs,
  /** Seed for initialisation, shuffling and sampling; the same seed reproduces a run. */
  seed: FIELDS.seed,
  /** Train on only the first N training images (0: all). */
  limit: FIELDS.limit,
  /** Train as a denoiser: noise on the encoder's input, the clean image as the target (absent: a plain VAE). */
  denoise: DenoiseSchema.optional(),
});

/**
 * How a saved model was trained: the wider bounds the contract once allowed
 * (100,000 epochs, a learning rate up to 10), so every model saved under them
 * still opens. New runs are held to TrainConfigSchema's.
 */
export const StoredTrainConfigSchema = TrainConfigSchema.extend({
  epochs: numberField({ ...RULES.epochs, max: 100000 }),
  learningRate: numberField({ ...RULES.learningRate, max: 10 }),
  warmupEpochs: numberField({ ...RULES.warmupEpochs, max: 100000 }),
});
export type TrainConfig = z.infer<typeof TrainConfigSchema>;

/** Losses in nats per image: total = recon + KL (the negative ELBO). */
export const LossSchema = z.object({ total: z.number(), recon: z.number(), kl: z.number() });
export type Loss = z.infer<typeof LossSchema>;

export const EpochRecordSchema = z.object({
  epoch: z.number().int().min(1),
  train: LossSchema,
  test: LossSchema,
  klWeight: z.number(),
  seconds: z.number(),
  samplesPerSecond: z.number(),
  backend: z.string(),
});
export type EpochRecord = z.infer<typeof EpochRecordSchema>;

/** A new model's architecture; the image size comes from the data. */
export const NewModelSchema = NativeConfigSchema.omit({ height: true, width: true, channels: true }).extend({ kind: z.literal('new') });

/** Where a training run stands, about ten times a second. */
export const BatchProgressSchema = z.object({
  epoch: z.number(),
  /** The last epoch this run will reach. */
  lastEpoch: z.number(),
  batch: z.number(),
  batches: z.number(),
  /** Losses of the latest batch, in nats per image. */
  loss: LossSchema,
  klWeight: z.number(),
  samplesPerSecond: z.number(),
  /** Seconds to the end of the run, from the speed so far. */
  etaSeconds: z.number(),
});
export type BatchProgress = z.infer<typeof BatchProgressSchema>;

/** A short description of a dataset, for manifests and the UI. */
export const DatasetInfoSchema = z.object({
  name: z.string(),
  spec: DataSpecSchema,
  height: z.number(),
  width: z.number(),
  channels: z.number(),
  trainCount: z.number(),
  testCount: z.number(),
  labelled: z.boolean(),
  classNames: z.array(z.string()).nullable(),
  /** Files the load passed over as unreadable: the first 50 of them, so a folder of junk cannot swell every session message. */
  skipped: z.array(z.object({ file: z.string(), reason: z.string() })).max(50),
  /** How many files were skipped in all (may exceed the list). */
  skippedCount: z.number(),
});
export type DatasetInfo = z.infer<typeof DatasetInfoSchema>;

/** How the scatter's 3D positions relate to z: as is (3 dims), PCA of more dims, a plane (2), a line (1). */
export const ProjectionSchema = z.enum(['identity', 'pca', 'plane', 'line']);
export type Projection = z.infer<typeof ProjectionSchema>;

/** Every error that crosses a thread or a socket: a stable code for programs, a sentence for people. */
export const ErrorBodySchema = z.object({ code: z.string(), message: z.string() });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
