/// <reference types="svelte" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerSvelteRunes } from '../helpers/svelte-runes.js';
import { requests } from '../../src/contract/index.js';
import { FakeEngine, settle, trainedSession, wire } from './fake-engine.js';

// The first screen's state: presets, their estimated times, one click to train.
registerSvelteRunes();
const { AppState } = await import('../../renderer/src/lib/state/app-state.js');
const { PRESETS, aboutTime, runSeconds, applyPreset } = await import('../../renderer/src/lib/state/start.svelte.js');
const { TrainingForm } = await import('../../renderer/src/lib/state/training-form.svelte.js');

/** An engine with nothing loaded yet, as on a first start. */
function emptyEngine(): FakeEngine {
  return new FakeEngine({ ...trainedSession(), model: null, dataset: null, training: null, history: [], status: 'idle', unsaved: false, modelDir: null });
}

test('every preset makes a training request the contract accepts, on MNIST, naming every setting it relies on', () => {
  for (const p of PRESETS) {
    const form = new TrainingForm();
    // Edits a person made before must not leak into a preset.
    form.edit('lr', '0.01');
    form.edit('beta', '4');
    form.edit('source', 'images');
    applyPreset(form, p);
    const r = form.request();
    assert.ok(r, `${p.id} is valid`);
    assert.ok(requests.startTraining.input.safeParse(r).success, `${p.id}: the engine would accept it`);
    assert.equal(r.data.kind, 'mnist');
    assert.equal(r.training.learningRate, 0.001);
    assert.equal(r.training.beta, 1);
    assert.equal(r.data.kind === 'mnist' && r.data.binarize === 'dynamic', p.id === 'binarised');
  }
  const conv = new TrainingForm();
  applyPreset(
    conv,
    PRESETS.find((p) => p.id === 'conv')!,
  );
  assert.deepEqual(conv.request()?.model.filters, [32, 64]);
});

test('a run takes its epochs × (steps × step time + test images × test time)', () => {
  // 469 steps of 10 ms and 10,000 test images of 0.1 ms: 4.69 + 1 s an epoch.
  assert.ok(Math.abs(runSeconds({ msPerStep: 10, msPerTestImage: 0.1 }, 3, 128) - 3 * 5.69) < 1e-9);
  assert.equal(aboutTime(3), 'about 5 s');
  assert.equal(aboutTime(42), 'about 40 s');
  assert.equal(aboutTime(150), 'about 3 min');
  assert.equal(aboutTime(3600 + 1250), 'about 1 h 20 min');
  assert.equal(aboutTime(2 * 3600 + 50 * 60 + 40), 'about 2 h 50 min');
  assert.equal(aboutTime(3 * 3600 - 60), 'about 3 h');
});

test('the first screen shows while nothing is loaded, measures each preset once and trains the chosen one in one click', async () => {
  const engine = emptyEngine();
  const w = wire(engine);
  const app = new AppState(w.client, { modelTag: w.modelTag });
  await app.init();
  await settle();
  assert.equal(app.start.visible, true);
  await app.start.measureAll();
  const measured = engine.inputs('measureTraining') as Array<{ model: { latentDim: number; arch?: string }; image: unknown; batchSize: number }>;
  assert.deepEqual(
    measured.map((m) => [m.model.latentDim, m.model.arch ?? 'mlp']),
    [
      [3, 'mlp'],
      [16, 'mlp'],
      [32, 'mlp'],
      [16, 'conv'],
    ],
  );
  assert.deepEqual(measured[0]!.image, { height: 28, width: 28, channels: 1 });
  // The fake engine's step costs 0.02 ms per first-layer unit (×10 for conv) and a test image 0.05 ms.
  const quick = app.start.estimate('quick');
  assert.equal(quick?.state, 'ready');
  assert.ok(quick?.state === 'ready' && Math.abs(quick.seconds - runSeconds({ msPerStep: 512 * 0.02, msPerTestImage: 0.05 }, 3, 128)) < 1e-9);
  await app.start.measureAll();
  assert.equal(engine.inputs('measureTraining').length, 4, 'measured once');

  app.form.edit('latent', '7');
  app.start.choose('sharp');
  await app.start.train();
  await settle();
  const started = engine.inputs('startTraining') as Array<{ model: { latentDim: number; hidden: number[] }; training: { epochs: number } }>;
  assert.equal(started.length, 1);
  assert.equal(started[0]!.model.latentDim, 16);
  assert.deepEqual(started[0]!.model.hidden, [512]);
  assert.equal(started[0]!.training.epochs, 10);
  assert.equal(app.form.values.latent, '16', 'the form shows what was trained');
  assert.equal(app.start.visible, false, 'a model is training: the first screen has gone');
  app.dispose();
});

test('a preset the engine cannot measure says its time is unknown; the others are still measured', async () => {
  const engine = emptyEngine();
  const measure = engine.measureTraining;
  engine.measureTraining = (input) => (input.model.arch === 'conv' ? Promise.reject(new Error('no')) : measure(input));
  const w = wire(engine);
  const app = new AppState(w.client, { modelTag: w.modelTag });
  await app.init();
  await app.start.measureAll();
  assert.equal(app.start.estimate('conv')?.state, 'failed');
  assert.equal(app.start.estimate('binarised')?.state, 'ready');
  app.dispose();
});
