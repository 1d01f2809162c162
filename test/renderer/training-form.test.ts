/// <reference types="svelte" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerSvelteRunes } from '../helpers/svelte-runes.js';
import { requests } from '../../src/contract/index.js';

// The "Data and model" form on its own: what it sends for a conv model, a
// learned σ and binarised data, and what it takes back from a model's settings.
registerSvelteRunes();
const { TrainingForm } = await import('../../renderer/src/lib/state/training-form.svelte.js');

test('a conv model with a learned σ on binarised MNIST makes a request the contract accepts', () => {
  const form = new TrainingForm();
  assert.equal(form.request()?.model.arch, undefined, 'an MLP by default, as older engines expect');
  form.edit('arch', 'conv');
  form.edit('filters', '16,32');
  form.edit('likelihood', 'gaussian');
  form.edit('learnSigma', true);
  form.edit('binarize', true);
  const req = form.request();
  assert.ok(req);
  assert.deepEqual(req.data, { kind: 'mnist', binarize: 'dynamic' });
  assert.equal(req.model.arch, 'conv');
  assert.deepEqual(req.model.filters, [16, 32]);
  assert.equal(req.model.learnSigma, true);
  assert.ok(requests.startTraining.input.safeParse(req).success, 'the engine would accept it');
  // A learned σ means nothing for a Bernoulli likelihood and is not sent.
  form.edit('likelihood', 'bernoulli');
  assert.equal(form.request()?.model.learnSigma, undefined);
  // Binarising applies to IDX data; an image folder never sends it.
  form.edit('source', 'images');
  form.edit('imageFolder', '/photos');
  assert.deepEqual(form.request()?.data, { kind: 'images', path: '/photos' });
});

test('bad filters are refused beside the field, and only while the model is convolutional', () => {
  const form = new TrainingForm();
  form.edit('filters', '16,x');
  assert.equal(form.fields.filters.error, undefined, 'an MLP has no filters to check');
  form.edit('arch', 'conv');
  assert.match(form.fields.filters.error ?? '', /whole numbers, comma separated/);
  assert.equal(form.request(), null);
  form.edit('filters', '16,2000');
  assert.match(form.fields.filters.error ?? '', /at most 512 filters/);
  form.edit('filters', '8');
  assert.ok(form.request());
});

test("a conv model's settings come back into the form", () => {
  const form = new TrainingForm();
  form.takeOver({
    model: {
      height: 28,
      width: 28,
      latentDim: 16,
      hidden: [256],
      activation: 'relu',
      arch: 'conv',
      filters: [32, 64],
      likelihood: 'gaussian',
      sigma: 0.07,
      learnSigma: true,
    },
    training: null,
    data: { kind: 'mnist', binarize: 'dynamic' },
  });
  const v = form.values;
  assert.equal(v.arch, 'conv');
  assert.equal(v.filters, '32,64');
  assert.equal(v.learnSigma, true);
  assert.equal(v.sigma, '0.07');
  assert.equal(v.binarize, true);
});
