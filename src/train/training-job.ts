import type { BatchProgress, EpochRecord, Loss } from '../contract/shapes.js';
import { pixelsPerImage, type Dataset } from '../data/dataset.js';
import { PauseGate } from './pause-gate.js';
import { train, type TrainOptions, type TrainResult } from './trainer.js';

/** What a training job reports, in the order it happens. */
export type TrainingEvent =
  | {
      type: 'started';
      backend: string;
      dataset: string;
      trainCount: number;
      testCount: number;
      firstEpoch: number;
      lastEpoch: number;
      /** Values per image (height × width × channels), for bits per dimension. */
      dims: number;
    }
  | { type: 'batch'; progress: BatchProgress }
  | { type: 'epoch'; record: EpochRecord }
  | { type: 'checkpoint'; dir: string; epoch: number }
  | { type: 'paused' }
  | { type: 'resumed' }
  | { type: 'done'; history: EpochRecord[]; stopped: boolean; metrics: Loss | null };

export type TrainingListener = (e: TrainingEvent) => void;

export type JobOptions = Omit<TrainOptions, 'signal' | 'gate' | 'onBatch' | 'onEpoch' | 'onCheckpoint'> & {
  /** Awaited after a checkpoint is written (the engine records its autosave here). */
  afterCheckpoint?: (dir: string, epoch: number) => unknown;
};

function trainCountOf(dataset: Dataset, limit: number): number {
  return limit > 0 ? Math.min(limit, dataset.train.count) : dataset.train.count;
}

/**
 * One training run, the only way the app and the command line train: the
 * loop runs on the calling thread and yields between batches, so `pause`,
 * `resume` and `stop` act between batches and the thread keeps answering.
 * Events go to the listener; `done` settles with the result (or the error).
 */
export class TrainingJob {
  readonly done: Promise<TrainResult>;
  private readonly gate = new PauseGate();
  private readonly abort = new AbortController();

  constructor(
    opts: JobOptions,
    private readonly listener: TrainingListener = () => undefined,
  ) {
    const history = opts.history ?? [];
    listener({
      type: 'started',
      backend: opts.backend,
      dataset: opts.dataset.name,
      trainCount: trainCountOf(opts.dataset, opts.config.limit),
      testCount: opts.dataset.test.count,
      firstEpoch: history.length + 1,
      lastEpoch: history.length + opts.config.epochs,
      dims: pixelsPerImage(opts.dataset.train),
    });
    this.done = train({
      ...opts,
      signal: this.abort.signal,
      gate: this.gate,
      onBatch: (progress) => listener({ type: 'batch', progress }),
      onEpoch: (record) => listener({ type: 'epoch', record }),
      onCheckpoint: async (dir, epoch) => {
        await opts.afterCheckpoint?.(dir, epoch);
        listener({ type: 'checkpoint', dir, epoch });
      },
    }).then((result) => {
      listener({ type: 'done', history: result.history, stopped: result.stopped, metrics: result.metrics });
      return result;
    });
  }

  get paused(): boolean {
    return this.gate.paused;
  }

  pause(): void {
    this.gate.pause();
    this.listener({ type: 'paused' });
  }

  resume(): void {
    this.gate.resume();
    this.listener({ type: 'resumed' });
  }

  /** Stops after the current batch; the last epoch-end checkpoint stays as it is. */
  stop(): void {
    this.abort.abort();
    this.gate.resume();
  }
}
