import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../../src/data/load.js';
import type { Dataset } from '../../src/data/dataset.js';
import { createModel } from '../../src/model/architectures.js';
import { loadModel, readManifest } from '../../src/model/folder.js';
import { type TrainConfig } from '../../src/contract/shapes.js';
import { DEFAULT_TRAIN } from '../../src/contract/defaults.js';
import { stopOutcome } from '../../src/train/outcome.js';
import { addNoise } from '../../src/latent/explore.js';
import { reconstruct } from '../../src/latent/ops.js';
import { train } from '../../src/train/trainer.js';
import { PauseGate } from '../../src/train/pause-gate.js';
import { UserError } from '../../src/contract/errors.js';
import { setupTf } from '../helpers/tf.js';
import { tempDir, writeSyntheticFolder } from '../helpers/fixtures.js';

let data: Dataset;
let backend: string;
before(async () => {
  backend = await setupTf();
  data = await loadDataset({ kind: 'folder', path: writeSyntheticFolder({ train: 256, test: 64, h: 8, w: 6 }) });
});

const arch = { height: 8, width: 6, latentDim: 2, hidden: [32], activation: 'relu' as const, likelihood: 'bernoulli' as const, sigma: 0.1 };
const cfg = (over: Partial<TrainConfig> = {}): TrainConfig => ({ ...DEFAULT_TRAIN, epochs: 4, batchSize: 32, learningRate: 0.01, seed: 7, ...over });

test('training lowers the loss, reports every epoch, and leaks no tensor from epoch to epoch', async () => {
  const vae = createModel(arch, 7);
  const counts: number[] = [];
  let batches = 0;
  const result = await train({
    vae,
    dataset: data,
    config: cfg({ epochs: 5 }),
    backend,
    progressIntervalMs: 0,
    onBatch: (p) => {
      batches++;
      assert.ok(p.samplesPerSecond > 0 && Number.isFinite(p.etaSeconds));
    },
    onEpoch: () => counts.push(tf.memory().numTensors),
  });
  assert.equal(result.history.length, 5);
  assert.equal(batches, 5 * 8);
  assert.equal(new Set(counts).size, 1, `tensor counts per epoch: ${counts.join(', ')}`);
  const first = result.history[0]!;
  const last = result.history.at(-1)!;
  assert.ok(last.test.total < first.test.total - 5, `test −ELBO ${first.test.total} → ${last.test.total}`);
  for (const r of result.history) {
    assert.ok(Math.abs(r.train.total - (r.train.recon + r.train.kl)) < 1e-3);
    assert.ok(r.test.kl >= 0 && r.test.recon > 0);
    assert.equal(r.backend, backend);
  }
  vae.dispose();
});

test('a seeded run reproduces its numbers; another seed does not', async () => {
  const run = async (seed: number) => {
    const vae = createModel(arch, seed);
    const r = await train({ vae, dataset: data, config: cfg({ epochs: 2, seed }), backend });
    vae.dispose();
    return r.history.map((h) => [h.train.total, h.test.total]);
  };
  const a = await run(3);
  const b = await run(3);
  const c = await run(4);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('KL warm-up ramps the weight and β scales it', async () => {
  const vae = createModel(arch, 1);
  const r = await train({ vae, dataset: data, config: cfg({ epochs: 3, warmupEpochs: 4, beta: 2 }), backend });
  // The weight reported is the one used in the epoch's last batch: (e − 1 + 7/8) / 4 · β.
  r.history.forEach((h, i) => assert.ok(Math.abs(h.klWeight - ((i + 7 / 8) / 4) * 2) < 1e-9));
  vae.dispose();
});

test('each epoch end writes a checkpoint that loads and can continue training, with the history', async () => {
  const out = path.join(tempDir(), 'ckpt');
  const vae = createModel(arch, 2);
  const seen: number[] = [];
  await train({ vae, dataset: data, config: cfg({ epochs: 2 }), backend, out, onCheckpoint: (_d, e) => seen.push(e) });
  vae.dispose();
  assert.deepEqual(seen, [1, 2]);
  const saved = await loadModel(out);
  assert.equal(saved.manifest.history.length, 2);
  assert.ok(saved.adamState && saved.adamState.m.length === saved.vae.variables().length);
  const more = await train({
    vae: saved.vae,
    dataset: data,
    config: cfg({ epochs: 2 }),
    backend,
    out,
    history: saved.manifest.history,
    adamState: saved.adamState,
  });
  assert.deepEqual(
    more.history.map((h) => h.epoch),
    [1, 2, 3, 4],
  );
  assert.equal((await readManifest(out)).history.length, 4);
  saved.vae.dispose();
});

test('continuing from a checkpoint matches a run that was never interrupted', async () => {
  const straight = createModel(arch, 6);
  const full = await train({ vae: straight, dataset: data, config: cfg({ epochs: 3 }), backend });
  straight.dispose();
  const out = path.join(tempDir(), 'resume');
  const first = createModel(arch, 6);
  await train({ vae: first, dataset: data, config: cfg({ epochs: 1 }), backend, out });
  first.dispose();
  const saved = await loadModel(out);
  const rest = await train({
    vae: saved.vae,
    dataset: data,
    config: cfg({ epochs: 2 }),
    backend,
    history: saved.manifest.history,
    adamState: saved.adamState,
  });
  assert.deepEqual(
    rest.history.map((h) => h.train),
    full.history.map((h) => h.train),
  );
  assert.deepEqual(
    rest.history.map((h) => h.test),
    full.history.map((h) => h.test),
  );
  saved.vae.dispose();
});

test('a NaN loss stops the run with a clear error and leaves the last good checkpoint intact', async () => {
  const out = path.join(tempDir(), 'nan');
  const vae = createModel(arch, 2);
  await train({ vae, dataset: data, config: cfg({ epochs: 1 }), backend, out });
  vae.dispose();
  const before = await fs.readFile(path.join(out, 'decoder', 'weights.bin'));
  const saved = await loadModel(out);
  await assert.rejects(
    train({ vae: saved.vae, dataset: data, config: cfg({ epochs: 3, learningRate: 1e30 }), backend, out, history: saved.manifest.history }),
    (e: unknown) => e instanceof UserError && e.code === 'NOT_FINITE' && /checkpoint of epoch 1 .* is intact/.test(e.message),
  );
  assert.deepEqual(await fs.readFile(path.join(out, 'decoder', 'weights.bin')), before);
  assert.equal((await readManifest(out)).history.length, 1);
  // The model in memory is back at the checkpoint's weights, so it can still be explored, saved and continued.
  const checkpoint = await loadModel(out);
  const weights = (v: { variables(): tf.Variable[] }) => v.variables().map((x) => Array.from(x.dataSync()));
  assert.deepEqual(weights(saved.vae), weights(checkpoint.vae));
  checkpoint.vae.dispose();
  saved.vae.dispose();
});

test('a stop inside an epoch sets its batches aside: the weights and Adam are those of the last finished epoch', async () => {
  const vae = createModel(arch, 4);
  const first = await train({ vae, dataset: data, config: cfg({ epochs: 1 }), backend });
  const weights = () => vae.variables().map((x) => Array.from(x.dataSync()));
  const afterEpoch1 = weights();
  const abort = new AbortController();
  const result = await train({
    vae,
    dataset: data,
    config: cfg({ epochs: 3 }),
    backend,
    history: first.history,
    adamState: first.adamState,
    signal: abort.signal,
    progressIntervalMs: 0,
    onBatch: (p) => {
      if (p.epoch === 2 && p.batch === 3) abort.abort();
    },
  });
  assert.equal(result.stopped, true);
  assert.deepEqual(result.stoppedAt, { epoch: 2, batch: 3, batches: 8 });
  assert.equal(result.history.length, 1, 'epoch 2 did not finish');
  assert.deepEqual(weights(), afterEpoch1, 'the three batches of epoch 2 were set aside');
  assert.equal(result.adamState?.iterations, first.adamState?.iterations, "Adam's state is that of epoch 1 too");
  assert.deepEqual(
    result.adamState?.m.map((m) => Array.from(m)),
    first.adamState?.m.map((m) => Array.from(m)),
  );
  assert.match(
    stopOutcome(result)!,
    /^Stopped during epoch 2, after 3 of its 8 batches\. The model keeps the weights of epoch 1, the last one finished; those batches were set aside, so Continue starts epoch 2 afresh\.$/,
  );
  vae.dispose();
});

test('an abort signal stops between batches; a paused run makes no progress until resumed', async () => {
  const vae = createModel(arch, 1);
  const gate = new PauseGate();
  const abort = new AbortController();
  let batches = 0;
  const running = train({
    vae,
    dataset: data,
    config: cfg({ epochs: 50 }),
    backend,
    gate,
    signal: abort.signal,
    progressIntervalMs: 0,
    onBatch: (p) => {
      batches++;
      if (p.epoch === 1 && p.batch === 3) gate.pause();
    },
  });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(batches, 3, 'no batch ran while paused');
  gate.resume();
  await new Promise((r) => setTimeout(r, 50));
  abort.abort();
  const result = await running;
  assert.ok(batches > 3, 'training went on after resume');
  assert.equal(result.stopped, true);
  assert.ok(result.history.length < 50);
  vae.dispose();
});

test('a model for other image sizes is refused before training starts', async () => {
  const vae = createModel({ ...arch, height: 28, width: 28 }, 1);
  await assert.rejects(train({ vae, dataset: data, config: cfg(), backend }), /takes 28×28 images but .* holds 8×6/);
  vae.dispose();
});

test('a denoising VAE: the encoder sees noisy copies, the reconstruction is scored against the clean batch', async () => {
  const vae = createModel(arch, 3);
  const seen: { input: Float32Array; target: Float32Array }[] = [];
  const recorder = new Proxy(vae, {
    get(target, prop, receiver) {
      if (prop === 'objectiveGradients') {
        return (x: tf.Tensor2D, w: number, seed: number, t?: tf.Tensor2D) => {
          seen.push({ input: x.dataSync() as Float32Array, target: (t ?? x).dataSync() as Float32Array });
          return target.objectiveGradients!(x, w, seed, t);
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const result = await train({ vae: recorder, dataset: data, config: cfg({ epochs: 1, denoise: { noise: 'gaussian', amount: 0.3 } }), backend });
  assert.equal(seen.length, 8, 'one record a batch');
  for (const { input, target } of seen) {
    assert.notDeepEqual(input, target, 'the input is noisy');
    assert.ok(
      input.every((v) => v >= 0 && v <= 1),
      'noisy pixels stay in [0, 1]',
    );
    const rows = new Set(Array.from({ length: target.length / 48 }, (_, r) => Array.from(target.subarray(r * 48, r * 48 + 48)).join()));
    const clean = new Set(Array.from({ length: data.train.count }, (_, i) => Array.from(data.train.pixels.subarray(i * 48, i * 48 + 48)).join()));
    assert.ok(
      [...rows].every((r) => clean.has(r)),
      'the target rows are training images, untouched',
    );
  }
  assert.ok(Number.isFinite(result.metrics!.total));
  vae.dispose();
});

test('trained with noise, a model takes noise away better than one trained on clean images', async () => {
  const noisyTest = addNoise(data.test.pixels, { kind: 'gaussian', sigma: 0.4 }, 9);
  const error = async (denoise: boolean) => {
    const vae = createModel({ ...arch, latentDim: 4, hidden: [64] }, 5);
    await train({ vae, dataset: data, config: cfg({ epochs: 12, ...(denoise ? { denoise: { noise: 'gaussian' as const, amount: 0.4 } } : {}) }), backend });
    const rec = await reconstruct(vae, { ...data.test, pixels: noisyTest }, 'mean');
    vae.dispose();
    return rec.pixels.reduce((s, v, i) => s + (v - data.test.pixels[i]!) ** 2, 0) / rec.pixels.length;
  };
  const plain = await error(false);
  const denoiser = await error(true);
  assert.ok(denoiser < plain, `squared error against the clean images: denoiser ${denoiser.toFixed(4)}, plain ${plain.toFixed(4)}`);
});
