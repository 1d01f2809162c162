import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { TrainingJob, type TrainingEvent, type TrainingListener } from '../../src/train/training-job.js';
import { prepareTraining, type TrainRequest } from '../../src/train/prepare.js';
import { setupTf } from '../helpers/tf.js';
import { readManifest } from '../../src/model/folder.js';
import { DEFAULT_TRAIN } from '../../src/contract/defaults.js';
import { UserError } from '../../src/contract/errors.js';
import { tempDir, writeSyntheticFolder } from '../helpers/fixtures.js';

let dataDir: string;
let backend: string;
before(async () => {
  dataDir = writeSyntheticFolder({ train: 512, test: 64, h: 8, w: 6 });
  backend = await setupTf();
});

/** Prepares a request and starts its job, as the command line does. */
async function startJob(req: TrainRequest, listener?: TrainingListener): Promise<TrainingJob> {
  const { dataset, vae, history, adamState } = await prepareTraining(req);
  const job = new TrainingJob({ vae, dataset, config: req.training, backend, history, adamState, out: req.out }, listener);
  void job.done.finally(() => vae.dispose()).catch(() => undefined);
  return job;
}

const request = (over: Partial<TrainRequest> = {}, epochs = 2): TrainRequest => ({
  data: { kind: 'folder', path: dataDir },
  model: { kind: 'new', latentDim: 2, hidden: [64], activation: 'relu', likelihood: 'bernoulli', sigma: 0.1 },
  training: { ...DEFAULT_TRAIN, epochs, batchSize: 16, learningRate: 0.005 },
  ...over,
});

test('a training job streams progress, checkpoints, and never blocks its thread', async () => {
  const out = path.join(tempDir(), 'model');
  const events: TrainingEvent[] = [];
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const run = await startJob(request({ out }), (e) => events.push(e));
  const result = await run.done;
  clearInterval(timer);
  const types = new Set(events.map((e) => e.type));
  for (const t of ['started', 'batch', 'epoch', 'checkpoint', 'done']) assert.ok(types.has(t as TrainingEvent['type']), `saw ${t}`);
  assert.equal(result.history.length, 2);
  assert.equal(result.stopped, false);
  assert.equal((await readManifest(out)).history.length, 2);
  // While the job trained, this thread kept running its timers.
  assert.ok(ticks >= 10, `the owning thread ran its timer only ${ticks} times`);
});

test('pause holds the job between batches, resume continues, stop ends the run early', async () => {
  const events: TrainingEvent[] = [];
  let resolvePaused!: () => void;
  const paused = new Promise<void>((r) => (resolvePaused = r));
  const run = await startJob(request({}, 200), (e) => {
    events.push(e);
    if (e.type === 'paused') resolvePaused();
  });
  await new Promise<void>((r) => {
    const poll = setInterval(() => {
      if (events.some((e) => e.type === 'batch')) {
        clearInterval(poll);
        r();
      }
    }, 5);
  });
  run.pause();
  await paused;
  await new Promise((r) => setTimeout(r, 100)); // a batch in flight may still report
  const pausedAtBatches = events.filter((e) => e.type === 'batch').length;
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(events.filter((e) => e.type === 'batch').length, pausedAtBatches, 'no progress while paused');
  run.resume();
  await new Promise((r) => setTimeout(r, 400));
  assert.ok(events.filter((e) => e.type === 'batch').length > pausedAtBatches, 'progress after resume');
  run.stop();
  const result = await run.done;
  assert.equal(result.stopped, true);
  assert.ok(result.history.length < 200);
});

test('a request with bad settings is refused before a job starts; bad data fails with its message', async () => {
  await assert.rejects(
    startJob({ ...request(), training: { ...request().training, batchSize: 0 } }),
    (e: unknown) => e instanceof UserError && /^The batch size must be a whole number from 1 to 8,192\.$/.test(e.message),
  );
  await assert.rejects(startJob(request({ data: { kind: 'folder', path: '/no/such/folder' } })), /\/no\/such\/folder is not a folder/);
});
