import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/architectures.js';
import { type VaeModel } from '../../src/model/vae-model.js';
import { loadModel, saveModel, type Manifest } from '../../src/model/folder.js';
import { DEFAULT_TRAIN } from '../../src/contract/defaults.js';
import { decodeZ } from '../../src/latent/ops.js';
import { UserError } from '../../src/contract/errors.js';
import { assertNoLeak, setupTf } from '../helpers/tf.js';
import { tempDir } from '../helpers/fixtures.js';

before(async () => {
  await setupTf();
});

const config = { height: 6, width: 5, latentDim: 2, hidden: [12], activation: 'elu' as const, likelihood: 'gaussian' as const, sigma: 0.3 };

function manifest(vae: VaeModel): Manifest {
  return {
    format: 'latent-explorer-model',
    version: 1,
    config: vae.config,
    training: DEFAULT_TRAIN,
    dataset: { name: 'synthetic', spec: { kind: 'folder', path: '/x' }, trainCount: 10, testCount: 5, classNames: null },
    history: [],
    metrics: null,
    savedAt: new Date().toISOString(),
  };
}

async function savedModelDir(): Promise<{ dir: string; vae: VaeModel }> {
  const vae = createModel(config, 3);
  const dir = path.join(tempDir(), 'model');
  await saveModel(dir, vae, manifest(vae));
  return { dir, vae };
}

test('a saved model folder reloads and decodes exactly as before', async () => {
  const { dir, vae } = await savedModelDir();
  const z = Float32Array.from([0.3, -1.2, 2, 0.5]);
  const before = await decodeZ(vae, z);
  const loaded = await assertNoLeak('load + dispose', async () => {
    const m = await loadModel(dir);
    const px = await decodeZ(m.vae, z);
    m.vae.dispose();
    return px;
  });
  assert.deepEqual(Array.from(loaded), Array.from(before));
  const m = await loadModel(dir);
  assert.deepEqual(m.manifest.config, config);
  m.vae.dispose();
  vae.dispose();
});

test('a conv model with a learned σ saves in the Layers format and reloads with the same weights, σ and decodes', async () => {
  const conv = { ...config, height: 8, width: 8, channels: 3, arch: 'conv' as const, filters: [4, 6], learnSigma: true };
  const vae = createModel(conv, 4);
  const logSigma = vae.variables().at(-1)!;
  logSigma.assign(tf.scalar(Math.log(0.07)));
  const dir = path.join(tempDir(), 'conv');
  await saveModel(dir, vae, manifest(vae));
  const json = JSON.parse(readFileSync(path.join(dir, 'decoder', 'model.json'), 'utf8'));
  const layers = (json.modelTopology.model_config ?? json.modelTopology).config.layers.map((l: { class_name: string }) => l.class_name);
  assert.ok(layers.includes('Conv2DTranspose'), layers.join(','));
  const z = Float32Array.from([0.3, -1.2, 2, 0.5]);
  const m = await loadModel(dir);
  assert.equal(m.vae.config.arch, 'conv');
  assert.ok(Math.abs(m.vae.config.sigma - 0.07) < 1e-6, `σ ${m.vae.config.sigma}`);
  assert.equal(m.vae.variables().length, vae.variables().length);
  assert.deepEqual(Array.from(await decodeZ(m.vae, z)), Array.from(await decodeZ(vae, z)));
  // A learned σ is trained from where it was saved.
  assert.ok(Math.abs(Math.exp(m.vae.variables().at(-1)!.dataSync()[0]!) - 0.07) < 1e-6);
  m.vae.dispose();
  vae.dispose();
});

test('encoder and decoder are standard Layers models: model.json + weights.bin, loadable by tf.loadLayersModel', async () => {
  const { dir, vae } = await savedModelDir();
  for (const part of ['encoder', 'decoder']) {
    const json = JSON.parse(readFileSync(path.join(dir, part, 'model.json'), 'utf8'));
    assert.equal(json.format, 'layers-model');
    assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
    const weights = readFileSync(path.join(dir, part, 'weights.bin'));
    // Load the plain files the way any tfjs program would, with no code of ours.
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
    assert.ok(model.layers.length >= 2);
    model.dispose();
  }
  vae.dispose();
});

test('a broken model folder is a BAD_MODEL error, never a crash', async () => {
  const cases: [string, (dir: string) => Promise<void>, RegExp][] = [
    ['missing manifest', (d) => fs.rm(path.join(d, 'manifest.json')), /manifest\.json is missing/],
    ['manifest not JSON', (d) => fs.writeFile(path.join(d, 'manifest.json'), '{oops'), /not valid JSON/],
    ['manifest of something else', (d) => fs.writeFile(path.join(d, 'manifest.json'), '{"format":"x"}'), /not a Latent Explorer manifest/],
    ['truncated weights', async (d) => fs.truncate(path.join(d, 'decoder', 'weights.bin'), 100), /holds 100 bytes but the model needs/],
    ['missing encoder', (d) => fs.rm(path.join(d, 'encoder'), { recursive: true }), /encoder.*missing/],
    [
      'latent dim disagrees',
      async (d) => {
        const m = JSON.parse(await fs.readFile(path.join(d, 'manifest.json'), 'utf8'));
        m.config.latentDim = 5;
        await fs.writeFile(path.join(d, 'manifest.json'), JSON.stringify(m));
      },
      /do not match the manifest/,
    ],
  ];
  for (const [what, breakIt, pattern] of cases) {
    const { dir, vae } = await savedModelDir();
    vae.dispose();
    await breakIt(dir);
    await assert.rejects(loadModel(dir), (e: unknown) => e instanceof UserError && e.code === 'BAD_MODEL' && pattern.test(e.message), what);
  }
  await assert.rejects(loadModel('/no/such/model'), /is not a model folder/);
});

test('saving over a model replaces it whole; a failed save leaves the old one', async () => {
  const { dir, vae } = await savedModelDir();
  const before = await fs.readFile(path.join(dir, 'decoder', 'weights.bin'));
  // A manifest that fails validation aborts the save before anything is touched.
  await assert.rejects(saveModel(dir, vae, { ...manifest(vae), version: 2 as 1 }));
  assert.deepEqual(await fs.readFile(path.join(dir, 'decoder', 'weights.bin')), before);
  const other = createModel(config, 99);
  // Replacing a model needs the caller's say; without it nothing changes.
  await assert.rejects(saveModel(dir, other, manifest(other)), (e: unknown) => e instanceof UserError && e.code === 'MODEL_EXISTS');
  assert.deepEqual(await fs.readFile(path.join(dir, 'decoder', 'weights.bin')), before);
  await saveModel(dir, other, manifest(other), null, { replace: true });
  assert.notDeepEqual(await fs.readFile(path.join(dir, 'decoder', 'weights.bin')), before);
  const leftovers = (await fs.readdir(path.dirname(dir))).filter((n) => n !== 'model');
  assert.deepEqual(leftovers, [], 'no temporary folders are left behind');
  vae.dispose();
  other.dispose();
});

test('a folder that cannot be written is a WRITE_FAILED error', async () => {
  const vae = createModel(config, 1);
  const file = path.join(tempDir(), 'a-file');
  await fs.writeFile(file, 'x');
  const refused = (reason: RegExp) => (e: unknown) => e instanceof UserError && e.code === 'WRITE_FAILED' && reason.test(e.message);
  await assert.rejects(saveModel(path.join(file, 'model'), vae, manifest(vae)), refused(/a file stands where a folder is needed/));
  await assert.rejects(saveModel(path.join(file, 'deeper', 'model'), vae, manifest(vae)), refused(/a file stands where a folder is needed/));
  // The kernel answers "no such file" for any new folder under /proc; the save
  // must end with that reason instead of retrying for ever.
  await assert.rejects(
    saveModel('/proc/latent-explorer-test/a/model', vae, manifest(vae)),
    refused(/Cannot write \/proc\/latent-explorer-test\/a\/model: a folder on the way does not exist/),
  );
  vae.dispose();
});

test('missing parent folders are created', async () => {
  const vae = createModel(config, 1);
  const dir = path.join(tempDir(), 'new', 'deeper', 'model');
  await saveModel(dir, vae, manifest(vae));
  assert.ok((await fs.stat(path.join(dir, 'manifest.json'))).isFile());
  vae.dispose();
});
