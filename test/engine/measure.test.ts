import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createEngine } from '../../src/engine/engine-service.js';
import { DEFAULT_MODEL, DEFAULT_TRAIN } from '../../src/contract/defaults.js';
import { measureStep } from '../../src/train/measure.js';
import { setupTf } from '../helpers/tf.js';
import { tempDir, writeSyntheticFolder } from '../helpers/fixtures.js';

// Measuring a model before training it: what the first screen's times come from.
before(async () => {
  await setupTf();
});

test('a model is measured without a tensor left behind: one step and one test image each cost some time', async () => {
  const before = tf.memory().numTensors;
  const mlp = await measureStep({ ...DEFAULT_MODEL, hidden: [64], height: 8, width: 6 }, 32);
  const conv = await measureStep({ ...DEFAULT_MODEL, arch: 'conv', filters: [4, 8], hidden: [16], height: 8, width: 8, channels: 3 }, 16);
  assert.equal(tf.memory().numTensors, before);
  for (const c of [mlp, conv]) {
    assert.ok(Number.isFinite(c.msPerStep) && c.msPerStep > 0, `ms per step ${c.msPerStep}`);
    assert.ok(Number.isFinite(c.msPerTestImage) && c.msPerTestImage > 0, `ms per test image ${c.msPerTestImage}`);
  }
});

test('the engine measures through its queue, refuses while a run trains, and checks the model first', async () => {
  const service = createEngine(() => undefined, { dataDir: tempDir('le-data-') });
  await service.init();
  const model = { latentDim: 2, hidden: [16], activation: 'relu' as const, likelihood: 'bernoulli' as const, sigma: 0.1 };
  const cost = await service.measureTraining({ model, image: { height: 8, width: 6, channels: 1 }, batchSize: 16 });
  assert.ok(cost.msPerStep > 0);
  await service.startTraining({
    data: { kind: 'folder', path: writeSyntheticFolder({ train: 512, test: 32, h: 8, w: 6 }) },
    model,
    training: { ...DEFAULT_TRAIN, epochs: 50, batchSize: 8 },
  });
  await assert.rejects(
    service.measureTraining({ model, image: { height: 8, width: 6, channels: 1 }, batchSize: 16 }),
    /Stop the training before you measure another model\./,
  );
  await service.stopTraining({});
  while ((await service.getSession({})).status === 'stopping') await new Promise((r) => setTimeout(r, 20));
  // A conv model whose image does not halve twice is refused with the sentence that says which sizes do.
  await assert.rejects(
    service.measureTraining({ model: { ...model, arch: 'conv', filters: [4, 8] }, image: { height: 6, width: 6, channels: 1 }, batchSize: 4 }),
    /divid|halve|multiple/i,
  );
});
