import { z } from 'zod';
import { LIMITS } from './limits.js';
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
  /** Whether each image's file name is known (data read from an image folder): images can be searched by it. */
  files: z.boolean(),
});
export type DatasetInfo = z.infer<typeof DatasetInfoSchema>;

/**
 * How the scatter's positions relate to z: as is (3 dims), a plane (2), a line
 * (1), PCA, UMAP, or chosen latent dims as the axes.
 */
export const ProjectionSchema = z.enum(['identity', 'plane', 'line', 'pca', 'umap', 'axes']);
export type Projection = z.infer<typeof ProjectionSchema>;

/** Which encoded images the scatter shows: the test set, the training set, or both (test images first). */
export const PointSetSchema = z.enum(['test', 'train', 'both']);
export type PointSet = z.infer<typeof PointSetSchema>;

const sceneDims = z.union([z.literal(2), z.literal(3)]);

/** The projection a person asks for; 'auto' is the latent size's own (as is up to 3 dims, else PCA in 3D). */
export const ProjectionSpecSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('auto') }),
  z.object({ method: z.literal('pca'), dims: sceneDims }),
  z.object({
    method: z.literal('umap'),
    dims: sceneDims,
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
    /** Neighbours each point's fuzzy graph holds (UMAP's n_neighbors). */
    neighbours: z.number().int().min(2).max(100),
  }),
  /** Latent dims as the scatter's axes (2 or 3 of them, distinct). */
  z.object({
    method: z.literal('axes'),
    axes: z
      .array(z.number().int().min(0).max(255))
      .min(2)
      .max(3)
      .refine((a) => new Set(a).size === a.length, 'Choose different latent dims for the axes.'),
  }),
]);
export type ProjectionSpec = z.infer<typeof ProjectionSpecSchema>;

/** What a scatter shows: which images, placed how. Later points are placed for a view, so windows that show different ones each get theirs. */
export const ViewSchema = z.object({ set: PointSetSchema, projection: ProjectionSpecSchema });
export type View = z.infer<typeof ViewSchema>;

/** The projection the positions were made with: enough to name the axes and to map a scene point back to z where that can be done. */
export const ProjectionInfoSchema = z.object({
  method: ProjectionSchema,
  /** 2: the points lie on the z = 0 plane (viewed from the front); 3: in space. A line counts as 2 (it is jittered up and down). */
  sceneDims: sceneDims,
  /** Names of the scene's axes, x then y (then z): "z0", "PC1", "UMAP 1". */
  axisNames: z.array(z.string()),
  /** For 'axes' (and identity, plane, line): which latent dim each scene axis shows. */
  axes: z.array(z.number()).nullable(),
  /** For PCA: the mean (latentDim) and the components (sceneDims × latentDim, row-major), so a scene point maps back to z. */
  center: z.array(z.number()).nullable(),
  components: z.array(z.array(z.number())).nullable(),
  /** For PCA: the share of the variance each axis explains. */
  explained: z.array(z.number()).nullable(),
  /** For UMAP: its seed and neighbours, and how many points it was fitted on (the rest placed with its transform). */
  seed: z.number().nullable(),
  neighbours: z.number().nullable(),
  fittedOn: z.number().nullable(),
  /** Wall time the projection took, in ms. */
  ms: z.number(),
});
export type ProjectionInfo = z.infer<typeof ProjectionInfoSchema>;

/** Every error that crosses a thread or a socket: a stable code for programs, a sentence for people. */
export const ErrorBodySchema = z.object({ code: z.string(), message: z.string() });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

const name = z
  .string()
  .trim()
  .min(1, 'Give it a name.')
  .max(LIMITS.name, `Keep the name to ${LIMITS.name} characters.`)
  // eslint-disable-next-line no-control-regex
  .refine((n) => !/[\u0000-\u001f\u007f]/.test(n), 'A name cannot hold control characters.');

/** A direction in latent space with a name ("smiling", "thick − thin"), kept with its model. */
export const AttributeVectorSchema = z.object({
  name,
  /** How it was made, in words: "mean of 312 images labelled 7 − mean of the rest". */
  description: z.string().max(500),
  /** latentDim values. */
  vector: z.array(z.number().finite()).min(1).max(LIMITS.latentDim),
});
export type AttributeVector = z.infer<typeof AttributeVectorSchema>;

const vec3 = z.tuple([z.number().finite(), z.number().finite(), z.number().finite()]);

/** A saved view of the latent space: what the scatter shows, from where, and what was picked in it. */
export const BookmarkSchema = z.object({
  version: z.literal(1),
  name,
  savedAt: z.string().max(64),
  set: PointSetSchema,
  projection: ProjectionSpecSchema,
  camera: z.object({ position: vec3, target: vec3 }).nullable(),
  /** Image numbers (test first, then training) in the selection, and how it was made. */
  selection: z.object({ indices: z.array(z.number().int().min(0)).max(LIMITS.points), how: z.string().max(200) }).nullable(),
  /** The point picked (an image number), or the empty-space marker's z. */
  picked: z.number().int().min(0).nullable(),
  marker: z.object({ z: z.array(z.number().finite()).min(1).max(LIMITS.latentDim) }).nullable(),
  /** Names of the attribute vectors in use. */
  vectors: z.array(name).max(LIMITS.vectors),
  /** Classes hidden from the scatter. */
  hidden: z.array(z.number().int()).max(1000),
  style: z
    .object({
      size: z.number().min(0.1).max(10),
      opacity: z.number().min(0.02).max(1),
      uncertainty: z.enum(['none', 'size', 'opacity']),
    })
    .nullable(),
});
export type Bookmark = z.infer<typeof BookmarkSchema>;
