import { parentPort } from 'node:worker_threads';
import { initBackend } from '../engine/backend.js';
import { toErrorInfo } from '../util/errors.js';
import { PauseGate } from './pause-gate.js';
import { prepareTraining } from './prepare.js';
import { WorkerCommandSchema, type TrainRequest, type WorkerEvent } from './protocol.js';
import { train } from './trainer.js';

// The training worker: owns its own TensorFlow.js instance and runs one
// training request; the thread that started it stays free.
const port = parentPort!;
const gate = new PauseGate();
const abort = new AbortController();
let started = false;

function send(e: WorkerEvent): void {
  port.postMessage(e);
}

async function run(request: TrainRequest): Promise<void> {
  try {
    const backend = await initBackend();
    const { dataset, vae, history, adamState } = await prepareTraining(request);
    const trainCount = request.training.limit > 0 ? Math.min(request.training.limit, dataset.train.count) : dataset.train.count;
    send({
      type: 'started', backend: backend.name, dataset: dataset.name, trainCount, testCount: dataset.test.count,
      firstEpoch: history.length + 1, lastEpoch: history.length + request.training.epochs,
    });
    const result = await train({
      vae, dataset, config: request.training, backend: backend.name, history, adamState,
      out: request.out, signal: abort.signal, gate,
      onBatch: (progress) => send({ type: 'batch', progress }),
      onEpoch: (record) => send({ type: 'epoch', record }),
      onCheckpoint: (dir, epoch) => send({ type: 'checkpoint', dir, epoch }),
    });
    vae.dispose();
    send({ type: 'done', history: result.history, stopped: result.stopped, metrics: result.metrics });
  } catch (err) {
    send({ type: 'error', error: toErrorInfo(err) });
  } finally {
    port.close();
  }
}

port.on('message', (raw: unknown) => {
  const parsed = WorkerCommandSchema.safeParse(raw);
  if (!parsed.success) {
    send({ type: 'error', error: { code: 'BAD_REQUEST', message: `Malformed command to the training worker: ${parsed.error.message}` } });
    return;
  }
  const cmd = parsed.data;
  if (cmd.type === 'start') {
    if (started) return;
    started = true;
    void run(cmd.request);
  } else if (cmd.type === 'pause') {
    gate.pause();
    send({ type: 'paused' });
  } else if (cmd.type === 'resume') {
    gate.resume();
    send({ type: 'resumed' });
  } else {
    abort.abort();
    gate.resume();
  }
});
