import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { describeIssues, EXPLORE_FIELDS, FIELDS, problem } from '../../src/contract/fields.js';
import { requests } from '../../src/contract/index.js';
import { StoredTrainConfigSchema, TrainConfigSchema } from '../../src/contract/shapes.js';
import { readManifest } from '../../src/model/folder.js';
import { tempDir, writeSyntheticFolder } from '../helpers/fixtures.js';
import { inMemory } from './transports.js';

// The sentences a person reads when a number they typed is wrong: one per
// field and kind of mistake, the same from the form, the explore view, the
// engine and the command line.

interface Case {
  /** What is not a number at all (empty, text, infinite). */
  ask: string;
  /** A fraction where a whole number is needed, and values just past each bound. */
  range: string;
  /** Values the rule refuses as out of range. */
  out: number[];
  /** Values it accepts. */
  ok: number[];
}

const numbers: Record<string, [z.ZodType, Case]> = {
  latentDim: [
    FIELDS.latentDim,
    {
      ask: 'Give the number of latent dims as a whole number, such as 3.',
      range: 'Latent dims must be a whole number from 1 to 256.',
      out: [1.5, 0, 257],
      ok: [1, 256],
    },
  ],
  sigma: [FIELDS.sigma, { ask: 'Give σ as a number, such as 0.1.', range: 'σ must be above 0 and at most 10.', out: [0, -1, 10.5], ok: [0.05, 10] }],
  beta: [FIELDS.beta, { ask: 'Give β as a number, such as 1.', range: 'β must be from 0 to 1,000.', out: [-0.1, 1001], ok: [0, 0.5, 1000] }],
  warmupEpochs: [
    FIELDS.warmupEpochs,
    {
      ask: 'Give the KL warm-up as a number of epochs, such as 0.',
      range: 'The KL warm-up must be from 0 to 5,000 epochs.',
      out: [-1, 5001],
      ok: [0, 2.5, 5000],
    },
  ],
  epochs: [
    FIELDS.epochs,
    {
      ask: 'Give the number of epochs as a whole number, such as 10.',
      range: 'Epochs must be a whole number from 1 to 5,000.',
      out: [2.5, 0, 5001, 100000],
      ok: [1, 5000],
    },
  ],
  batchSize: [
    FIELDS.batchSize,
    {
      ask: 'Give the batch size as a whole number, such as 128.',
      range: 'The batch size must be a whole number from 1 to 8,192.',
      out: [32.5, 0, 8193],
      ok: [1, 8192],
    },
  ],
  learningRate: [
    FIELDS.learningRate,
    {
      ask: 'Give the learning rate as a number, such as 0.001.',
      range: 'The learning rate must be above 0 and at most 1.',
      out: [0, -0.001, 1.01, 5],
      ok: [1e-5, 1],
    },
  ],
  seed: [
    FIELDS.seed,
    {
      ask: 'Give the seed as a whole number, such as 42.',
      range: 'The seed must be a whole number from 0 to 2,147,483,647.',
      out: [1.5, -1, 2 ** 31],
      ok: [0, 2 ** 31 - 1],
    },
  ],
  limit: [
    FIELDS.limit,
    {
      ask: 'Give the limit as a whole number of images, or 0 to train on all of them.',
      range: 'The limit must be a whole number, 0 or more.',
      out: [0.5, -1],
      ok: [0, 60000],
    },
  ],
  imageSize: [
    FIELDS.imageSize,
    {
      ask: 'Give the image size as a whole number, such as 28.',
      range: 'The image size must be a whole number from 4 to 256.',
      out: [28.5, 3, 257],
      ok: [4, 256],
    },
  ],
  stripImages: [
    FIELDS.stripImages,
    {
      ask: 'Give the number of reconstructions as a whole number, such as 16.',
      range: 'The number of reconstructions must be a whole number from 1 to 64.',
      out: [1.5, 0, 65],
      ok: [1, 64],
    },
  ],
  testImage: [
    EXPLORE_FIELDS.testImage,
    {
      ask: 'Give the test image as a whole number, such as 0.',
      range: 'A test image number must be a whole number, 0 or more.',
      out: [1.5, -1],
      ok: [0, 9999],
    },
  ],
  pathSteps: [
    EXPLORE_FIELDS.pathSteps,
    { ask: 'Give the steps as a whole number, such as 10.', range: 'Steps must be a whole number from 2 to 256.', out: [2.5, 1, 257], ok: [2, 256] },
  ],
  traverseSteps: [
    EXPLORE_FIELDS.traverseSteps,
    { ask: 'Give the steps as a whole number, such as 10.', range: 'Steps must be a whole number from 2 to 64.', out: [2.5, 1, 65], ok: [2, 64] },
  ],
  range: [
    EXPLORE_FIELDS.range,
    { ask: 'Give the range as a number, such as 3.', range: 'The range must be above 0 and at most 20.', out: [0, -3, 20.5], ok: [0.5, 20] },
  ],
  priorSamples: [
    EXPLORE_FIELDS.priorSamples,
    {
      ask: 'Give the number of samples as a whole number, such as 36.',
      range: 'The number of samples must be a whole number from 1 to 1,024.',
      out: [1.5, 0, 1025],
      ok: [1, 1024],
    },
  ],
  latentIndex: [
    EXPLORE_FIELDS.latentIndex,
    { ask: 'Give the latent dim as a whole number, such as 0.', range: 'A latent dim must be a whole number, 0 or more.', out: [0.5, -1], ok: [0, 255] },
  ],
  grid: [
    EXPLORE_FIELDS.grid,
    { ask: 'Give the grid size as a whole number, such as 12.', range: 'The grid size must be a whole number from 2 to 64.', out: [2.5, 1, 65], ok: [2, 64] },
  ],
  denoiseImages: [
    EXPLORE_FIELDS.denoiseImages,
    {
      ask: 'Give the number of images as a whole number, such as 10.',
      range: 'The number of images must be a whole number from 1 to 1,000.',
      out: [1.5, 0, 1001],
      ok: [1, 1000],
    },
  ],
  noiseAmount: [
    EXPLORE_FIELDS.noiseAmount,
    { ask: 'Give the noise amount as a number, such as 0.3.', range: 'The noise amount must be above 0 and at most 5.', out: [0, 5.5], ok: [0.3, 5] },
  ],
  noiseSigma: [EXPLORE_FIELDS.noiseSigma, { ask: 'Give σ as a number, such as 0.3.', range: 'σ must be above 0 and at most 5.', out: [0, 5.5], ok: [0.3, 5] }],
  noiseShare: [EXPLORE_FIELDS.noiseShare, { ask: 'Give p as a number, such as 0.1.', range: 'p must be above 0 and at most 1.', out: [0, 1.5], ok: [0.1, 1] }],
  exploreSeed: [
    EXPLORE_FIELDS.seed,
    { ask: 'Give the seed as a whole number, such as 0.', range: 'The seed must be a whole number, 0 or more.', out: [0.5, -1], ok: [0, 123456] },
  ],
};

for (const [name, [schema, c]] of Object.entries(numbers)) {
  test(`${name}: every mistake gets its sentence, and sensible values pass`, () => {
    for (const v of [NaN, Infinity, 'x', undefined, null]) assert.equal(problem(schema, v), c.ask, `${name} ${String(v)}`);
    for (const v of c.out) assert.equal(problem(schema, v), c.range, `${name} ${v}`);
    for (const v of c.ok) assert.equal(problem(schema, v), null, `${name} ${v}`);
  });
}

test('lists of sizes: items, the list itself and its length each have a sentence', () => {
  const hidden = FIELDS.hidden;
  for (const v of [[NaN], [512, NaN], 'x', null])
    assert.equal(problem(hidden, v), 'Give the hidden sizes as whole numbers separated by commas, such as 512,256.');
  for (const v of [[0], [512, 1.5], [9000]]) assert.equal(problem(hidden, v), 'Each hidden size must be a whole number from 1 to 8,192.');
  for (const v of [[], Array(9).fill(8)]) assert.equal(problem(hidden, v), 'Give from 1 to 8 hidden sizes, one per layer.');
  assert.equal(problem(hidden, [512, 256]), null);
  const filters = FIELDS.filters;
  assert.equal(problem(filters, [32, NaN]), 'Give the filters as whole numbers separated by commas, such as 32,64.');
  assert.equal(problem(filters, [32, 2000]), 'Each filter count must be a whole number from 1 to 512.');
  assert.equal(problem(filters, Array(6).fill(8)), 'Give from 1 to 5 filter counts, one per convolution.');
});

test("no message of the contract's number fields is zod's own wording", () => {
  const zodWords = /Invalid input|Too (big|small)|expected (number|int)|received/;
  for (const [name, [schema]] of Object.entries(numbers)) {
    for (const v of [NaN, 'x', 0.5, -1e9, 1e9, 2 ** 60]) {
      const r = schema.safeParse(v);
      if (!r.success) for (const i of r.error.issues) assert.doesNotMatch(i.message, zodWords, `${name} ${v}`);
    }
  }
});

test('a bad startTraining request is described as sentences, no paths, no repeats', () => {
  const r = requests.startTraining.input.safeParse({
    data: { kind: 'mnist' },
    model: { latentDim: 0, hidden: [512], activation: 'relu', likelihood: 'bernoulli', sigma: 0.1 },
    training: { epochs: 100000, batchSize: 128, learningRate: 5, beta: 1, warmupEpochs: 0, seed: 2 ** 60, limit: 0 },
  });
  assert.equal(r.success, false);
  assert.equal(
    describeIssues(r.error!),
    'Latent dims must be a whole number from 1 to 256. Epochs must be a whole number from 1 to 5,000. The learning rate must be above 0 and at most 1. The seed must be a whole number from 0 to 2,147,483,647.',
  );
  // Anything else keeps its place, in words.
  const other = requests.startTraining.input.safeParse({
    data: { kind: 'mnist' },
    model: { latentDim: 3, hidden: [512], activation: 'softmax', likelihood: 'bernoulli', sigma: 0.1 },
    training: { epochs: 1, batchSize: 128, learningRate: 0.001, beta: 1, warmupEpochs: 0, seed: 1, limit: 0 },
  });
  assert.match(describeIssues(other.error!), /^model activation: Invalid option/);
});

test('requests are held to sensible limits; the manifests of models saved under the old ones still read', async () => {
  const old = { epochs: 100000, batchSize: 128, learningRate: 5, beta: 1, warmupEpochs: 100000, seed: 42, limit: 0 };
  assert.equal(TrainConfigSchema.safeParse(old).success, false, 'a new run is refused');
  assert.deepEqual(StoredTrainConfigSchema.parse(old), old, 'a saved model keeps them');
  assert.equal(problem(StoredTrainConfigSchema, { ...old, learningRate: 11 }), 'The learning rate must be above 0 and at most 10.');

  // A whole manifest as an older version wrote it.
  const dir = path.join(tempDir('le-old-'), 'model');
  mkdirSync(dir);
  const manifest = {
    format: 'latent-explorer-model',
    version: 1,
    config: { height: 28, width: 28, latentDim: 2, hidden: [64], activation: 'relu', likelihood: 'bernoulli', sigma: 0.1 },
    training: old,
    dataset: { name: 'MNIST', spec: { kind: 'mnist' }, trainCount: 60000, testCount: 10000, classNames: null },
    history: [],
    metrics: null,
    savedAt: '2024-01-01T00:00:00.000Z',
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  const read = await readManifest(dir);
  assert.deepEqual(read.training, old);
});

test('a model saved under the old limits opens in the engine, over the contract, and reports its own settings', async () => {
  const data = writeSyntheticFolder({ train: 64, test: 16, h: 8, w: 6 });
  const c = await inMemory();
  try {
    const statuses: string[] = [];
    c.client.on('status', (s) => statuses.push(s.status));
    await c.client.startTraining({
      data: { kind: 'folder', path: data },
      model: { latentDim: 2, hidden: [8], activation: 'relu', likelihood: 'bernoulli', sigma: 0.1 },
      training: { epochs: 1, batchSize: 32, learningRate: 0.01, beta: 1, warmupEpochs: 0, seed: 1, limit: 0 },
    });
    for (let i = 0; i < 600 && !statuses.includes('done'); i++) await new Promise((r) => setTimeout(r, 50));
    const dir = path.join(tempDir('le-old-'), 'model');
    await c.client.saveModel({ dir });
    // As an older version would have written it.
    const file = path.join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { training: object };
    manifest.training = { ...manifest.training, epochs: 100000, learningRate: 5, warmupEpochs: 100000 };
    writeFileSync(file, JSON.stringify(manifest));
    const s = await c.client.openModel({ dir, discard: true });
    assert.equal(s.training?.learningRate, 5);
    assert.equal(s.training?.epochs, 100000);
  } finally {
    await c.close();
  }
});
