import type { Worker } from 'node:worker_threads';
import { UserError, type ErrorCode } from '../util/errors.js';
import { startTsWorker } from '../util/ts-worker.js';
import { describeIssues } from '../model/config.js';
import type { EpochRecord, Loss } from '../model/io.js';
import { TrainRequestSchema, WorkerEventSchema, type TrainRequest, type WorkerEvent } from './protocol.js';

export interface RunResult {
  history: EpochRecord[];
  stopped: boolean;
  metrics: Loss | null;
  backend: string;
}

export type RunListener = (e: WorkerEvent) => void;

/**
 * A training run in a worker thread, seen from the thread that owns it: events
 * arrive through `listener`; `pause`, `resume` and `stop` act between batches;
 * `done` settles when the worker finishes (rejects with a UserError on failure).
 */
export class TrainingRun {
  readonly done: Promise<RunResult>;
  private readonly worker: Worker;
  private backend = 'unknown';

  constructor(request: TrainRequest, listener: RunListener = () => undefined) {
    const parsed = TrainRequestSchema.safeParse(request);
    if (!parsed.success) throw new UserError('BAD_CONFIG', describeIssues(parsed.error));
    this.worker = startTsWorker(new URL('./worker.ts', import.meta.url), null);
    this.done = new Promise<RunResult>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (!settled) {
          settled = true;
          fn();
        }
      };
      this.worker.on('message', (raw: unknown) => {
        const ev = WorkerEventSchema.safeParse(raw);
        if (!ev.success) return;
        const e = ev.data;
        if (e.type === 'started') this.backend = e.backend;
        listener(e);
        if (e.type === 'done') settle(() => resolve({ history: e.history, stopped: e.stopped, metrics: e.metrics, backend: this.backend }));
        if (e.type === 'error') settle(() => reject(new UserError(e.error.code as ErrorCode, e.error.message)));
      });
      this.worker.on('error', (err) => settle(() => reject(new UserError('INTERNAL', `The training worker failed: ${err.message}`))));
      this.worker.on('exit', (code) =>
        settle(() => reject(new UserError('INTERNAL', `The training worker exited (code ${code}) before finishing.`))),
      );
    });
    this.worker.postMessage({ type: 'start', request: parsed.data });
  }

  pause(): void {
    this.worker.postMessage({ type: 'pause' });
  }

  resume(): void {
    this.worker.postMessage({ type: 'resume' });
  }

  /** Stops after the current batch; the last epoch-end checkpoint stays as it is. */
  stop(): void {
    this.worker.postMessage({ type: 'stop' });
  }

  /** Ends the worker at once (for shutdown). */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
