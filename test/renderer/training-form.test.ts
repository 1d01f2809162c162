/// <reference types="svelte" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerSvelteRunes } from '../helpers/svelte-runes.js';
import { requests } from '../../src/contract/index.js';
import { RpcError } from '../../src/rpc/client.js';
import { inMemory } from '../contract/transports.js';

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
  const shown = (): string | undefined => form.fields.filters.error;
  form.edit('filters', '16,x');
  assert.equal(shown(), undefined, 'an MLP has no filters to check');
  form.edit('arch', 'conv');
  assert.equal(shown(), 'Give the filters as whole numbers separated by commas, such as 32,64.');
  assert.equal(form.request(), null);
  form.edit('filters', '16,2000');
  assert.equal(shown(), 'Each filter count must be a whole number from 1 to 512.');
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

test('each field carries its own sentence; the problems read top to bottom and hold the request back', () => {
  const form = new TrainingForm();
  assert.equal(form.valid, true);
  assert.deepEqual(form.problems, []);
  const cases: [keyof typeof form.values, string, keyof typeof form.fields, string][] = [
    ['latent', '', 'latentDim', 'Give the number of latent dims as a whole number, such as 3.'],
    ['latent', '2.5', 'latentDim', 'Latent dims must be a whole number from 1 to 256.'],
    ['hidden', '512,', 'hidden', 'Give the hidden sizes as whole numbers separated by commas, such as 512,256.'],
    ['hidden', '512,0', 'hidden', 'Each hidden size must be a whole number from 1 to 8,192.'],
    ['beta', '-1', 'beta', 'β must be from 0 to 1,000.'],
    ['warmup', '6000', 'warmupEpochs', 'The KL warm-up must be from 0 to 5,000 epochs.'],
    ['epochs', '100000', 'epochs', 'Epochs must be a whole number from 1 to 5,000.'],
    ['epochs', '1.5', 'epochs', 'Epochs must be a whole number from 1 to 5,000.'],
    ['batch', 'lots', 'batchSize', 'Give the batch size as a whole number, such as 128.'],
    ['lr', '5', 'learningRate', 'The learning rate must be above 0 and at most 1.'],
    ['lr', 'abc', 'learningRate', 'Give the learning rate as a number, such as 0.001.'],
    ['lr', '0', 'learningRate', 'The learning rate must be above 0 and at most 1.'],
    ['seed', '-3', 'seed', 'The seed must be a whole number from 0 to 2,147,483,647.'],
    ['limit', '0.5', 'limit', 'The limit must be a whole number, 0 or more.'],
  ];
  for (const [key, typed, field, sentence] of cases) {
    const f = new TrainingForm();
    f.edit(key, typed as never);
    assert.equal(f.fields[field].error, sentence, `${key} = ${typed}`);
    assert.deepEqual(f.problems, [sentence], 'only that field is wrong');
    assert.equal(f.valid, false);
    assert.equal(f.request(), null, 'nothing is sent');
  }
  form.edit('lr', '5');
  form.edit('latent', '0');
  assert.deepEqual(
    form.problems,
    ['Latent dims must be a whole number from 1 to 256.', 'The learning rate must be above 0 and at most 1.'],
    'in the order shown',
  );
});

test('σ is checked only while the likelihood uses it; image size and data paths are told in sentences', () => {
  const form = new TrainingForm();
  form.edit('sigma', '0');
  assert.equal(form.fields.sigma.error, undefined, 'a Bernoulli model has no σ field to fix');
  assert.equal(form.request()?.model.sigma, 0.1, 'and sends the default');
  form.edit('likelihood', 'gaussian');
  assert.equal(form.fields.sigma.error, 'σ must be above 0 and at most 10.');
  assert.equal(form.request(), null);
  form.edit('sigma', '0.2');
  form.edit('source', 'images');
  assert.equal(form.dataError, 'Give the folder of images (one subfolder per class).');
  form.edit('imageFolder', '/photos');
  form.edit('imageSize', '2');
  assert.equal(form.imageSize.error, 'The image size must be a whole number from 4 to 256.');
  assert.deepEqual(form.importRequest({ encoder: 'e.json', decoder: 'd.json', decoderOutput: 'auto', roles: '' }), {
    error: 'The image size must be a whole number from 4 to 256.',
  });
  form.edit('imageSize', '');
  assert.equal(form.imageSize.error, undefined, 'empty is automatic');
  assert.ok(form.request());
});

test("a model trained under the old limits comes back into the form, which says what a new run can't use", () => {
  const form = new TrainingForm();
  form.takeOver({
    model: { height: 28, width: 28, latentDim: 2, hidden: [64], activation: 'relu', likelihood: 'bernoulli', sigma: 0.1 },
    training: { epochs: 100000, batchSize: 128, learningRate: 5, beta: 1, warmupEpochs: 0, seed: 42, limit: 0 },
    data: { kind: 'mnist' },
  });
  assert.equal(form.values.epochs, '100000');
  assert.equal(form.fields.epochs.error, 'Epochs must be a whole number from 1 to 5,000.');
  assert.equal(form.fields.learningRate.error, 'The learning rate must be above 0 and at most 1.');
});

test('the engine refuses what the form refuses, with the sentence the form shows', async () => {
  const form = new TrainingForm();
  const good = form.request();
  assert.ok(good);
  const c = await inMemory();
  try {
    const cases: ['lr' | 'epochs' | 'latent' | 'hidden', string, 'learningRate' | 'epochs' | 'latentDim' | 'hidden', Partial<typeof good>][] = [
      ['lr', '5', 'learningRate', { training: { ...good.training, learningRate: 5 } }],
      ['epochs', '100000', 'epochs', { training: { ...good.training, epochs: 100000 } }],
      ['latent', '0', 'latentDim', { model: { ...good.model, latentDim: 0 } }],
      ['hidden', '512,0', 'hidden', { model: { ...good.model, hidden: [512, 0] } }],
    ];
    for (const [key, typed, field, bad] of cases) {
      const f = new TrainingForm();
      f.edit(key, typed);
      const shown = f.fields[field].error;
      assert.ok(shown, `${key} = ${typed} is refused by the form`);
      await assert.rejects(
        c.client.startTraining({ ...good, ...bad }),
        (e: unknown) => e instanceof RpcError && e.code === 'BAD_REQUEST' && e.message === shown,
        `the engine says "${shown}"`,
      );
    }
  } finally {
    await c.close();
  }
});

test('a denoising VAE: the noise goes into the training request, is checked by its own rule, and comes back with the model', () => {
  const form = new TrainingForm();
  assert.equal(form.request()?.training.denoise, undefined, 'a plain VAE by default');
  form.edit('denoise', 'gaussian');
  form.edit('denoiseAmount', '0.4');
  assert.deepEqual(form.request()?.training.denoise, { noise: 'gaussian', amount: 0.4 });
  assert.ok(requests.startTraining.input.safeParse(form.request()).success);
  form.edit('denoise', 'saltpepper');
  form.edit('denoiseAmount', '1.5');
  assert.equal(form.fields.denoiseAmount.error, 'p must be above 0 and at most 1.');
  assert.equal(form.request(), null);
  form.edit('denoiseAmount', '0.2');
  const req = form.request()!;
  const other = new TrainingForm();
  other.takeOver({ model: { ...req.model, height: 28, width: 28 }, training: req.training, data: req.data });
  assert.deepEqual([other.values.denoise, other.values.denoiseAmount], ['saltpepper', '0.2']);
  other.takeOver({ model: { ...req.model, height: 28, width: 28 }, training: { ...req.training, denoise: undefined }, data: req.data });
  assert.equal(other.values.denoise, 'none', 'a plain model shows denoising off');
});
