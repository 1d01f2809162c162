import { z } from 'zod';
import { EXPLORE_FIELDS as E } from './fields.js';
import {
  BatchProgressSchema,
  DatasetInfoSchema,
  EpochRecordSchema,
  ModelConfigSchema,
  PointSetSchema,
  ProjectionInfoSchema,
  StoredTrainConfigSchema,
} from './shapes.js';

/** Typed arrays cross every transport as binary, never as JSON lists. */
export const F32 = z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array');
export const I32 = z.custom<Int32Array>((v) => v instanceof Int32Array, 'expected an Int32Array');

export const DatasetChoiceSchema = z.object({
  id: z.enum(['mnist', 'fashion']),
  name: z.string(),
  available: z.boolean(),
  detail: z.string(),
});

export const TrainStatusSchema = z.enum(['idle', 'running', 'paused', 'stopping', 'done', 'stopped', 'failed']);

/** Everything the UI needs to draw the session from scratch. */
export const SessionSchema = z.object({
  backend: z.string(),
  status: TrainStatusSchema,
  error: z.string().nullable(),
  /** What the last run's end left the model as, when that needs saying (a stop inside an epoch, a failure): a sentence. */
  outcome: z.string().nullable(),
  dataset: DatasetInfoSchema.nullable(),
  model: ModelConfigSchema.nullable(),
  training: StoredTrainConfigSchema.nullable(),
  history: z.array(EpochRecordSchema),
  progress: BatchProgressSchema.nullable(),
  /** Where the model was last saved or opened from (absolute). */
  modelDir: z.string().nullable(),
  /** Changes at every engine start: a window that reconnects learns whether the engine it knew is still there. */
  engineId: z.string(),
  /** Changes whenever the model is replaced (trained anew, opened, recovered); 0 before the first. */
  modelId: z.number().int(),
  /** The model holds epochs that are in no folder the user chose (only in the autosave). */
  unsaved: z.boolean(),
  /** A model a previous run left unsaved, kept in the autosave folder, for the user to reopen or discard. */
  recovery: z.object({ dir: z.string(), description: z.string(), savedAt: z.string() }).nullable(),
  /** Why the last autosave failed, when it did. */
  autosaveError: z.string().nullable(),
});
export type Session = z.infer<typeof SessionSchema>;

export const LatentPointsSchema = z.object({
  /** Which images these are; row r is image number first + r (test images are numbered first, then training images). */
  set: PointSetSchema,
  first: z.number().int(),
  count: z.number(),
  latentDim: z.number(),
  mean: F32,
  logVar: F32,
  labels: I32.nullable(),
  /** count × 3 coordinates for the scatter (z = 0 for a 2D projection). */
  positions: F32,
  projection: ProjectionInfoSchema,
  /** Per-dim KL (nats, averaged over the images), the variance of each dim's posterior mean, and how many dims are active. */
  health: z.object({ klPerDim: z.array(z.number()), varianceOfMeans: z.array(z.number()), activeUnits: z.number().int() }),
});

export const ExploreInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('interpolate'), from: E.testImage, to: E.testImage, steps: E.pathSteps, path: z.enum(['linear', 'spherical']) }),
  z.object({ kind: z.literal('traverse'), index: E.testImage, range: E.range, steps: E.traverseSteps }),
  z.object({ kind: z.literal('prior'), n: E.priorSamples, seed: E.seed }),
  z.object({
    kind: z.literal('manifold'),
    dims: z.tuple([E.latentIndex, E.latentIndex]),
    grid: E.grid,
    range: E.range,
    at: E.testImage.nullable(),
  }),
  z.object({
    kind: z.literal('denoise'),
    noise: z.enum(['gaussian', 'saltpepper']),
    amount: E.noiseAmount,
    n: E.denoiseImages,
    seed: E.seed,
    mode: z.enum(['mean', 'sample']),
  }),
]);
export type ExploreInput = z.infer<typeof ExploreInputSchema>;

/** Images as count × height × width × channels values in [0, 1], row-major, channels last (1: grey, 3: RGB). */
export const ImagesSchema = z.object({ count: z.number(), height: z.number(), width: z.number(), channels: z.number().int().min(1).max(4), pixels: F32 });
