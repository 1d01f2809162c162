import { z } from 'zod';
import { FIELDS } from './fields.js';
import { LIMITS } from './limits.js';
import { DatasetChoiceSchema, F32, ImagesSchema, LatentPointsSchema, SessionSchema, TrainStatusSchema, ExploreInputSchema } from './schemas.js';
import {
  BatchProgressSchema,
  DataSpecSchema,
  DECODER_OUTPUTS,
  ENCODER_ROLES,
  EpochRecordSchema,
  LIKELIHOODS,
  NewModelSchema,
  PointSetSchema,
  ProjectionSpecSchema,
  AttributeVectorSchema,
  BookmarkSchema,
  ViewSchema,
  TrainConfigSchema,
} from './shapes.js';

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
  /**
   * Starts training a new model (replacing the current one) on the given data.
   * A current model with unsaved epochs is refused (UNSAVED) unless `discard` says so.
   */
  startTraining: {
    input: z.object({ data: DataSpecSchema, model: NewModelSchema.omit({ kind: true }), training: TrainConfigSchema, discard: z.boolean().optional() }),
    output: SessionSchema,
  },
  /**
   * What a model would cost on this machine, measured before training it: one
   * Adam step at this batch size and one test image evaluated, in ms. Refused
   * while a run is training (its own speed is reported as it goes).
   */
  measureTraining: {
    input: z.object({
      model: NewModelSchema.omit({ kind: true }),
      image: z.object({ height: z.number().int().min(1).max(1024), width: z.number().int().min(1).max(1024), channels: z.union([z.literal(1), z.literal(3)]) }),
      batchSize: TrainConfigSchema.shape.batchSize,
    }),
    output: z.object({ msPerStep: z.number(), msPerTestImage: z.number() }),
  },
  /** Continues training the current model for more epochs. */
  continueTraining: { input: z.object({ epochs: FIELDS.epochs }), output: SessionSchema },
  pauseTraining: { input: z.object({}), output: SessionSchema },
  resumeTraining: { input: z.object({}), output: SessionSchema },
  stopTraining: { input: z.object({}), output: SessionSchema },
  /** Opens a model folder and the data it was trained on; unsaved epochs of the current model need `discard`. */
  openModel: { input: z.object({ dir: z.string().min(1).max(4096), discard: z.boolean().optional() }), output: SessionSchema },
  /**
   * Writes the current model folder (atomically) to a new path or an empty
   * folder; a folder holding a model is replaced only with `replace`
   * (else MODEL_EXISTS); anything else is refused untouched.
   */
  saveModel: { input: z.object({ dir: z.string().min(1).max(4096), replace: z.boolean().optional() }), output: SessionSchema },
  /**
   * Brings in a VAE trained elsewhere (TensorFlow.js Layers encoder and
   * decoder, by their model.json) on the given data, as the current model,
   * unsaved. Roles of the encoder's outputs come from their names or `roles`.
   */
  importModel: {
    input: z.object({
      encoder: z.string().min(1).max(4096),
      decoder: z.string().min(1).max(4096),
      data: DataSpecSchema,
      decoderOutput: z.enum(DECODER_OUTPUTS).optional(),
      roles: z.array(z.enum(ENCODER_ROLES)).min(2).max(3).optional(),
      likelihood: z.enum(LIKELIHOODS),
      sigma: FIELDS.sigma,
      discard: z.boolean().optional(),
    }),
    output: SessionSchema,
  },
  /** Reopens the model a previous run left in the autosave folder (it stays unsaved until saved). */
  recoverAutosave: { input: z.object({ discard: z.boolean().optional() }), output: SessionSchema },
  /** Forgets the model a previous run left in the autosave folder. */
  discardAutosave: { input: z.object({}), output: SessionSchema },
  /**
   * Latent means of the test set, the training set or both, placed for the
   * scatter with the projection asked for (by default the latent size's own).
   * A UMAP fit reports `projecting` events; a newer latentPoints request
   * cancels one still running (STOPPED). The projection is kept: `project`
   * and explore paths place later points with it.
   */
  latentPoints: { input: z.object({ set: PointSetSchema.optional(), projection: ProjectionSpecSchema.optional() }), output: LatentPointsSchema },
  /** Stops a UMAP still being fitted (its latentPoints request is refused with STOPPED); whether one was. */
  stopProjecting: { input: z.object({}), output: z.object({ stopped: z.boolean() }) },
  /**
   * Places latent points (count × latentDim), or `prior` samples of N(0, I)
   * drawn with `seed`, as the points of `view` were placed (by default the
   * latest placed); null when no points were placed for that view.
   */
  project: {
    input: z.union([
      z.object({ z: F32, view: ViewSchema.optional() }),
      z.object({
        prior: z.number().int().min(1).max(LIMITS.decodePoints),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1),
        view: ViewSchema.optional(),
      }),
    ]),
    output: z.object({ positions: F32.nullable() }),
  },
  /**
   * Image numbers (test images first, then training images) among a point set
   * whose file name (relative to the image folder) holds `contains`, ignoring
   * case; for data with no file names, none.
   */
  findImages: {
    input: z.object({ contains: z.string().trim().min(1).max(200), among: PointSetSchema }),
    output: z.object({ numbers: z.array(z.number()), searched: z.number() }),
  },
  /** Decodes latent points (count × latentDim, at most LIMITS.decodePoints) to images. Deterministic. */
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
  /** Images by number (test images first, then training images), for hovering and selections. */
  testImages: { input: z.object({ indices: z.array(z.number().int().min(0)).max(LIMITS.testImages) }), output: ImagesSchema },
  /**
   * The k test images whose encoded means lie nearest, in latent space (every
   * dim, not the projection), to a test image's mean (itself left out) or to
   * any z; nearest first, with their distances, labels and images.
   */
  neighbours: {
    input: z.object({
      of: z.union([z.object({ index: z.number().int().min(0) }), z.object({ z: F32 })]),
      k: z.number().int().min(1).max(LIMITS.neighbours),
      /** Which encoded images to search (by default the test set); indices are image numbers, test images first. */
      among: PointSetSchema.optional(),
    }),
    output: z.object({ indices: z.array(z.number()), distances: z.array(z.number()), labels: z.array(z.number().nullable()), images: ImagesSchema }),
  },
  /**
   * Explore views, decoded: a path between two test images, a traversal of
   * every dim, prior samples, a manifold grid, or denoising. Images come in
   * rows of `cols`; `z` are the latent points decoded (none for denoising).
   */
  explore: {
    /** A path's positions are placed as the points of `view` were (by default the latest placed). */
    input: z.intersection(ExploreInputSchema, z.object({ view: ViewSchema.optional() })),
    output: z.object({
      images: ImagesSchema,
      cols: z.number(),
      z: F32,
      positions: F32.nullable(),
      rowLabels: z.array(z.string()),
      colLabels: z.array(z.string()),
    }),
  },
  /** A CSV to save: the test set's latent coordinates (with the scatter's 3D positions) or the training history. */
  exportCsv: {
    input: z.object({
      what: z.enum(['latent', 'history', 'selection']),
      /** For 'selection': the image numbers in it (test images first, then training images). */
      indices: z.array(z.number().int().min(0)).max(LIMITS.points).optional(),
      /** The view whose positions the CSV gives (by default the latest placed); 'latent' exports that view's images. */
      view: ViewSchema.optional(),
    }),
    output: z.object({ filename: z.string(), text: z.string() }),
  },
  /** The current model's attribute vectors. */
  listVectors: { input: z.object({}), output: z.array(AttributeVectorSchema) },
  /** Keeps a vector with the model (replacing one of the same name); written with the model, at once when it has a folder. */
  saveVector: { input: AttributeVectorSchema, output: z.array(AttributeVectorSchema) },
  deleteVector: { input: z.object({ name: z.string().max(LIMITS.name) }), output: z.array(AttributeVectorSchema) },
  /** The bookmarks kept beside the current model's folder, newest first. */
  listBookmarks: { input: z.object({}), output: z.array(z.object({ name: z.string(), savedAt: z.string() })) },
  /** Writes a bookmark beside the model (atomically); one of the same name is replaced only with `replace`. */
  saveBookmark: {
    input: z.object({ bookmark: BookmarkSchema, replace: z.boolean().optional() }),
    output: z.array(z.object({ name: z.string(), savedAt: z.string() })),
  },
  openBookmark: { input: z.object({ name: z.string().max(LIMITS.name) }), output: BookmarkSchema },
  deleteBookmark: { input: z.object({ name: z.string().max(LIMITS.name) }), output: z.array(z.object({ name: z.string(), savedAt: z.string() })) },
  /** The first n test images and their reconstructions: decoded means (deterministic, the default) or sampled z (stochastic). */
  reconstructionStrip: {
    input: z.object({ n: FIELDS.stripImages, mode: z.enum(['mean', 'sample']).optional(), seed: z.number().int().optional() }),
    output: z.object({ originals: ImagesSchema, reconstructions: ImagesSchema }),
  },
} as const;

/**
 * Requests that act on the current model. A client may tag them with the
 * model id it believes current; the server refuses them (MODEL_CHANGED) when
 * another window has replaced the model since.
 */
export const modelBound: ReadonlySet<string> = new Set<Method>([
  'continueTraining',
  'saveModel',
  'latentPoints',
  'project',
  'findImages',
  'decode',
  'reconstruct',
  'testImages',
  'neighbours',
  'explore',
  'exportCsv',
  'reconstructionStrip',
  'saveVector',
  'deleteVector',
  'saveBookmark',
  'openBookmark',
  'deleteBookmark',
]);

export const events = {
  /** The whole session, after every change: every window redraws from it and so agrees with the others. */
  session: SessionSchema,
  /** Batch progress, about ten a second while training. */
  progress: BatchProgressSchema,
  /** A finished epoch's figures. */
  epoch: EpochRecordSchema,
  /** The training status changed (with an error sentence on failure). Also carried by `session`. */
  status: z.object({ status: TrainStatusSchema, error: z.string().nullable() }),
  /** A projection being fitted (UMAP): its stage and how far along. */
  projecting: z.object({ stage: z.enum(['encoding', 'fitting', 'placing']), done: z.number(), total: z.number() }),
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
