import type { PointSet, ProjectionSpec } from '../contract/shapes.js';
import { LIMITS } from '../contract/limits.js';
import { UserError } from '../contract/errors.js';
import type { Dataset } from '../data/dataset.js';
import { labelsOf, splitsOf } from '../data/numbering.js';
import { encodeSets, type Encoded } from '../latent/ops.js';
import { placeMeans } from '../latent/place-means.js';
import type { VaeModel } from '../model/vae-model.js';
import type { SessionState, ShownPoints } from './session-state.js';

export type Placed = ShownPoints;

/**
 * The encoded means of a point set with the live weights. While no training
 * runs (or it is paused) the weights stand still, so the last encoding of the
 * same set is used again: a click's neighbours, the next redraw and the CSV
 * need not each encode 10,000 or 70,000 images. While training runs, every
 * call encodes afresh.
 */
export async function encodedSet(s: SessionState, vae: VaeModel, dataset: Dataset, set: PointSet): Promise<Encoded> {
  const still = s.status !== 'running' && s.status !== 'stopping';
  const key = `${s.modelId}|${s.history.length}|${s.progress?.epoch ?? 0}|${s.progress?.batch ?? 0}|${set}`;
  const kept = s.encodings.get(set);
  if (still && kept && kept.key === key && kept.vae === vae) return kept.encoded;
  const encoded = await encodeSets(vae, splitsOf(dataset, set).splits, 1000);
  if (still) s.encodings.set(set, { key, vae, encoded });
  else s.encodings.clear();
  return encoded;
}

/**
 * Encodes the images of a point set with the live weights and places them
 * with the projection asked for; the session keeps the result, so later
 * points (explore paths, `project`, the latent CSV) are placed the same way.
 * A UMAP runs in its own thread and reports its progress; a newer UMAP
 * request ends one still running.
 */
export async function placePoints(s: SessionState, vae: VaeModel, dataset: Dataset, set: PointSet, spec: ProjectionSpec): Promise<Placed> {
  // A newer UMAP ends one still fitting (the user changed their mind); a redraw of another view (a window following training) leaves it be.
  if (spec.method === 'umap') {
    s.placing?.end();
    s.placing = null;
  }
  const started = performance.now();
  const { first, count, splits } = splitsOf(dataset, set);
  const k = vae.config.latentDim;
  if (count === 0) throw new UserError('BAD_REQUEST', `The ${set === 'train' ? 'training' : set} set holds no images.`);
  if (count > LIMITS.points) {
    throw new UserError(
      'TOO_LARGE',
      `${count.toLocaleString('en-US')} points are more than the scatter shows (${LIMITS.points.toLocaleString('en-US')}); show the test set.`,
    );
  }
  if (count * (2 * k + 3) > LIMITS.replyFloats) {
    throw new UserError(
      'TOO_LARGE',
      `${count.toLocaleString('en-US')} points of ${k} latent dims are more than one reply carries; show the test set or the training set alone.`,
    );
  }
  const modelId = s.modelId;
  if (spec.method === 'umap') s.emit('projecting', { stage: 'encoding', done: 0, total: count });
  const encoded = await encodedSet(s, vae, dataset, set);
  const labels = labelsOf(splits);
  const base = { set, spec, first, count, encoded, labels };
  const job = placeMeans(encoded.mean, count, k, spec, (stage, done, total) => s.emit('projecting', { stage, done, total }));
  if (spec.method === 'umap') s.placing = job;
  let placed: Placed;
  try {
    const p = await job.done;
    placed = { ...base, ...p, info: { ...p.info, ms: performance.now() - started } };
  } finally {
    if (s.placing === job) s.placing = null;
  }
  // A model replaced meanwhile: these points mean nothing for it.
  if (s.modelId !== modelId) {
    placed.end();
    throw new UserError('MODEL_CHANGED', 'The model changed while its points were being placed.');
  }
  s.show(placed);
  return placed;
}
