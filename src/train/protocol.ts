import { z } from 'zod';
import { DataSpecSchema } from '../data/dataset.js';
import { ModelConfigSchema, TrainConfigSchema } from '../model/config.js';
import { EpochRecordSchema, LossSchema } from '../model/records.js';

/** A new model's architecture; the image size comes from the data. */
export const NewModelSchema = ModelConfigSchema.omit({ height: true, width: true }).extend({ kind: z.literal('new') });
/** Continue training a saved model folder. */
export const ContinueModelSchema = z.object({ kind: z.literal('continue'), dir: z.string().min(1) });

export const TrainRequestSchema = z.object({
  data: DataSpecSchema,
  model: z.discriminatedUnion('kind', [NewModelSchema, ContinueModelSchema]),
  training: TrainConfigSchema,
  /** The model folder to checkpoint into at every epoch end. */
  out: z.string().min(1).optional(),
});
export type TrainRequest = z.infer<typeof TrainRequestSchema>;

export const BatchProgressSchema = z.object({
  epoch: z.number(),
  lastEpoch: z.number(),
  batch: z.number(),
  batches: z.number(),
  loss: LossSchema,
  klWeight: z.number(),
  samplesPerSecond: z.number(),
  etaSeconds: z.number(),
});

export const ErrorInfoSchema = z.object({ code: z.string(), message: z.string() });

/** What the training worker reports to the thread that owns it. */
export const WorkerEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), backend: z.string(), dataset: z.string(), trainCount: z.number(), testCount: z.number(), firstEpoch: z.number(), lastEpoch: z.number() }),
  z.object({ type: z.literal('batch'), progress: BatchProgressSchema }),
  z.object({ type: z.literal('epoch'), record: EpochRecordSchema }),
  z.object({ type: z.literal('checkpoint'), dir: z.string(), epoch: z.number() }),
  z.object({ type: z.literal('paused') }),
  z.object({ type: z.literal('resumed') }),
  z.object({
    type: z.literal('done'),
    history: z.array(EpochRecordSchema),
    stopped: z.boolean(),
    metrics: LossSchema.nullable(),
  }),
  z.object({ type: z.literal('error'), error: ErrorInfoSchema }),
]);
export type WorkerEvent = z.infer<typeof WorkerEventSchema>;

/** What the owner tells the worker. */
export const WorkerCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), request: TrainRequestSchema }),
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  z.object({ type: z.literal('stop') }),
]);
export type WorkerCommand = z.infer<typeof WorkerCommandSchema>;
