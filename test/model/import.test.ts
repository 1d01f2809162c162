import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../../src/data/load.js';
import type { Dataset } from '../../src/data/dataset.js';
import { importModel } from '../../src/model/import.js';
import { loadModel, saveModel, writeLayersModel } from '../../src/model/folder.js';
import { decodeZ } from '../../src/latent/ops.js';
import { evaluateElbo, importedElbo } from '../../src/latent/evaluate.js';
import { manifestFor, train } from '../../src/train/trainer.js';
import { DEFAULT_TRAIN } from '../../src/contract/defaults.js';
import { UserError } from '../../src/contract/errors.js';
import { assertNoLeak, maxAbsDiff, setupTf } from '../helpers/tf.js';
import { tempDir, writeSyntheticFolder } from '../helpers/fixtures.js';
import { L, written } from '../helpers/imported-nets.js';

// Networks as another tool would have trained them, written in the Layers
// format with their own names and shapes.
let data: Dataset;
let backend: string;
before(async () => {
  backend = await setupTf();
  data = await loadDataset({ kind: 'folder', path: writeSyntheticFolder({ train: 128, test: 32, h: 8, w: 6 }) });
});

const x = () => tf.tensor2d(data.test.pixels.subarray(0, 4 * 48), [4, 48]);

test("Keras' three outputs are read by name, and a sigmoid decoder's probabilities become logits that give the same pixels", async () => {
  const { enc, dec, req } = await written('keras', true);
  const { vae, roles, decoderOutput, decoderOutputFound } = await importModel(req, data);
  assert.equal(roles.layout, 'keras');
  assert.equal(roles.how, 'z_mean → mean, z_log_var → log-variance');
  assert.equal(decoderOutput, 'probabilities');
  assert.ok(decoderOutputFound);
  const xs = x();
  const [m, v] = enc.predict(tf.reshape(xs, [4, 8, 6, 1])) as tf.Tensor[];
  const { mean, logVar } = vae.encode(xs);
  assert.ok(maxAbsDiff(await mean.data(), await m!.data()) < 1e-5);
  assert.ok(maxAbsDiff(await logVar.data(), await v!.data()) < 1e-5);
  // sigmoid(logit(p)) = p: the pixels are the decoder's own output.
  const want = await (dec.predict(mean) as tf.Tensor).data();
  assert.ok(maxAbsDiff(await vae.pixels(mean).data(), want) < 1e-4);
  const loss = await evaluateElbo(vae, data.test);
  assert.ok(Number.isFinite(loss.total) && loss.kl >= 0);
  tf.dispose([xs, m!, v!, mean, logVar]);
  vae.dispose();
});

test('one output of twice the latent size is split into mean and log-variance; a decoder without a sigmoid gives logits', async () => {
  const { enc, req } = await written('concat', false);
  const { vae, roles, decoderOutput } = await importModel(req, data);
  assert.equal(roles.layout, 'concat');
  assert.equal(roles.latentDim, L);
  assert.equal(decoderOutput, 'logits');
  const xs = x();
  const both = (await (enc.predict(tf.reshape(xs, [4, 8, 6, 1])) as tf.Tensor).array()) as number[][];
  const { mean, logVar } = vae.encode(xs);
  assert.deepEqual(
    (await mean.array()).map((r) => r.map((v) => v.toFixed(5))),
    both.map((r) => r.slice(0, L).map((v) => v.toFixed(5))),
  );
  assert.deepEqual(
    (await logVar.array()).map((r) => r.map((v) => v.toFixed(5))),
    both.map((r) => r.slice(L).map((v) => v.toFixed(5))),
  );
  tf.dispose([xs, mean, logVar]);
  vae.dispose();
});

test('outputs whose names do not say are asked about, and --roles decides', async () => {
  const { enc, req } = await written('pair-unnamed', false);
  await assert.rejects(
    importModel(req, data),
    (e: unknown) =>
      e instanceof UserError &&
      /output names \(out_a \[3\], out_b \[3\]\) do not say which is the mean/.test(e.message) &&
      /e\.g\. mean,logvar \(--roles/.test(e.message),
  );
  await assert.rejects(importModel({ ...req, roles: ['mean', 'mean'] }, data), /--roles should name each of the encoder's 2 outputs once/);
  const { vae } = await importModel({ ...req, roles: ['logvar', 'mean'] }, data);
  const xs = x();
  const [a, b] = enc.predict(tf.reshape(xs, [4, 8, 6, 1])) as tf.Tensor[];
  const { mean, logVar } = vae.encode(xs);
  assert.ok(maxAbsDiff(await mean.data(), await b!.data()) < 1e-5, 'the second output is the mean');
  assert.ok(maxAbsDiff(await logVar.data(), await a!.data()) < 1e-5);
  tf.dispose([xs, a!, b!, mean, logVar]);
  vae.dispose();
});

test('shapes are checked against the data: an encoder for other images, or a decoder to another size, is a sentence', async () => {
  const other = await loadDataset({ kind: 'folder', path: writeSyntheticFolder({ train: 16, test: 8, h: 5, w: 5 }) });
  const { req } = await written('keras', true);
  await assert.rejects(
    importModel(req, other),
    (e: unknown) => e instanceof UserError && e.code === 'BAD_SHAPE' && /The encoder takes \[8,6,1\] but the images are 5×5×1 \(25 values\)/.test(e.message),
  );
  const before = tf.memory().numTensors;
  await assert.rejects(importModel(req, other));
  assert.equal(tf.memory().numTensors, before, 'a refused import leaves nothing allocated');
});

test('weights named outside the folder, and quantised weights, are refused before anything is read', async () => {
  const { req } = await written('keras', true);
  const json = JSON.parse(readFileSync(req.encoder, 'utf8'));
  json.weightsManifest[0].paths = ['../../etc/passwd'];
  writeFileSync(req.encoder, JSON.stringify(json));
  await assert.rejects(importModel(req, data), /--encoder: .* lists a weights file outside its folder \(\.\.\/\.\.\/etc\/passwd\)/);
  json.weightsManifest[0].paths = ['weights.bin'];
  json.weightsManifest[0].weights[0].quantization = { dtype: 'uint8', scale: 1, min: 0 };
  writeFileSync(req.encoder, JSON.stringify(json));
  await assert.rejects(importModel(req, data), /quantised weights/);
});

test('an imported model saves, reopens with the same decodes, and continues training', async () => {
  const { req } = await written('keras', true);
  const { vae } = await importModel(req, data);
  const dir = path.join(tempDir(), 'imported');
  await saveModel(dir, vae, manifestFor(vae, data, DEFAULT_TRAIN, []));
  const z = Float32Array.from([0.5, -1, 0.2]);
  const m = await loadModel(dir);
  assert.equal(m.vae.config.arch, 'imported');
  assert.deepEqual(Array.from(await decodeZ(m.vae, z)), Array.from(await decodeZ(vae, z)));
  const w0 = Array.from(m.vae.variables()[0]!.dataSync());
  const result = await assertNoLeak('training an imported model, epoch to epoch', async () => {
    const r = await train({ vae: m.vae, dataset: data, backend, config: { ...DEFAULT_TRAIN, epochs: 2, batchSize: 32, learningRate: 0.01 } });
    return r;
  });
  assert.equal(result.history.length, 2);
  assert.ok(result.history.every((r) => Number.isFinite(r.test.total)));
  assert.ok(maxAbsDiff(w0, m.vae.variables()[0]!.dataSync()) > 0, 'the weights moved');
  m.vae.dispose();
  vae.dispose();
});

test('an imported model whose layers the backend cannot differentiate is explored, and training it says why it cannot', async () => {
  const dir = tempDir();
  const x = tf.input({ shape: [8, 6, 1] });
  const conv = tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  const h = tf.layers.flatten().apply(conv) as tf.SymbolicTensor;
  const enc = tf.model({
    inputs: x,
    outputs: [
      tf.layers.dense({ units: L, name: 'mu' }).apply(h) as tf.SymbolicTensor,
      tf.layers.dense({ units: L, name: 'logvar' }).apply(h) as tf.SymbolicTensor,
    ],
  });
  await writeLayersModel(enc, path.join(dir, 'enc'));
  const { req } = await written('keras', false);
  const { vae } = await importModel({ ...req, encoder: path.join(dir, 'enc', 'model.json') }, data);
  assert.ok(Number.isFinite((await evaluateElbo(vae, data.test)).total), 'it is explored');
  await assert.rejects(
    train({ vae, dataset: data, backend, config: { ...DEFAULT_TRAIN, epochs: 1, batchSize: 32 } }),
    (e: unknown) =>
      e instanceof UserError &&
      /need the Conv2DBackpropFilter kernel to train, which the wasm backend does not have; it can be explored here, but not trained\./.test(e.message),
  );
  vae.dispose();
});

test('an imported model whose figures are not finite is refused on its first pass, with what to check', async () => {
  const { req } = await written('keras', true);
  const { vae } = await importModel(req, data);
  const w = vae.encoder.getLayer('z_mean').trainableWeights[0]!.read() as tf.Variable;
  w.assign(tf.fill(w.shape, NaN));
  await assert.rejects(
    importedElbo(vae, data.test, 'check the likelihood'),
    (e: unknown) => e instanceof UserError && e.code === 'NOT_FINITE' && /test −ELBO is not finite \(NaN\); check the likelihood\./.test(e.message),
  );
  vae.dispose();
});

test('a model.json nested thousands of levels deep is a sentence, not a crash', async () => {
  const { req } = await written('keras', true);
  const deep = '['.repeat(200000) + ']'.repeat(200000);
  writeFileSync(req.encoder, `{"modelTopology": ${deep}, "weightsManifest": []}`);
  await assert.rejects(importModel(req, data), (e: unknown) => e instanceof UserError && e.code === 'BAD_MODEL' && /^--encoder: /.test(e.message));
});
