import type { AdamState } from './adam-state.js';
import { UserError } from '../util/errors.js';
import { loadDataset } from '../data/load.js';
import type { Dataset } from '../data/dataset.js';
import { loadModel, type EpochRecord } from '../model/io.js';
import { Vae } from '../model/vae.js';
import type { TrainRequest } from './protocol.js';

export interface Prepared {
  dataset: Dataset;
  vae: Vae;
  history: EpochRecord[];
  adamState: AdamState | null;
}

/** Loads the data and builds (or loads) the model a training request names, checking they fit. */
export async function prepareTraining(req: TrainRequest): Promise<Prepared> {
  const dataset = await loadDataset(req.data);
  if (req.model.kind === 'new') {
    const { kind: _kind, ...arch } = req.model;
    const vae = Vae.create({ ...arch, height: dataset.train.height, width: dataset.train.width }, req.training.seed);
    return { dataset, vae, history: [], adamState: null };
  }
  const saved = await loadModel(req.model.dir);
  const c = saved.vae.config;
  if (c.height !== dataset.train.height || c.width !== dataset.train.width) {
    saved.vae.dispose();
    throw new UserError(
      'BAD_SHAPE',
      `The model in ${req.model.dir} takes ${c.height}×${c.width} images but ${dataset.name} holds ${dataset.train.height}×${dataset.train.width}.`,
    );
  }
  return { dataset, vae: saved.vae, history: saved.manifest.history, adamState: saved.adamState };
}
