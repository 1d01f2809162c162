import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../../src/data/load.js';
import { binarizeInPlace } from '../../src/data/binarize.js';
import { createModel } from '../../src/model/architectures.js';
import type { VaeModel } from '../../src/model/vae-model.js';
import { DEFAULT_TRAIN } from '../../src/contract/defaults.js';
import { train } from '../../src/train/trainer.js';
import { Rng } from '../../src/util/rng.js';
import { setupTf } from '../helpers/tf.js';
import { writeSyntheticFolder } from '../helpers/fixtures.js';

let backend: string;
let dir: string;
before(async () => {
  backend = await setupTf();
  dir = writeSyntheticFolder({ train: 96, test: 32, h: 8, w: 6 });
});

const fractional = (xs: ArrayLike<number>) => Array.from(xs).filter((v) => v > 0 && v < 1).length;
/** A batch's images as a sorted list, so that two shuffles of the same images compare equal. */
const rowsOf = (x: Float32Array, d = 48) => Array.from({ length: x.length / d }, (_, i) => x.subarray(i * d, (i + 1) * d).join('')).sort();

test('binarising draws each value to 1 with its intensity as the probability', () => {
  const grey = new Float32Array(200000).map((_, i) => [0, 0.25, 0.5, 0.9, 1][i % 5]!);
  const bin = binarizeInPlace(Float32Array.from(grey), new Rng(3));
  assert.equal(fractional(bin), 0);
  for (const [k, p] of [0, 0.25, 0.5, 0.9, 1].entries()) {
    const ones = bin.filter((v, i) => i % 5 === k && v === 1).length / (bin.length / 5);
    assert.ok(Math.abs(ones - p) < 0.01, `intensity ${p}: ${ones} of the draws were 1`);
  }
});

test('a binarised dataset has a binary test set, the same on every load, and a grey training set; it says so in its name', async () => {
  const grey = await loadDataset({ kind: 'folder', path: dir });
  const a = await loadDataset({ kind: 'folder', path: dir, binarize: 'dynamic' });
  const b = await loadDataset({ kind: 'folder', path: dir, binarize: 'dynamic' });
  assert.ok(fractional(grey.test.pixels) > 0, 'the fixture has grey values');
  assert.equal(fractional(a.test.pixels), 0);
  assert.deepEqual(a.test.pixels, b.test.pixels);
  assert.deepEqual(a.train.pixels, grey.train.pixels);
  assert.match(a.name, /\(binarised\)$/);
  assert.doesNotMatch(grey.name, /binarised/);
});

/** A model that records every batch of images its likelihood is asked about. */
function recording(vae: VaeModel, seen: Float32Array[]): VaeModel {
  return new Proxy(vae, {
    get(target, prop, receiver) {
      // The batches reach the model through its hand-written gradients (or, without them, through nll).
      if (prop === 'objectiveGradients' && target.objectiveGradients) {
        return (x: tf.Tensor2D, klWeight: number, seed: number) => {
          seen.push(x.dataSync() as Float32Array);
          return target.objectiveGradients!(x, klWeight, seed);
        };
      }
      if (prop === 'nll') {
        return (logits: tf.Tensor2D, x: tf.Tensor2D) => {
          seen.push(x.dataSync() as Float32Array);
          return target.nll(logits, x);
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

test('training on binarised data sees binary batches, drawn afresh each epoch; grey data stays grey', async () => {
  const arch = { height: 8, width: 6, latentDim: 2, hidden: [16], activation: 'relu' as const, likelihood: 'bernoulli' as const, sigma: 0.1 };
  const config = { ...DEFAULT_TRAIN, epochs: 2, batchSize: 96, seed: 5 };
  for (const binarize of [true, false]) {
    const dataset = await loadDataset({ kind: 'folder', path: dir, ...(binarize ? { binarize: 'dynamic' as const } : {}) });
    const seen: Float32Array[] = [];
    const vae = createModel(arch, 1);
    // One batch per epoch (96 images); the test-set evaluations that follow are recorded too.
    await train({ vae: recording(vae, seen), dataset, config, backend });
    const batches = seen.filter((x) => x.length === 96 * 48);
    assert.equal(batches.length, 2);
    if (binarize) {
      assert.equal(fractional(batches[0]!) + fractional(batches[1]!), 0);
      // Shuffling reorders the images; drawn afresh, the images themselves differ too.
      assert.notDeepEqual(rowsOf(batches[0]!), rowsOf(batches[1]!), 'each epoch draws new binary images');
    } else {
      assert.ok(fractional(batches[0]!) > 0);
    }
    vae.dispose();
  }
});
