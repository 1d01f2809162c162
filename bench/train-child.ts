// One thread count's share of `npm run bench`: bench/train.ts starts this once
// per thread count with LATENT_EXPLORER_THREADS set (the wasm backend reads it
// once per process). It trains the main model (default 784-512-3) on MNIST,
// one conv epoch on a few thousand images, and a stock tfjs Layers VAE with
// optimizer.minimize, encodes all 70,000 images, decodes one z at a time and a
// batch of 1,000, counts tensors, and prints one JSON line (a ChildResult) on
// stdout; progress goes to stderr.
//   LATENT_EXPLORER_THREADS=1 node --import tsx bench/train-child.ts --epochs 1 --conv-limit 256 --baseline-steps 5
import * as tf from '@tensorflow/tfjs';
import { initBackend, requestedThreads } from '../src/engine/backend.js';
import { loadDataset } from '../src/data/load.js';
import { gatherPixels, headOf, pixelsPerImage, type Dataset } from '../src/data/dataset.js';
import { DEFAULT_FILTERS, DEFAULT_MODEL, DEFAULT_TRAIN } from '../src/contract/defaults.js';
import type { NativeConfig } from '../src/contract/shapes.js';
import { createModel } from '../src/model/architectures.js';
import { parameterCount } from '../src/model/capacity.js';
import type { VaeModel } from '../src/model/vae-model.js';
import { train } from '../src/train/trainer.js';
import { evaluateIwae } from '../src/latent/evaluate.js';
import { decodeZ, encodeSet } from '../src/latent/ops.js';
import { Rng } from '../src/util/rng.js';
import { benchOptions, MNIST_TRAIN, STEPS_PER_EPOCH, type BenchOptions, type ChildResult, type EpochLine } from './train-options.js';

const opts = benchOptions(process.argv.slice(2));
const B = DEFAULT_TRAIN.batchSize;
const tick = () => new Promise<void>((r) => setImmediate(r));
const seconds = (since: number) => (performance.now() - since) / 1000;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

const backend = await initBackend();
const tag = `[${requestedThreads()} thread${requestedThreads() > 1 ? 's' : ''}]`;
const progress = (line: string) => process.stderr.write(`${tag} ${line}\n`);
progress(`backend ${backend.label}${backend.notes.length ? ` (${backend.notes.join('; ')})` : ''}`);
const dataset = await loadDataset({ kind: 'mnist' });
const start = tf.memory().numTensors;

// 1. The main model (default 784-512-3), trained for --epochs epochs.
const mainConfig: NativeConfig = {
  ...DEFAULT_MODEL,
  latentDim: opts.latent,
  hidden: opts.hidden,
  ...(opts.arch === 'conv' ? { arch: 'conv' as const, filters: opts.filters } : {}),
  height: 28,
  width: 28,
};
const vae = createModel(mainConfig, DEFAULT_TRAIN.seed);
const mainBefore = tf.memory().numTensors;
const epochs: EpochLine[] = [];
// CPU time over wall time while training: how many cores were busy on average.
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
const result = await train({
  vae,
  dataset,
  backend: backend.label,
  config: { ...DEFAULT_TRAIN, epochs: opts.epochs, limit: opts.limit },
  onEpoch: (r) => {
    const line = {
      epoch: r.epoch,
      seconds: r.seconds,
      imagesPerSecond: r.samplesPerSecond,
      msPerStep: (1000 * B) / r.samplesPerSecond,
      trainElbo: r.train.total,
      testElbo: r.test.total,
      testRecon: r.test.recon,
      testKl: r.test.kl,
    };
    epochs.push(line);
    progress(`main model epoch ${r.epoch}/${opts.epochs}: ${r.seconds.toFixed(1)} s, ${line.msPerStep.toFixed(1)} ms/step`);
  },
});
const cpu = process.cpuUsage(cpuStart);
const coresBusy = (cpu.user + cpu.system) / 1000 / (performance.now() - wallStart);
const mainAfter = tf.memory().numTensors;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
let iwae: ChildResult['main']['iwae'] = null;
if (opts.iwae > 0) {
  const t = performance.now();
  const nats = await evaluateIwae(vae, dataset.test, opts.iwae);
  iwae = { k: opts.iwae, nats, seconds: seconds(t) };
}

// 4. Encode all 70,000 images (train and test, as the app encodes a set: 1,000 at a time).
const encode = await timeEncode(vae, dataset);
progress(`encoded ${encode.images} images in ${encode.seconds.toFixed(1)} s`);

// 5. Decode one z at a time, then a batch of 1,000.
const decode = await timeDecode(vae, opts.decodeN);
progress(`decode 1 z p50 ${decode.p50.toFixed(2)} ms; 1,000 z ${decode.batchMs.toFixed(1)} ms`);
vae.dispose();

// 2. The conv model: one epoch on --conv-limit images, after a one-batch warm-up; its test −ELBO is not reported, so 500 test images do.
const convConfig: NativeConfig = { ...DEFAULT_MODEL, arch: 'conv', filters: [...DEFAULT_FILTERS], hidden: [256], latentDim: 16, height: 28, width: 28 };
const conv = createModel(convConfig, DEFAULT_TRAIN.seed);
const convData: Dataset = { ...dataset, test: headOf(dataset.test, 500) };
await train({ vae: conv, dataset: convData, backend: backend.label, config: { ...DEFAULT_TRAIN, epochs: 1, limit: B } });
const convBefore = tf.memory().numTensors;
const convRun = await train({ vae: conv, dataset: convData, backend: backend.label, config: { ...DEFAULT_TRAIN, epochs: 1, limit: opts.convLimit } });
const convAfter = tf.memory().numTensors;
conv.dispose();
const convEpoch = convRun.history.at(-1)!;
const convImages = Math.min(opts.convLimit, dataset.train.count);
progress(`conv model: ${convImages} images in ${convEpoch.seconds.toFixed(1)} s`);

// 3. The stock-tfjs baseline.
const baseline = await stockBaseline(dataset, opts);
progress(`stock tfjs baseline: ${baseline.msPerStep.toFixed(1)} ms/step`);

const out: ChildResult = {
  kind: 'latent-explorer-train-bench',
  requestedThreads: requestedThreads(),
  backend: { name: backend.name, label: backend.label, threads: backend.threads, notes: backend.notes },
  main: {
    layout: layoutOf(mainConfig),
    parameters: parameterCount(mainConfig),
    images: opts.limit > 0 ? Math.min(opts.limit, dataset.train.count) : dataset.train.count,
    epochs,
    meanSeconds: mean(epochs.map((e) => e.seconds)),
    meanMsPerStep: mean(epochs.map((e) => e.msPerStep)),
    coresBusy,
    testElbo: result.metrics?.total ?? null,
    iwae,
  },
  conv: {
    layout: layoutOf(convConfig),
    parameters: parameterCount(convConfig),
    images: convImages,
    seconds: convEpoch.seconds,
    secondsPer60k: (convEpoch.seconds * MNIST_TRAIN) / convImages,
    msPerStep: (1000 * B) / convEpoch.samplesPerSecond,
  },
  baseline: { ...baseline, layout: `784-${opts.hidden.join('-')}-${opts.latent}` },
  encode,
  decode,
  tensors: { start, mainBefore, mainAfter, convBefore, convAfter, baselineBefore: baseline.before, baselineAfter: baseline.after, end: tf.memory().numTensors },
};
process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(0));

function layoutOf(c: NativeConfig): string {
  return c.arch === 'conv' ? `conv ${c.filters!.join('-')}, dense ${c.hidden.join('-')}-${c.latentDim}` : `784-${c.hidden.join('-')}-${c.latentDim}`;
}

async function timeEncode(model: VaeModel, data: Dataset): Promise<ChildResult['encode']> {
  const t = performance.now();
  const a = await encodeSet(model, data.train, 1000);
  const b = await encodeSet(model, data.test, 1000);
  const s = seconds(t);
  const images = a.count + b.count;
  return { images, seconds: s, imagesPerSecond: images / s };
}

async function timeDecode(model: VaeModel, n: number): Promise<ChildResult['decode']> {
  const k = model.config.latentDim;
  const rng = new Rng(7);
  const zs = (count: number) => Float32Array.from({ length: count * k }, () => rng.normal());
  for (let i = 0; i < 5; i++) await decodeZ(model, zs(1));
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = zs(1);
    const t = performance.now();
    await decodeZ(model, z);
    times.push(performance.now() - t);
  }
  const batch = 1000;
  const zb = zs(batch);
  await decodeZ(model, zb);
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await decodeZ(model, zb);
    runs.push(performance.now() - t);
  }
  return { n, p50: pct(times, 50), p95: pct(times, 95), batch, batchMs: pct(runs, 50) };
}

/**
 * A VAE written the way the TensorFlow.js examples write one: Layers
 * networks of the same architecture (784 → dense relu → z_mean, z_log_var;
 * z → dense relu → 784 logits), the reparameterisation trick, the batch mean
 * of the summed sigmoid cross-entropy plus KL, and
 * `tf.train.adam(lr).minimize(() => loss, true, vars)` on batches of 128
 * shuffled (grey, as the main model sees them) MNIST images.
 */
async function stockBaseline(data: Dataset, o: BenchOptions) {
  const d = pixelsPerImage(data.train);
  const x = tf.input({ shape: [d] });
  let h = x;
  for (const units of o.hidden) h = tf.layers.dense({ units, activation: 'relu' }).apply(h) as tf.SymbolicTensor;
  const zMean = tf.layers.dense({ units: o.latent, name: 'stock_z_mean' }).apply(h) as tf.SymbolicTensor;
  const zLogVar = tf.layers.dense({ units: o.latent, name: 'stock_z_log_var' }).apply(h) as tf.SymbolicTensor;
  const encoder = tf.model({ inputs: x, outputs: [zMean, zLogVar] });
  const decoder = tf.sequential();
  [...o.hidden].reverse().forEach((units, i) => decoder.add(tf.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [o.latent] } : {}) })));
  decoder.add(tf.layers.dense({ units: d, ...(o.hidden.length === 0 ? { inputShape: [o.latent] } : {}) }));
  const vars = [...encoder.trainableWeights, ...decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.adam(DEFAULT_TRAIN.learningRate);

  const loss = (batch: tf.Tensor2D): tf.Scalar => {
    const [mu, logVar] = encoder.apply(batch) as tf.Tensor2D[];
    const eps = tf.randomNormal(mu!.shape);
    const z = mu!.add(logVar!.mul(0.5).exp().mul(eps));
    const logits = decoder.apply(z) as tf.Tensor2D;
    const rec = tf.losses.sigmoidCrossEntropy(batch, logits, undefined, 0, tf.Reduction.NONE).sum(1);
    const kl = logVar!.add(1).sub(mu!.square()).sub(logVar!.exp()).sum(1).mul(-0.5);
    return rec.add(kl).mean();
  };

  const order = new Rng(DEFAULT_TRAIN.seed).shuffle(Uint32Array.from({ length: data.train.count }, (_, i) => i));
  const xBuf = new Float32Array(B * d);
  let lastLoss = NaN;
  const step = (i: number) => {
    const at = (i * B) % (order.length - B);
    const xs = tf.tensor2d(gatherPixels(data.train, order.subarray(at, at + B), xBuf), [B, d]);
    const cost = optimizer.minimize(() => loss(xs), true, vars)!;
    lastLoss = cost.dataSync()[0]!;
    tf.dispose([xs, cost]);
  };
  for (let i = 0; i < o.baselineWarmup; i++) {
    step(i);
    await tick();
  }
  const before = tf.memory().numTensors;
  const t = performance.now();
  for (let i = 0; i < o.baselineSteps; i++) {
    step(o.baselineWarmup + i);
    await tick();
  }
  const msPerStep = (performance.now() - t) / o.baselineSteps;
  const after = tf.memory().numTensors;
  optimizer.dispose();
  encoder.dispose();
  decoder.dispose();
  return { steps: o.baselineSteps, warmup: o.baselineWarmup, msPerStep, secondsPerEpoch: (msPerStep * STEPS_PER_EPOCH) / 1000, lastLoss, before, after };
}
