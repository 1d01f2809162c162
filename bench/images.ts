// Benchmarks a folder of colour images end to end: makes (once) a folder of
// synthetic 32×32 RGB PNGs in 10 class subfolders (coloured shapes drawn from a
// seed), loads it with the app's own loader twice (first decode into a fresh,
// empty cache, then from that cache), and trains a conv VAE on it for
// --epochs epochs, then an MLP for one epoch, printing per epoch seconds,
// images per second, ms per step, train and test −ELBO in nats and in bits
// per dimension, and the tensor counts before and after.
//   node --import tsx bench/images.ts [--count 10000] [--epochs 1] [--seed 1]
//   npm run bench:images -- --count 2000
// The image folder is kept under the system temp folder
// (latent-explorer-bench-images-<count>-<seed>) and reused by later runs; the
// cache folder is a new temp folder each run, deleted at the end.
import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { initBackend } from '../src/engine/backend.js';
import { loadDataset } from '../src/data/load.js';
import { loadedFromCache, skippedFiles, type Dataset } from '../src/data/dataset.js';
import { DEFAULT_TRAIN } from '../src/contract/defaults.js';
import { bitsPerDim } from '../src/contract/figures.js';
import type { NativeConfig } from '../src/contract/shapes.js';
import { createModel } from '../src/model/architectures.js';
import { parameterCount } from '../src/model/capacity.js';
import { train } from '../src/train/trainer.js';
import { Rng } from '../src/util/rng.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    epochs: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
  },
});
const count = Number(values.count);
const epochs = Number(values.epochs);
const seed = Number(values.seed);
if (!Number.isInteger(count) || count < 20) throw new Error(`--count must be a whole number of at least 20, not ${values.count}`);
if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`--epochs must be a whole number of at least 1, not ${values.epochs}`);

const SIZE = 32;
const CHANNELS = 3;
const DIMS = SIZE * SIZE * CHANNELS;
const BATCH = 128;
/** PNGs written at once: enough to keep sharp's threads busy. */
const WRITE_CONCURRENCY = 16;

/** Whether (u, v), in units of the shape's radius about its centre, lies inside each class's shape. */
const SHAPES: [string, (u: number, v: number) => boolean][] = [
  ['circle', (u, v) => u * u + v * v <= 1],
  ['square', (u, v) => Math.max(Math.abs(u), Math.abs(v)) <= 0.8],
  ['triangle', (u, v) => v >= -0.9 && v <= 0.8 && Math.abs(u) <= (v + 0.9) / 1.7],
  ['diamond', (u, v) => Math.abs(u) + Math.abs(v) <= 1],
  ['ring', (u, v) => u * u + v * v <= 1 && u * u + v * v >= 0.36],
  ['plus', (u, v) => (Math.abs(u) <= 0.3 && Math.abs(v) <= 1) || (Math.abs(v) <= 0.3 && Math.abs(u) <= 1)],
  ['cross', (u, v) => Math.max(Math.abs(u), Math.abs(v)) <= 0.85 && (Math.abs(u - v) <= 0.4 || Math.abs(u + v) <= 0.4)],
  ['frame', (u, v) => Math.max(Math.abs(u), Math.abs(v)) <= 0.85 && Math.max(Math.abs(u), Math.abs(v)) >= 0.5],
  ['ellipse', (u, v) => u * u + 4 * v * v <= 1],
  ['half-disc', (u, v) => u * u + v * v <= 1 && v >= 0],
];
const classDir = (c: number) => `${c}-${SHAPES[c]![0]}`;

/** Image i: its class is i mod 10; colours, size and position come from (seed, i) alone. */
function drawImage(i: number): { cls: number; rgb: Buffer } {
  const cls = i % SHAPES.length;
  const inside = SHAPES[cls]![1];
  const rng = new Rng(Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b));
  const r = 6 + rng.next() * 6;
  const cx = r + rng.next() * (SIZE - 2 * r);
  const cy = r + rng.next() * (SIZE - 2 * r);
  // A dark background and a bright, saturated shape colour, so every shape stands out.
  const bg = [0, 1, 2].map(() => rng.next() * 90);
  const fg = [0, 1, 2].map(() => 60 + rng.next() * 195);
  fg[Math.floor(rng.next() * 3)] = 200 + rng.next() * 55;
  const rgb = Buffer.alloc(DIMS);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      // 2×2 samples per pixel give smooth edges.
      let cover = 0;
      for (const [sx, sy] of [
        [0.25, 0.25],
        [0.75, 0.25],
        [0.25, 0.75],
        [0.75, 0.75],
      ] as const) {
        if (inside((x + sx - cx) / r, (y + sy - cy) / r)) cover += 0.25;
      }
      for (let c = 0; c < CHANNELS; c++) rgb[(y * SIZE + x) * CHANNELS + c] = Math.round(bg[c]! + cover * (fg[c]! - bg[c]!));
    }
  }
  return { cls, rgb };
}

async function pngCount(dir: string): Promise<number> {
  let n = 0;
  for (let c = 0; c < SHAPES.length; c++) {
    const names = await fs.readdir(path.join(dir, classDir(c))).catch(() => [] as string[]);
    n += names.filter((f) => f.endsWith('.png')).length;
  }
  return n;
}

/** The image folder, made in a side folder and renamed into place, so a run cut short never leaves half a folder. */
async function imageFolder(): Promise<string> {
  const dir = path.join(os.tmpdir(), `latent-explorer-bench-images-${count}-${seed}`);
  if ((await pngCount(dir)) === count) {
    console.log(`images: reusing ${dir} (${count} PNGs)`);
    return dir;
  }
  await fs.rm(dir, { recursive: true, force: true });
  const partial = `${dir}.partial-${process.pid}`;
  await fs.rm(partial, { recursive: true, force: true });
  for (let c = 0; c < SHAPES.length; c++) await fs.mkdir(path.join(partial, classDir(c)), { recursive: true });
  const t = performance.now();
  for (let i = 0; i < count; i += WRITE_CONCURRENCY) {
    const batch = Array.from({ length: Math.min(WRITE_CONCURRENCY, count - i) }, (_, k) => i + k);
    await Promise.all(
      batch.map((j) => {
        const { cls, rgb } = drawImage(j);
        const file = path.join(partial, classDir(cls), `${String(j).padStart(6, '0')}.png`);
        return sharp(rgb, { raw: { width: SIZE, height: SIZE, channels: CHANNELS } })
          .png()
          .toFile(file);
      }),
    );
  }
  await fs.rename(partial, dir);
  const s = (performance.now() - t) / 1000;
  console.log(`images: generated ${count} PNGs in ${dir} in ${s.toFixed(1)} s (${Math.round(count / s)} images/s)`);
  return dir;
}

async function dirBytes(dir: string): Promise<number> {
  const names = await fs.readdir(dir, { recursive: true });
  let bytes = 0;
  for (const n of names) {
    const st = await fs.stat(path.join(dir, n));
    if (st.isFile()) bytes += st.size;
  }
  return bytes;
}

async function timedLoad(label: string, dir: string): Promise<Dataset> {
  const t = performance.now();
  const ds = await loadDataset({ kind: 'images', path: dir, size: SIZE, channels: CHANNELS });
  const s = (performance.now() - t) / 1000;
  const n = ds.train.count + ds.test.count;
  console.log(
    `${label.padEnd(12)} ${s.toFixed(2).padStart(7)} s  ${Math.round(n / s)
      .toString()
      .padStart(7)} images/s  ${ds.train.count} train + ${ds.test.count} test, ` +
      `${ds.train.height}×${ds.train.width}×${ds.train.channels}, ${ds.classNames?.length ?? 0} classes, ` +
      `fromCache ${loadedFromCache(ds)}, skipped ${skippedFiles(ds).length}`,
  );
  return ds;
}

const f2 = (n: number, w: number) => n.toFixed(2).padStart(w);
const f4 = (n: number, w: number) => n.toFixed(4).padStart(w);

async function trainOne(dataset: Dataset, backend: string, name: string, model: NativeConfig, runEpochs: number): Promise<void> {
  const vae = createModel(model, DEFAULT_TRAIN.seed);
  console.log(
    `\n${name}: ${parameterCount(model).toLocaleString('en-US')} parameters, likelihood ${model.likelihood}` +
      `${model.likelihood === 'gaussian' ? ` σ=${model.sigma}` : ''}, batch ${BATCH}, Adam ${DEFAULT_TRAIN.learningRate}, ${runEpochs} epoch${runEpochs === 1 ? '' : 's'}, ` +
      `${Math.ceil(dataset.train.count / BATCH)} steps/epoch`,
  );
  console.log('epoch  seconds  img/s  ms/step  train −ELBO  train b/d  test −ELBO  test b/d  test rec  test KL');
  const tensorsBefore = tf.memory().numTensors;
  const t = performance.now();
  const result = await train({
    vae,
    dataset,
    backend,
    config: { ...DEFAULT_TRAIN, epochs: runEpochs, batchSize: BATCH },
    onEpoch: (r) => {
      const msPerStep = (1000 * r.seconds) / Math.ceil(dataset.train.count / BATCH);
      console.log(
        `${String(r.epoch).padStart(5)}  ${r.seconds.toFixed(1).padStart(7)}  ${Math.round(r.samplesPerSecond).toString().padStart(5)}  ${msPerStep.toFixed(1).padStart(7)}` +
          `  ${f2(r.train.total, 11)}  ${f4(bitsPerDim(r.train.total, DIMS), 9)}  ${f2(r.test.total, 10)}  ${f4(bitsPerDim(r.test.total, DIMS), 8)}` +
          `  ${f2(r.test.recon, 8)}  ${f2(r.test.kl, 7)}`,
      );
    },
  });
  const wall = (performance.now() - t) / 1000;
  const tensorsAfter = tf.memory().numTensors;
  vae.dispose();
  console.log(
    `${name}: wall ${wall.toFixed(1)} s including test evaluation; tensors ${tensorsBefore} → ${tensorsAfter} (after dispose ${tf.memory().numTensors})` +
      `${result.stopped ? '; STOPPED early' : ''}`,
  );
}

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'latent-explorer-bench-data-'));
// loadDataset caches decoded image folders under userDataDir()/cache, read when it is called.
process.env.LATENT_EXPLORER_DATA_DIR = dataDir;
try {
  const backend = await initBackend();
  console.log(`backend ${backend.name}${backend.notes.length ? ` (${backend.notes.join('; ')})` : ''}; ${os.cpus().length} CPUs; node ${process.version}`);
  console.log(`tensors at start: ${tf.memory().numTensors}`);
  const dir = await imageFolder();
  console.log(`folder: ${((await dirBytes(dir)) / 1e6).toFixed(1)} MB of PNG; cache in ${path.join(dataDir, 'cache')} (empty)`);
  await timedLoad('first load', dir);
  const cacheBytes = await dirBytes(path.join(dataDir, 'cache')).catch(() => 0);
  console.log(`cache: ${(cacheBytes / 1e6).toFixed(1)} MB written`);
  const dataset = await timedLoad('second load', dir);
  if (!loadedFromCache(dataset)) console.log('WARNING: the second load did not come from the cache');

  const base = { height: SIZE, width: SIZE, channels: CHANNELS, latentDim: 16, activation: 'relu', likelihood: 'gaussian', sigma: 0.1 } as const;
  await trainOne(dataset, backend.name, 'conv 32-64, dense 256, latent 16', { ...base, arch: 'conv', filters: [32, 64], hidden: [256] }, epochs);
  await trainOne(dataset, backend.name, 'mlp 3072-512-16', { ...base, arch: 'mlp', hidden: [512] }, 1);
  console.log(`\ntensors at end: ${tf.memory().numTensors}`);
} finally {
  await fs.rm(dataDir, { recursive: true, force: true });
}
