// Trains the default configuration (latent 3, one hidden layer of 512, Adam
// 0.001, batch 128) on the built-in MNIST and prints, per epoch, seconds,
// images per second, the backend and the test −ELBO.
//   npm run bench              10 epochs
//   npm run bench -- --epochs 2
//   npm run bench -- --arch conv --latent 16 --hidden 256 [--filters 32,64] [--limit 6000]
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/backend.js';
import { loadDataset } from '../src/data/load.js';
import { DEFAULT_FILTERS, DEFAULT_MODEL, DEFAULT_TRAIN } from '../src/contract/defaults.js';
import { createModel } from '../src/model/architectures.js';
import { parameterCount } from '../src/model/capacity.js';
import { train } from '../src/train/trainer.js';
import { evaluateIwae } from '../src/latent/evaluate.js';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '10' },
    iwae: { type: 'string', default: '0' },
    arch: { type: 'string', default: 'mlp' },
    latent: { type: 'string', default: String(DEFAULT_MODEL.latentDim) },
    hidden: { type: 'string', default: DEFAULT_MODEL.hidden.join(',') },
    filters: { type: 'string', default: DEFAULT_FILTERS.join(',') },
    limit: { type: 'string', default: '0' },
  },
});
const epochs = Number(values.epochs);
const list = (s: string) => s.split(',').map(Number);
const arch: 'mlp' | 'conv' = values.arch === 'conv' ? 'conv' : 'mlp';
const model = {
  ...DEFAULT_MODEL,
  latentDim: Number(values.latent),
  hidden: list(values.hidden),
  ...(arch === 'conv' ? { arch, filters: list(values.filters) } : {}),
};
const backend = await initBackend();
const dataset = await loadDataset({ kind: 'mnist' });
const vae = createModel({ ...model, height: 28, width: 28 }, DEFAULT_TRAIN.seed);
console.log(`backend ${backend.name}${backend.notes.length ? ` (${backend.notes.join('; ')})` : ''}`);
const layout = arch === 'conv' ? `conv ${model.filters!.join('-')}, dense ${model.hidden.join('-')}` : `784-${model.hidden.join('-')}`;
console.log(
  `model ${layout}-${model.latentDim}, ${parameterCount({ ...model, height: 28, width: 28 }).toLocaleString('en-US')} parameters, batch ${DEFAULT_TRAIN.batchSize}, ` +
    `Adam ${DEFAULT_TRAIN.learningRate}, ${epochs} epochs${values.limit !== '0' ? ` on ${values.limit} images` : ''}`,
);
console.log('epoch  seconds  img/s   ms/step  train −ELBO  test −ELBO  test rec  test KL  backend');
const tensorsBefore = tf.memory().numTensors;
const result = await train({
  vae,
  dataset,
  backend: backend.name,
  config: { ...DEFAULT_TRAIN, epochs, limit: Number(values.limit) },
  onEpoch: (r) => {
    const msPerStep = (1000 * DEFAULT_TRAIN.batchSize) / r.samplesPerSecond;
    console.log(
      `${String(r.epoch).padStart(5)}  ${r.seconds.toFixed(1).padStart(7)}  ${Math.round(r.samplesPerSecond).toString().padStart(5)}  ${msPerStep.toFixed(1).padStart(7)}` +
        `  ${r.train.total.toFixed(2).padStart(11)}  ${r.test.total.toFixed(2).padStart(10)}  ${r.test.recon.toFixed(2).padStart(8)}  ${r.test.kl.toFixed(2).padStart(7)}  ${r.backend}`,
    );
  },
});
const total = result.history.reduce((s, r) => s + r.seconds, 0);
console.log(
  `mean ${(total / result.history.length).toFixed(1)} s/epoch; final test −ELBO ${result.metrics?.total.toFixed(2)} nats; tensors ${tensorsBefore} → ${tf.memory().numTensors}`,
);
if (Number(values.iwae) > 0) {
  const k = Number(values.iwae);
  const t = performance.now();
  console.log(`IWAE k=${k}: ${(await evaluateIwae(vae, dataset.test, k)).toFixed(2)} nats (${((performance.now() - t) / 1000).toFixed(1)} s)`);
}
