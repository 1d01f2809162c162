import { UserError } from '../contract/errors.js';
import type { BatchProgress } from '../contract/shapes.js';
import { Rng } from '../util/rng.js';
import { binarizeInPlace, isBinarized } from '../data/binarize.js';
import { gatherPixels, headOf, pixelsPerImage, sameShape, shapeOf, type Dataset } from '../data/dataset.js';
import { klWeightAt } from '../model/config.js';
import { type TrainConfig } from '../contract/shapes.js';
import { saveModel, type Manifest } from '../model/folder.js';
import { type EpochRecord, type Loss } from '../contract/shapes.js';
import type { VaeModel } from '../model/vae-model.js';
import { evaluateElbo } from '../latent/evaluate.js';
import { addNoise, noiseOf } from '../latent/explore.js';
import type { PauseGate } from './pause-gate.js';
import type { AdamState } from '../model/optimizer-state.js';
import { AdamStepper } from './stepper.js';
import * as tf from '@tensorflow/tfjs';

export type { BatchProgress };

export interface TrainOptions {
  vae: VaeModel;
  dataset: Dataset;
  config: TrainConfig;
  backend: string;
  /** Epochs trained before (continuing a saved model); new epochs are numbered after them. */
  history?: EpochRecord[];
  /** Adam's saved state, to continue exactly where a saved model left off. */
  adamState?: AdamState | null;
  /** Where to write a checkpoint at every epoch end; none when absent. */
  out?: string;
  signal?: AbortSignal;
  gate?: PauseGate;
  /** Minimum milliseconds between batch progress reports. */
  progressIntervalMs?: number;
  onBatch?: (p: BatchProgress) => void;
  onEpoch?: (r: EpochRecord) => void;
  onCheckpoint?: (dir: string, epoch: number) => unknown;
  /** When given, a checkpoint that cannot be written is reported here and training goes on; else it ends the run. */
  onCheckpointError?: (err: unknown) => void;
}

export interface TrainResult {
  history: EpochRecord[];
  /** True when the signal stopped the run before its last epoch ended. */
  stopped: boolean;
  /**
   * Where a stop came, when it came inside an epoch: the batches of that
   * epoch were set aside and the model holds the weights it had when the
   * epoch began (those of the last epoch in `history`, or of before the run).
   */
  stoppedAt: { epoch: number; batch: number; batches: number } | null;
  /** Test figures after the last completed epoch, or null if none completed. */
  metrics: Loss | null;
  /** Adam's state at the end, to save with the model. */
  adamState: AdamState | null;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/** A run ended by a non-finite loss: the model is back at the weights the epoch began with, and this is Adam's state of then. */
export class NonFiniteLoss extends UserError {
  constructor(
    message: string,
    readonly adamState: AdamState | null,
  ) {
    super('NOT_FINITE', message);
  }
}

export function manifestFor(vae: VaeModel, dataset: Dataset, config: TrainConfig, history: EpochRecord[]): Manifest {
  return {
    format: 'latent-explorer-model',
    version: 1,
    config: vae.config,
    training: config,
    dataset: {
      name: dataset.name,
      spec: dataset.spec,
      trainCount: config.limit > 0 ? Math.min(config.limit, dataset.train.count) : dataset.train.count,
      testCount: dataset.test.count,
      classNames: dataset.classNames,
    },
    history,
    metrics: history.at(-1)?.test ?? null,
    savedAt: new Date().toISOString(),
  };
}

/**
 * Trains a VAE with Adam on the negative ELBO (KL weighted by β and warm-up).
 * One tidy per batch; the loop yields to the event loop between batches so
 * pause, stop and other requests get through. A NaN or infinite loss stops the
 * run with NOT_FINITE; the checkpoint on disk stays the last good one.
 */
export async function train(opts: TrainOptions): Promise<TrainResult> {
  const { vae, dataset, config } = opts;
  const trainSet = config.limit > 0 ? headOf(dataset.train, config.limit) : dataset.train;
  if (!sameShape(trainSet, vae.config)) {
    throw new UserError('BAD_SHAPE', `The model takes ${shapeOf(vae.config)} images but ${dataset.name} holds ${shapeOf(trainSet)}.`);
  }
  const history = [...(opts.history ?? [])];
  const firstEpoch = history.length + 1;
  const lastEpoch = history.length + config.epochs;
  const stepper = await AdamStepper.start(vae, config.learningRate, opts.adamState ?? null);
  const d = pixelsPerImage(trainSet);
  const n = trainSet.count;
  const batchCount = Math.ceil(n / config.batchSize);
  const order = new Uint32Array(n);
  const xBuf = new Float32Array(config.batchSize * d);
  const binarize = isBinarized(dataset);
  const noise = config.denoise ? noiseOf(config.denoise) : null;
  const interval = opts.progressIntervalMs ?? 100;
  const runStart = performance.now();
  let pausedMs = 0;
  let samplesDone = 0;
  let stopped = false;
  let stoppedAt: TrainResult['stoppedAt'] = null;
  // The weights and Adam's state as the epoch began: a stop inside the epoch or a
  // non-finite loss goes back to them, so the model always matches its history.
  let snapshot = await snapshotOf(vae, stepper);
  try {
    for (let epoch = firstEpoch; epoch <= lastEpoch && !stopped; epoch++) {
      // Shuffles and sampling depend only on (seed, epoch), so a run continued
      // from a checkpoint matches one that was never interrupted.
      const rng = new Rng(Math.imul(config.seed + 1, 0x9e3779b1) ^ epoch);
      for (let i = 0; i < n; i++) order[i] = i;
      rng.shuffle(order);
      const epochStart = performance.now();
      const epochPausedAt = pausedMs;
      let sums = { rec: 0, kl: 0, count: 0 };
      let lastReport = 0;
      let klWeight = 0;
      for (let b = 0; b < batchCount; b++) {
        if (opts.gate?.paused) {
          const t = performance.now();
          await opts.gate.wait();
          pausedMs += performance.now() - t;
        }
        if (opts.signal?.aborted) {
          stopped = true;
          if (b > 0) {
            stoppedAt = { epoch, batch: b, batches: batchCount };
            restore(vae, snapshot.weights);
          }
          break;
        }
        const start = b * config.batchSize;
        const rows = Math.min(config.batchSize, n - start);
        const x = gatherPixels(trainSet, order.subarray(start, start + rows), xBuf.subarray(0, rows * d));
        if (binarize) binarizeInPlace(x, rng);
        klWeight = klWeightAt(config, epoch - 1 + b / batchCount);
        // A denoising VAE sees a noisy copy and is scored against the clean batch.
        const input = noise ? addNoise(x, noise, rng.seed()) : x;
        const [rec, kl] = stepper.step(input, rows, klWeight, rng.seed(), x);
        const total = rec + kl;
        if (!Number.isFinite(total) || !Number.isFinite(rec) || !Number.isFinite(kl)) {
          restore(vae, snapshot.weights);
          throw new NonFiniteLoss(
            `The loss became ${Number.isFinite(total) ? 'infinite' : 'NaN'} at epoch ${epoch}, batch ${b + 1}; training stopped.` +
              (opts.out && history.length > 0 ? ` The checkpoint of epoch ${history.at(-1)!.epoch} in ${opts.out} is intact.` : '') +
              ' Try a lower learning rate.',
            snapshot.adam,
          );
        }
        sums = { rec: sums.rec + rec * rows, kl: sums.kl + kl * rows, count: sums.count + rows };
        samplesDone += rows;
        const now = performance.now();
        if (opts.onBatch && (now - lastReport >= interval || b === batchCount - 1)) {
          lastReport = now;
          const elapsed = (now - runStart - pausedMs) / 1000;
          const speed = samplesDone / Math.max(elapsed, 1e-9);
          const remaining = (lastEpoch - epoch) * n + (n - start - rows);
          opts.onBatch({
            epoch,
            lastEpoch,
            batch: b + 1,
            batches: batchCount,
            loss: { total, recon: rec, kl },
            klWeight,
            samplesPerSecond: speed,
            etaSeconds: remaining / speed,
          });
        }
        await tick();
      }
      if (stopped) break;
      const seconds = (performance.now() - epochStart - (pausedMs - epochPausedAt)) / 1000;
      const test = await evaluateElbo(vae, dataset.test, { seed: config.seed + epoch });
      if (!Number.isFinite(test.total)) {
        restore(vae, snapshot.weights);
        throw new NonFiniteLoss(`The test loss became ${test.total} after epoch ${epoch}; training stopped. Try a lower learning rate.`, snapshot.adam);
      }
      const record: EpochRecord = {
        epoch,
        train: { total: (sums.rec + sums.kl) / sums.count, recon: sums.rec / sums.count, kl: sums.kl / sums.count },
        test,
        klWeight,
        seconds,
        samplesPerSecond: sums.count / seconds,
        backend: opts.backend,
      };
      history.push(record);
      opts.onEpoch?.(record);
      // The epoch is done: what a later stop or NaN goes back to, and what the checkpoint holds.
      snapshot = await snapshotOf(vae, stepper);
      if (opts.out) {
        try {
          await saveModel(opts.out, vae, manifestFor(vae, dataset, config, history), snapshot.adam, { replace: true });
          await opts.onCheckpoint?.(opts.out, epoch);
        } catch (err) {
          if (!opts.onCheckpointError) throw err;
          opts.onCheckpointError(err);
        }
      }
    }
    // Adam's state as of the last finished epoch: a stop inside an epoch put the weights back to it too.
    return { history, stopped, stoppedAt, metrics: history.at(-1)?.test ?? null, adamState: snapshot.adam };
  } finally {
    stepper.dispose();
  }
}

interface Snapshot {
  weights: Float32Array[];
  adam: AdamState | null;
}

/** A copy of the model's variables and of Adam's state (a few milliseconds an epoch). */
async function snapshotOf(vae: VaeModel, stepper: AdamStepper): Promise<Snapshot> {
  return { weights: vae.variables().map((v) => v.dataSync().slice() as Float32Array), adam: await stepper.state() };
}

/** Puts copied values back into the model's variables. */
function restore(vae: VaeModel, weights: Float32Array[]): void {
  vae.variables().forEach((v, i) => {
    const t = tf.tensor(weights[i]!, v.shape);
    v.assign(t);
    t.dispose();
  });
}
