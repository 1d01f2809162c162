import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../../src/data/load.js';
import type { Dataset } from '../../src/data/dataset.js';
import { createModel } from '../../src/model/architectures.js';
import { type VaeModel } from '../../src/model/vae-model.js';
import { DEFAULT_TRAIN } from '../../src/contract/defaults.js';
import { train } from '../../src/train/trainer.js';
import { decodeZ, encodeSet, reconstruct } from '../../src/latent/ops.js';
import { evaluateElbo, evaluateIwae } from '../../src/latent/evaluate.js';
import { subset } from '../../src/data/dataset.js';
import { sampleZ } from '../../src/model/sampling.js';
import { assertNoLeak, maxAbsDiff, setupTf } from '../helpers/tf.js';
import { writeSyntheticFolder } from '../helpers/fixtures.js';

let data: Dataset;
let vae: VaeModel;
before(async () => {
  const backend = await setupTf();
  data = await loadDataset({ kind: 'folder', path: writeSyntheticFolder({ train: 256, test: 100, h: 8, w: 6 }) });
  vae = createModel({ height: 8, width: 6, latentDim: 3, hidden: [32], activation: 'relu', likelihood: 'bernoulli', sigma: 0.1 }, 4);
  await train({ vae, dataset: data, config: { ...DEFAULT_TRAIN, epochs: 4, batchSize: 32, learningRate: 0.01 }, backend });
});

test('encoding in small batches equals encoding all at once, and leaks nothing', async () => {
  const small = await assertNoLeak('encodeSet', () => encodeSet(vae, data.test, 7));
  const big = await encodeSet(vae, data.test, 1000);
  assert.equal(small.mean.length, 100 * 3);
  assert.ok(maxAbsDiff(small.mean, big.mean) < 1e-5);
  assert.ok(maxAbsDiff(small.logVar, big.logVar) < 1e-5);
  const direct = tf.tidy(() => vae.encoder.predict(tf.tensor2d(data.test.pixels, [100, 48])) as tf.Tensor[]);
  assert.ok(maxAbsDiff(await direct[0]!.data(), big.mean) < 1e-5);
  tf.dispose(direct);
});

test('decoding the mean is deterministic; sampling z is not, unless seeded alike', async () => {
  const few = subset(data.test, [0, 1, 2, 3]);
  const a = await assertNoLeak('reconstruct mean', () => reconstruct(vae, few, 'mean'));
  const b = await reconstruct(vae, few, 'mean');
  assert.deepEqual(Array.from(a.pixels), Array.from(b.pixels));
  const s1 = await assertNoLeak('reconstruct sample', () => reconstruct(vae, few, 'sample', 1));
  const s2 = await reconstruct(vae, few, 'sample', 2);
  const s1again = await reconstruct(vae, few, 'sample', 1);
  assert.ok(maxAbsDiff(s1.z, s2.z) > 1e-3);
  assert.deepEqual(Array.from(s1.pixels), Array.from(s1again.pixels));
  // The mean reconstruction is the decode of the encoded mean.
  const enc = await encodeSet(vae, few);
  assert.ok(maxAbsDiff(await decodeZ(vae, enc.mean), a.pixels) < 1e-6);
});

test('a sample drawn with seed 0 repeats, as every other seed does (tfjs reads a seed of 0 as none)', () => {
  const mean = tf.zeros([4, 3]) as tf.Tensor2D;
  const logVar = tf.zeros([4, 3]) as tf.Tensor2D;
  const draw = (seed: number) => tf.tidy(() => Array.from(sampleZ(mean, logVar, seed).dataSync()));
  assert.deepEqual(draw(0), draw(0));
  assert.notDeepEqual(draw(0), draw(1));
  tf.dispose([mean, logVar]);
});

test('decodeZ checks its input and leaks nothing', async () => {
  const px = await assertNoLeak('decodeZ', () => decodeZ(vae, Float32Array.from([0, 0, 0, 1, 1, 1])));
  assert.equal(px.length, 2 * 48);
  await assert.rejects(decodeZ(vae, Float32Array.from([1, 2])), /multiple of 3/);
  await assert.rejects(decodeZ(vae, Float32Array.from([1, NaN, 2])), /finite/);
});

test('the IWAE bound is tighter than the ELBO and both leak nothing', async () => {
  const elbo = await assertNoLeak('evaluateElbo', () => evaluateElbo(vae, data.test));
  const iwae = await assertNoLeak('evaluateIwae', () => evaluateIwae(vae, data.test, 64));
  const iwae1 = await evaluateIwae(vae, data.test, 1, { seed: 5 });
  assert.ok(iwae < elbo.total, `IWAE ${iwae} should be below −ELBO ${elbo.total}`);
  assert.ok(iwae > 0);
  // k = 1 is a (sampled) −ELBO: close to the ELBO estimate.
  assert.ok(Math.abs(iwae1 - elbo.total) < 0.1 * elbo.total, `${iwae1} vs ${elbo.total}`);
});

test('a colour model decodes height × width × 3 values per point, the same as its pixels', async () => {
  const colour = createModel({ height: 4, width: 5, channels: 3, latentDim: 2, hidden: [8], activation: 'relu', likelihood: 'bernoulli', sigma: 0.1 }, 7);
  const z = Float32Array.from([0.5, -1, 2, 0.25]);
  const px = await assertNoLeak('decodeZ', () => decodeZ(colour, z));
  assert.equal(px.length, 2 * 4 * 5 * 3);
  const direct = tf.tidy(() => colour.pixels(tf.tensor2d(z, [2, 2])));
  assert.ok(maxAbsDiff(px, await direct.data()) < 1e-6);
  direct.dispose();
  colour.dispose();
});
