import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  MAX_MODEL_PARAMETERS,
  TRAINING_BYTES_PER_PARAMETER,
  WASM_HEAP_HEADROOM_BYTES,
  WASM_MAX_HEAP_BYTES,
  checkModelSize,
  parameterCount,
  parameterLimit,
} from '../../src/model/capacity.js';
import { type NativeConfig } from '../../src/contract/shapes.js';
import { DEFAULT_MODEL } from '../../src/contract/defaults.js';
import { createModel, modelFromLayers } from '../../src/model/architectures.js';
import { UserError } from '../../src/contract/errors.js';
import { setupTf } from '../helpers/tf.js';

before(async () => {
  await setupTf();
});

const cfg = (over: Partial<NativeConfig>): NativeConfig => ({ height: 28, width: 28, ...DEFAULT_MODEL, ...over });
const GIANT = cfg({ hidden: [4096, 4096, 4096], latentDim: 3 });
const fmt = (n: number) => n.toLocaleString('en-US');

test('parameterCount matches the variables of a real VaeModel', () => {
  for (const c of [
    cfg({}),
    cfg({ height: 4, width: 5, hidden: [16, 8], latentDim: 2 }),
    cfg({ height: 6, width: 7, hidden: [9, 13, 4], latentDim: 5, activation: 'tanh' }),
    cfg({ arch: 'conv', hidden: [16], latentDim: 2 }),
    cfg({ arch: 'conv', height: 16, width: 8, channels: 3, filters: [5, 7, 3], hidden: [12, 6], latentDim: 4 }),
  ]) {
    const vae = createModel(c, 1);
    const real = vae.variables().reduce((sum, v) => sum + v.size, 0);
    assert.equal(parameterCount(c), real, `hidden ${c.hidden.join(',')}`);
    assert.equal(vae.encoder.countParams() + vae.decoder.countParams(), real);
    vae.dispose();
  }
  // 784·512+512 + 2·(512·3+3) + 3·512+512 + 512·784+784 for the default MNIST model.
  assert.equal(parameterCount(cfg({})), 809_238);
});

test('the limit is the smaller of the wasm heap less headroom and a quarter of memory', () => {
  assert.equal(WASM_MAX_HEAP_BYTES, 2 ** 32);
  const heapBound = Math.floor((WASM_MAX_HEAP_BYTES - WASM_HEAP_HEADROOM_BYTES) / TRAINING_BYTES_PER_PARAMETER);
  assert.equal(parameterLimit(64 * 2 ** 30), heapBound);
  assert.equal(parameterLimit(4 * 2 ** 30), Math.floor(2 ** 30 / TRAINING_BYTES_PER_PARAMETER));
  assert.ok(MAX_MODEL_PARAMETERS <= heapBound);
});

test('a model with three hidden layers of 4,096 units is refused, naming its size and the limit', () => {
  const count = parameterCount(GIANT);
  console.log(`giant model: ${fmt(count)} parameters; limit here ${fmt(MAX_MODEL_PARAMETERS)}`);
  assert.ok(count > MAX_MODEL_PARAMETERS);
  assert.throws(
    () => checkModelSize(GIANT),
    (e: unknown) =>
      e instanceof UserError &&
      e.code === 'BAD_CONFIG' &&
      e.message.includes(fmt(count)) &&
      e.message.includes(fmt(MAX_MODEL_PARAMETERS)) &&
      /use fewer or narrower hidden layers/.test(e.message),
  );
});

test('ordinary models pass, wide latent spaces included', () => {
  checkModelSize(cfg({}));
  checkModelSize(cfg({ hidden: [512, 256], latentDim: 128 }));
  checkModelSize(cfg({ hidden: [512, 256], latentDim: 256 }));
  checkModelSize(cfg({ hidden: [2048, 2048] }));
});

test('VaeModel.create refuses a giant model before allocating any tensor', () => {
  const before = tf.memory();
  assert.throws(
    () => createModel(GIANT, 1),
    (e: unknown) => e instanceof UserError && e.code === 'BAD_CONFIG',
  );
  const after = tf.memory();
  assert.equal(after.numTensors, before.numTensors);
  assert.equal(after.numBytes, before.numBytes);
});

test('VaeModel.fromModels refuses a giant manifest, and networks whose size the manifest misstates', () => {
  const small = cfg({ height: 4, width: 5, hidden: [16], latentDim: 2 });
  const vae = createModel(small, 1);
  assert.throws(
    () => modelFromLayers({ ...GIANT, height: 4, width: 5, latentDim: 2, hidden: [4096, 4096, 4096, 4096, 4096] }, vae.encoder, vae.decoder),
    (e: unknown) => e instanceof UserError && e.code === 'BAD_CONFIG',
  );
  assert.throws(
    () => modelFromLayers({ ...small, hidden: [8] }, vae.encoder, vae.decoder),
    (e: unknown) => e instanceof UserError && e.code === 'BAD_MODEL' && /hold 792 parameters but the manifest describes a model with \d+/.test(e.message),
  );
  modelFromLayers(small, vae.encoder, vae.decoder);
  vae.dispose();
});
