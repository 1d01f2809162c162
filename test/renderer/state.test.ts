/// <reference types="svelte" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerSvelteRunes } from '../helpers/svelte-runes.js';
import type { AppOptions, AppState as AppStateType } from '../../renderer/src/lib/state/app-state.js';
import { EPOCH, FakeEngine, FakeLink, settle, trainedSession, wire, type Wired } from './fake-engine.js';

// The renderer's state classes against a fake engine, over the same RPC
// client and server the app uses, through the in-memory transport.
registerSvelteRunes();
const { AppState } = await import('../../renderer/src/lib/state/app-state.js');

async function started(engine = new FakeEngine(), opts: AppOptions = {}): Promise<Wired & { app: AppStateType }> {
  const w = wire(engine);
  const app = new AppState(w.client, { modelTag: w.modelTag, ...opts });
  await app.init();
  await settle();
  return { ...w, app };
}

test("init shows the engine's session, draws its model and hands its settings to the form", async () => {
  const { app, engine, modelTag } = await started(new FakeEngine(trainedSession({ training: { ...trainedSession().training!, epochs: 7 } })));
  assert.equal(app.connection.phase, 'ready');
  assert.equal(app.session.modelId, 1);
  assert.equal(modelTag.current, 1, 'model-bound requests name the model shown');
  assert.equal(app.form.values.epochs, '7');
  assert.equal(app.latent.points?.count, 2, 'a model not training is drawn at once');
  assert.equal(app.strip.strip?.originals.count, 10);
  assert.deepEqual(engine.inputs('reconstructionStrip'), [{ n: 10, mode: 'mean' }]);
  app.dispose();
});

test('a session with another model resets selection, decode detail and explore view, and hands the new settings to the form', async () => {
  const { app, engine, emit } = await started();
  await app.selection.selectPoint(5);
  await app.explore.interpolate(5, 9);
  app.form.edit('latent', '9');
  assert.equal(app.selection.detail?.kind, 'point');
  assert.equal(app.selection.selected, 5);
  assert.ok(app.explore.result);
  assert.deepEqual(app.explore.ends, { from: '5', to: '9' });
  const generation = app.session.generation;

  emit('session', engine.replaceModel({ latentDim: 16, hidden: [256, 128], activation: 'tanh' }, { epochs: 3, seed: 7 }));
  await settle();
  assert.equal(app.session.modelId, 2);
  assert.equal(app.session.generation, generation + 1);
  assert.equal(app.selection.selected, null);
  assert.equal(app.selection.detail, null);
  assert.equal(app.selection.marker, null);
  assert.equal(app.explore.result, null);
  const v = app.form.values;
  assert.deepEqual([v.latent, v.hidden, v.activation, v.epochs, v.seed], ['16', '256,128', 'tanh', '3', '7']);
  assert.equal(app.latent.points?.latentDim, 16, 'the new model is drawn');

  // The same model again (a status change) keeps what the user picked.
  await app.selection.selectPoint(3);
  emit('session', { ...engine.session, modelDir: '/somewhere' });
  await settle();
  assert.equal(app.selection.selected, 3);
  assert.equal(app.session.modelDir, '/somewhere');
  app.dispose();
});

test('an answer for a replaced model never lands: a point decoded meanwhile is dropped', async () => {
  const { app, engine, emit } = await started();
  const release = engine.holdNext('reconstruct');
  const picking = app.selection.selectPoint(4);
  await settle();
  emit('session', engine.replaceModel({ latentDim: 2 }));
  await settle();
  release();
  await picking;
  assert.equal(app.selection.detail, null);
  app.dispose();
});

test('a MODEL_CHANGED refusal says so and catches up with the model the engine now holds', async () => {
  const { app, engine } = await started();
  // Another window replaced the model, and this one missed the event.
  engine.replaceModel({ latentDim: 16 });
  await app.selection.selectPoint(2);
  assert.equal(app.notices.text, 'The model changed in another window; this window now shows the new one.');
  assert.equal(app.notices.tone, 'info');
  await settle();
  assert.equal(app.session.modelId, 2);
  assert.equal(app.session.model?.latentDim, 16);
  assert.equal(app.form.values.latent, '16');
  assert.equal(app.selection.detail, null);
  assert.equal(app.selection.selected, null);
  app.dispose();
});

test('UNSAVED on start asks first; Cancel leaves the model, Discard retries with discard: true', async () => {
  const { app, engine } = await started();
  const request = app.form.request();
  assert.ok(request);

  const cancelled = app.models.start(request);
  await settle();
  assert.equal(app.confirm.question?.text, 'Discard the unsaved model (MNIST, latent 3, hidden 512, 1 epoch)? Its training will be lost.');
  app.confirm.answer(false);
  await cancelled;
  assert.equal(app.confirm.question, null);
  assert.deepEqual(
    engine.inputs('startTraining').map((i) => i.discard),
    [undefined],
  );
  assert.equal(app.session.modelId, 1);
  assert.equal(app.notices.text, null, 'nothing happened, nothing is said');

  const confirmed = app.models.start(request);
  await settle();
  assert.ok(app.confirm.question);
  app.confirm.answer(true);
  await confirmed;
  assert.deepEqual(
    engine.inputs('startTraining').map((i) => i.discard),
    [undefined, undefined, true],
  );
  assert.equal(app.session.modelId, 2);
  assert.equal(app.session.status, 'running');
  app.dispose();
});

test('an answer given after another window replaced the model does nothing, and says so', async () => {
  const { app, engine, emit } = await started();
  const asking = app.models.start(app.form.request()!);
  await settle();
  emit('session', engine.replaceModel({ latentDim: 5 }));
  await settle();
  app.confirm.answer(true);
  await asking;
  assert.deepEqual(
    engine.inputs('startTraining').map((i) => i.discard),
    [undefined],
  );
  assert.match(app.notices.text ?? '', /^The model changed in another window while you were asked; nothing was done\./);
  app.dispose();
});

test('MODEL_EXISTS on save asks, naming the model; Cancel writes nothing, Replace retries with replace: true', async () => {
  const engine = new FakeEngine();
  engine.models.add('/models/m1');
  const { app } = await started(engine);

  const cancelled = app.models.saveModel('/models/m1');
  await settle();
  assert.equal(app.confirm.question?.title, 'Replace a saved model?');
  assert.equal(app.confirm.question?.text, 'Replace the model in /models/m1 (MNIST, latent 3, 1 epoch, saved 2026-01-02 03:04 UTC)?');
  app.confirm.answer(false);
  await cancelled;
  assert.deepEqual(engine.inputs('saveModel'), [{ dir: '/models/m1' }]);
  assert.equal(app.session.unsaved, true);

  const replaced = app.models.saveModel('/models/m1');
  await settle();
  app.confirm.answer(true);
  await replaced;
  assert.deepEqual(engine.inputs('saveModel').slice(1), [{ dir: '/models/m1' }, { dir: '/models/m1', replace: true }]);
  assert.equal(app.notices.text, 'Saved to /models/m1');
  assert.equal(app.session.unsaved, false);
  app.dispose();
});

test('decoding while dragging shows only the newest answer', async () => {
  const { app, engine } = await started();
  const release = engine.holdNext('decode');
  const older = app.selection.decodeAt(Float32Array.from([0.25, 0, 0]), true, [1, 0, 0]);
  await settle();
  await app.selection.decodeAt(Float32Array.from([0.75, 0, 0]), true, [2, 0, 0]);
  release();
  await older;
  const d = app.selection.detail;
  assert.equal(d?.kind, 'space');
  assert.equal(d.kind === 'space' && d.image.pixels[0], 0.75);
  assert.deepEqual(app.selection.marker, [2, 0, 0]);
  app.dispose();
});

test('progress and epochs: the bar follows the engine, and a finished epoch refreshes the strip', async () => {
  const { app, engine, emit } = await started();
  const progress = { epoch: 1, lastEpoch: 2, batch: 3, batches: 10, loss: EPOCH.train, klWeight: 1, samplesPerSecond: 900, etaSeconds: 12 };
  emit('progress', progress);
  emit('epoch', EPOCH);
  await settle();
  assert.deepEqual(app.session.progress, progress);
  assert.equal(engine.inputs('reconstructionStrip').length, 2);
  app.dispose();
});

test('a lost link shows the banner and tags requests so none acts on another model; it says what survived when it returns', async () => {
  const link = new FakeLink();
  const { app, engine, modelTag } = await started(new FakeEngine(), { link });
  link.set({ state: 'lost', failures: 0 });
  assert.equal(app.connection.phase, 'lost');
  assert.equal(modelTag.current, -1);
  link.set({ state: 'lost', failures: 3 });
  assert.equal(app.connection.suggestNewAddress, true);

  link.set({ state: 'open', failures: 0 });
  await settle();
  assert.equal(app.connection.phase, 'ready');
  assert.equal(app.connection.failures, 0);
  assert.equal(app.notices.text, 'Reconnected; the engine kept everything.');
  assert.equal(modelTag.current, 1);

  link.set({ state: 'lost', failures: 0 });
  engine.session = trainedSession({
    engineId: 'engine-2',
    modelId: 0,
    model: null,
    dataset: null,
    history: [],
    recovery: { dir: '/a', description: 'MNIST, latent 3', savedAt: '2026-01-01T00:00:00Z' },
  });
  link.set({ state: 'open', failures: 0 });
  await settle();
  assert.equal(app.notices.text, 'The engine restarted: a model that was only in memory is gone. Its last autosave can be reopened.');
  assert.equal(app.session.model, null);
  assert.equal(app.latent.points, null);
  app.dispose();
});

test('dispose releases every subscription: events afterwards change nothing', async () => {
  const link = new FakeLink();
  const { app, engine, emit, listeners } = await started(new FakeEngine(), { link });
  assert.ok(listeners() > 0);
  assert.equal(link.listeners, 1);
  app.dispose();
  assert.equal(listeners(), 0);
  assert.equal(link.listeners, 0);

  const strips = engine.inputs('reconstructionStrip').length;
  emit('session', engine.replaceModel({ latentDim: 8 }));
  emit('epoch', EPOCH);
  emit('latentChanged', { epoch: 1, batch: 1 });
  await settle();
  assert.equal(app.session.modelId, 1);
  assert.equal(app.form.values.latent, '3');
  assert.equal(engine.inputs('reconstructionStrip').length, strips);
});
