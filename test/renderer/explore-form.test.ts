/// <reference types="svelte" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerSvelteRunes } from '../helpers/svelte-runes.js';
import { requests } from '../../src/contract/index.js';
import { FakeEngine, MODEL, settle, trainedSession, wire } from './fake-engine.js';

// The explore view's fields, checked in the window by the contract's rules
// (and the model and test set shown) before anything is sent.
registerSvelteRunes();
const { AppState } = await import('../../renderer/src/lib/state/app-state.js');

async function started(engine = new FakeEngine()) {
  const w = wire(engine);
  const app = new AppState(w.client, { modelTag: w.modelTag });
  await app.init();
  await settle();
  return { app, engine };
}

test("every view's defaults make a request the contract accepts", async () => {
  const { app } = await started();
  for (const kind of ['interpolate', 'traverse', 'prior', 'manifold', 'denoise'] as const) {
    app.explore.setKind(kind);
    assert.deepEqual(app.explore.errors, {}, kind);
    const input = app.explore.request(4);
    assert.ok(input && requests.explore.input.safeParse(input).success, `${kind}: ${JSON.stringify(input)}`);
  }
  app.dispose();
});

test('a wrong field has its sentence beside it, and Show sends nothing while it stands', async () => {
  const { app, engine } = await started();
  const x = app.explore;
  const cases: [Parameters<typeof x.setKind>[0], Parameters<typeof x.edit>[0], string, string][] = [
    ['interpolate', 'steps', '300', 'Steps must be a whole number from 2 to 256.'],
    ['interpolate', 'steps', 'ten', 'Give the steps as a whole number, such as 10.'],
    ['interpolate', 'from', '1.5', 'A test image number must be a whole number from 0 to 9,999.'],
    ['interpolate', 'to', '10000', 'A test image number must be a whole number from 0 to 9,999.'],
    ['traverse', 'steps', '100', 'Steps must be a whole number from 2 to 64.'],
    ['traverse', 'range', '0', 'The range must be above 0 and at most 20.'],
    ['prior', 'n', '5000', 'The number of samples must be a whole number from 1 to 1,024.'],
    ['prior', 'n', '', 'Give the number of samples as a whole number, such as 36.'],
    ['manifold', 'grid', '1', 'The grid size must be a whole number from 2 to 64.'],
    ['manifold', 'range', '25', 'The range must be above 0 and at most 20.'],
    ['manifold', 'dimI', '3', 'A latent dim must be a whole number from 0 to 2.'],
    ['manifold', 'dimJ', '0', 'Choose two different dims from 0 to 2.'],
    ['denoise', 'amount', '6', 'σ must be above 0 and at most 5.'],
  ];
  for (const [kind, field, typed, sentence] of cases) {
    const before = { ...x.values };
    x.setKind(kind);
    x.edit(field, typed as never);
    assert.deepEqual(x.errors, { [field]: sentence }, `${kind} ${field} = ${typed}`);
    assert.equal(x.valid, false);
    assert.equal(await x.show(null), false);
    for (const k of Object.keys(before) as (keyof typeof before)[]) x.edit(k, before[k] as never);
    assert.deepEqual(x.errors, {}, 'right again');
  }
  assert.deepEqual(engine.inputs('explore'), [], 'nothing was sent');
  // Salt and pepper's p is a share of pixels.
  x.setKind('denoise');
  x.edit('noise', 'saltpepper');
  x.edit('amount', '2');
  assert.deepEqual(x.errors, { amount: 'p must be above 0 and at most 1.' });
  x.edit('amount', '0.2');
  assert.equal(await x.show(null), true);
  // Sent for the view the scatter shows, so a path would be placed where this window's points are.
  const shown = { set: 'test', projection: { method: 'auto' } };
  assert.deepEqual(engine.inputs('explore'), [{ kind: 'denoise', noise: 'saltpepper', amount: 0.2, n: 10, seed: 0, mode: 'mean', view: shown }]);
  app.dispose();
});

test("a field wrong for another view holds up only that view; shift-click uses the form's steps", async () => {
  const { app, engine } = await started();
  const x = app.explore;
  x.setKind('traverse');
  x.edit('steps', '100');
  assert.equal(x.valid, false, 'a traversal has at most 64 steps');
  x.setKind('prior');
  assert.equal(x.valid, true, 'prior samples have no steps');
  assert.equal(await x.interpolate(3, 7), true, 'a path may have 100');
  assert.deepEqual(x.ends, { from: '3', to: '7' });
  assert.deepEqual(engine.inputs('explore').at(-1), {
    kind: 'interpolate',
    from: 3,
    to: 7,
    steps: 100,
    path: 'linear',
    view: { set: 'test', projection: { method: 'auto' } },
  });
  app.dispose();
});

test('a model of one latent dim has no manifold grid, said beside the dims', async () => {
  const { app } = await started(new FakeEngine(trainedSession({ model: { ...MODEL, latentDim: 1 } })));
  app.explore.setKind('manifold');
  assert.deepEqual(app.explore.errors, { dimI: 'This model has one latent dim; a manifold grid needs two.' });
  assert.equal(app.explore.request(null), null);
  app.dispose();
});

test('the count of reconstructions to export is told beside its field, and nothing is asked while it is wrong', async () => {
  const { app, engine } = await started();
  const before = engine.inputs('reconstructionStrip').length;
  app.exports.setCount('100');
  assert.equal(app.exports.countError, 'The number of reconstructions must be a whole number from 1 to 64.');
  assert.equal(await app.exports.reconstructions(), undefined);
  app.exports.setCount('');
  assert.equal(app.exports.countError, 'Give the number of reconstructions as a whole number, such as 16.');
  app.exports.setCount('5');
  assert.equal(app.exports.countError, null);
  assert.equal((await app.exports.reconstructions())?.cols, 5);
  assert.deepEqual(engine.inputs('reconstructionStrip').slice(before), [{ n: 5, mode: 'mean' }]);
  app.dispose();
});
