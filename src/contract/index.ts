import { z } from 'zod';
import {
  BatchProgressSchema, DataSpecSchema, DatasetChoiceSchema, DatasetInfoSchema, EpochRecordSchema, F32, ImagesSchema,
  LatentPointsSchema, NewModelSchema, SessionSchema, TrainConfigSchema, TrainStatusSchema, ExploreInputSchema,
} from './schemas.js';

/**
 * The whole contract between the UI and the engine: every request with its
 * input and output schema, every event with its payload. One object argument
 * per call. Transports (in-memory, Electron IPC, WebSocket) carry it unchanged.
 */
export const requests = {
  /** The session as it stands: backend, dataset, model, training status, history. */
  getSession: { input: z.object({}), output: SessionSchema },
  /** Built-in datasets and whether they are present on this machine. */
  listDatasets: { input: z.object({}), output: z.array(DatasetChoiceSchema) },
  /** Starts training a new model (replacing the current one) on the given data. */
  startTraining: {
    input: z.object({ data: DataSpecSchema, model: NewModelSchema.omit({ kind: true }), training: TrainConfigSchema }),
    output: SessionSchema,
  },
  /** Continues training the current model for more epochs. */
  continueTraining: { input: z.object({ epochs: z.number().int().min(1).max(100000) }), output: SessionSchema },
  pauseTraining: { input: z.object({}), output: SessionSchema },
  resumeTraining: { input: z.object({}), output: SessionSchema },
  stopTraining: { input: z.object({}), output: SessionSchema },
  /** Opens a model folder and the data it was trained on. */
  openModel: { input: z.object({ dir: z.string().min(1) }), output: SessionSchema },
  /** Writes the current model folder (atomically). */
  saveModel: { input: z.object({ dir: z.string().min(1) }), output: SessionSchema },
  /** Latent means of the test set, with 3D positions for the scatter. */
  latentPoints: { input: z.object({}), output: LatentPointsSchema },
  /** Decodes latent points (count × latentDim) to images. Deterministic. */
  decode: { input: z.object({ z: F32 }), output: ImagesSchema },
  /**
   * A test image, the decode of its mean (deterministic) and `samples` decodes
   * of z ~ q(z|x) (stochastic), with the z of each.
   */
  reconstruct: {
    input: z.object({ index: z.number().int().min(0), samples: z.number().int().min(0).max(32), seed: z.number().int().optional() }),
    output: z.object({
      index: z.number(),
      label: z.number().nullable(),
      original: ImagesSchema,
      mean: z.object({ z: F32, image: ImagesSchema }),
      samples: z.object({ z: F32, images: ImagesSchema }),
    }),
  },
  /** Test images by index, for hovering. */
  testImages: { input: z.object({ indices: z.array(z.number().int().min(0)).max(1000) }), output: ImagesSchema },
  /**
   * Explore views, decoded: a path between two test images, a traversal of
   * every dim, prior samples, a manifold grid, or denoising. Images come in
   * rows of `cols`; `z` are the latent points decoded (none for denoising).
   */
  explore: {
    input: ExploreInputSchema,
    output: z.object({ images: ImagesSchema, cols: z.number(), z: F32, positions: F32.nullable(), rowLabels: z.array(z.string()) }),
  },
  /** A CSV to save: the test set's latent coordinates (with the scatter's 3D positions) or the training history. */
  exportCsv: { input: z.object({ what: z.enum(['latent', 'history']) }), output: z.object({ filename: z.string(), text: z.string() }) },
  /** The first n test images and their reconstructions: decoded means (deterministic, the default) or sampled z (stochastic). */
  reconstructionStrip: {
    input: z.object({ n: z.number().int().min(1).max(64), mode: z.enum(['mean', 'sample']).optional(), seed: z.number().int().optional() }),
    output: z.object({ originals: ImagesSchema, reconstructions: ImagesSchema }) },
} as const;

export const events = {
  /** Batch progress, about ten a second while training. */
  progress: BatchProgressSchema,
  /** A finished epoch's figures. */
  epoch: EpochRecordSchema,
  /** The training status changed (with an error sentence on failure). */
  status: z.object({ status: TrainStatusSchema, error: z.string().nullable() }),
  /** The latent space changed enough to redraw (sent at most every couple of seconds while training). */
  latentChanged: z.object({ epoch: z.number(), batch: z.number() }),
} as const;

export type Requests = typeof requests;
export type Events = typeof events;
export type Method = keyof Requests;
export type EventName = keyof Events;
export type Input<M extends Method> = z.input<Requests[M]['input']>;
export type Output<M extends Method> = z.infer<Requests[M]['output']>;
export type Payload<E extends EventName> = z.infer<Events[E]>;

/** What an engine must implement to be served. */
export type EngineApi = { [M in Method]: (input: z.infer<Requests[M]['input']>) => Promise<Output<M>> };

export const methodNames = Object.keys(requests) as Method[];
export const eventNames = Object.keys(events) as EventName[];
