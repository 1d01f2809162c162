import { z } from 'zod';
import { DataSpecSchema, NewModelSchema, TrainConfigSchema, type EpochRecord } from '../contract/shapes.js';
import type { AdamState } from '../model/optimizer-state.js';
import { UserError } from '../contract/errors.js';
import { loadDataset } from '../data/load.js';
import { sameShape, shapeOf, type Dataset } from '../data/dataset.js';
import { describeIssues } from '../model/config.js';
import { loadModel } from '../model/folder.js';
import { createModel } from '../model/architectures.js';
import { type VaeModel } from '../model/vae-model.js';

/** Continue training a saved model folder. */
export const ContinueModelSchema = z.object({ kind: z.literal('continue'), dir: z.string().min(1) });

/** A training run as the command line asks for it: data, a new or saved model, settings, where to checkpoint. */
export const TrainRequestSchema = z.object({
  data: DataSpecSchema,
  model: z.discriminatedUnion('kind', [NewModelSchema, ContinueModelSchema]),
  training: TrainConfigSchema,
  /** The model folder to checkpoint into at every epoch end. */
  out: z.string().min(1).optional(),
});
export type TrainRequest = z.infer<typeof TrainRequestSchema>;

export interface Prepared {
  dataset: Dataset;
  vae: VaeModel;
  history: EpochRecord[];
  adamState: AdamState | null;
}

/** Checks a request, loads the data and builds (or loads) the model it names, checking they fit. */
export async function prepareTraining(request: TrainRequest, opts: { onProgress?: (done: number, total: number) => void } = {}): Promise<Prepared> {
  const parsed = TrainRequestSchema.safeParse(request);
  if (!parsed.success) throw new UserError('BAD_CONFIG', describeIssues(parsed.error));
  const req = parsed.data;
  const dataset = await loadDataset(req.data, { onProgress: opts.onProgress });
  if (req.model.kind === 'new') {
    const { kind: _kind, ...arch } = req.model;
    const { height, width, channels } = dataset.train;
    const vae = createModel({ ...arch, height, width, ...(channels === 1 ? {} : { channels }) }, req.training.seed);
    return { dataset, vae, history: [], adamState: null };
  }
  const saved = await loadModel(req.model.dir);
  const c = saved.vae.config;
  if (!sameShape(c, dataset.train)) {
    saved.vae.dispose();
    throw new UserError('BAD_SHAPE', `The model in ${req.model.dir} takes ${shapeOf(c)} images but ${dataset.name} holds ${shapeOf(dataset.train)}.`);
  }
  return { dataset, vae: saved.vae, history: saved.manifest.history, adamState: saved.adamState };
}
