import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { TrainingRun } from '../../src/train/session.js';
import type { TrainRequest, WorkerEvent } from '../../src/train/protocol.js';
import { readManifest } from '../../src/model/io.js';
import { DEFAULT_TRAIN } from '../../src/model/config.js';
import { UserError } from '../../src/util/errors.js';
import { tempDir, writeSyntheticFolder } from '../helpers/fixtures.js';

let dataDir: string;
before(() => {
  dataDir = writeSyntheticFolder({ train: 512, test: 64, h: 8, w: 6 });
});

const request = (over: Partial<TrainRequest> = {}, epochs = 2): TrainRequest => ({
  data: { kind: 'folder', path: dataDir },
  model: { kind: 'new', latentDim: 2, hidden: [64], activation: 'relu', likelihood: 'bernoulli', sigma: 0.1 },
  training: { ...DEFAULT_TRAIN, epochs, batchSize: 16, learningRate: 0.005 },
  ...over,
});

test('training runs in a worker, streams progress, checkpoints, and never blocks the owning thread', async () => {
  const out = path.join(tempDir(), 'model');
  const events: WorkerEvent[] = [];
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const run = new TrainingRun(request({ out }), (e) => events.push(e));
  const result = await run.done;
  clearInterval(timer);
  const types = new Set(events.map((e) => e.type));
  for (const t of ['started', 'batch', 'epoch', 'checkpoint', 'done']) assert.ok(types.has(t as WorkerEvent['type']), `saw ${t}`);
  assert.equal(result.history.length, 2);
  assert.equal(result.stopped, false);
  assert.equal((await readManifest(out)).history.length, 2);
  // While the worker trained, this thread kept running its timers.
  assert.ok(ticks >= 10, `the owning thread ran its timer only ${ticks} times`);
});

test('pause holds the worker between batches, resume continues, stop ends the run early', async () => {
  const events: WorkerEvent[] = [];
  let pausedAtBatches = -1;
  let resolvePaused!: () => void;
  const paused = new Promise<void>((r) => (resolvePaused = r));
  const run = new TrainingRun(request({}, 200), (e) => {
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
  pausedAtBatches = events.filter((e) => e.type === 'batch').length;
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

test('a request with bad settings is refused before a worker starts; bad data fails the run with its message', async () => {
  assert.throws(
    () => new TrainingRun({ ...request(), training: { ...request().training, batchSize: 0 } }),
    (e: unknown) => e instanceof UserError && /batchSize: batch size must be at least 1/.test(e.message),
  );
  const run = new TrainingRun(request({ data: { kind: 'folder', path: '/no/such/folder' } }));
  await assert.rejects(run.done, /\/no\/such\/folder is not a folder/);
});
