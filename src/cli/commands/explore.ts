import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../util/errors.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { initBackend } from '../../engine/backend.js';
import { loadDataset } from '../../data/load.js';
import type { Dataset } from '../../data/dataset.js';
import { loadModel, readManifest, type SavedModel } from '../../model/io.js';
import { subset } from '../../latent/evaluate.js';
import { decodeZ, encodeSet, reconstruct, type ReconstructMode } from '../../latent/ops.js';
import { addNoise, interpolate, manifoldGrid, parseNoise, priorSamples, traverse } from '../../latent/explore.js';
import { encodePng, gridImage } from '../../io/png.js';
import { historyToCsv } from '../../io/csv.js';
import { intOption, numberListOption, numberOption } from '../parse.js';

async function open(dir: string): Promise<SavedModel> {
  await initBackend();
  return loadModel(path.resolve(dir));
}

async function testSet(model: SavedModel): Promise<Dataset> {
  return loadDataset(model.manifest.dataset.spec);
}

function checkIndex(ds: Dataset, i: number, flag: string): void {
  if (i < 0 || i >= ds.test.count) throw new UserError('BAD_CONFIG', `${flag} ${i}: the test set has images 0 to ${ds.test.count - 1}.`);
}

function checkPng(out: string): void {
  if (path.extname(out).toLowerCase() !== '.png') throw new UserError('BAD_CONFIG', `--out ${out}: the file name should end in .png.`);
}

/** Decodes z and writes the images as a grid PNG. */
async function writeDecodedGrid(model: SavedModel, z: Float32Array, cols: number, out: string, scale: number): Promise<void> {
  const px = await decodeZ(model.vae, z);
  const c = model.vae.config;
  await writeFileAtomic(out, encodePng(gridImage(px, z.length / c.latentDim, c.height, c.width, { cols, scale })));
}

async function meansOf(model: SavedModel, ds: Dataset, indices: number[]): Promise<Float32Array> {
  return (await encodeSet(model.vae, subset(ds.test, indices))).mean;
}

const scaleOpt = (cmd: Command) => cmd.option('--scale <n>', 'magnify each pixel n times', intOption('--scale'), 1);

export function registerExploreCommands(program: Command): void {
  scaleOpt(
    program
      .command('interpolate')
      .description('decode the path between the latent means of two test images, as a strip')
      .requiredOption('--model <dir>', 'model folder')
      .requiredOption('--from <index>', 'first test image', intOption('--from'))
      .requiredOption('--to <index>', 'second test image', intOption('--to'))
      .option('--steps <n>', 'images along the path, ends included', intOption('--steps'), 10)
      .option('--spherical', 'follow the arc between the two points instead of the straight line')
      .requiredOption('--out <file>', 'PNG file to write'),
  ).action(async (o: { model: string; from: number; to: number; steps: number; spherical?: boolean; out: string; scale: number }) => {
    checkPng(o.out);
    const model = await open(o.model);
    const ds = await testSet(model);
    checkIndex(ds, o.from, '--from');
    checkIndex(ds, o.to, '--to');
    const k = model.vae.config.latentDim;
    const means = await meansOf(model, ds, [o.from, o.to]);
    const z = interpolate(means.subarray(0, k), means.subarray(k), o.steps, o.spherical ? 'spherical' : 'linear');
    await writeDecodedGrid(model, z, o.steps, o.out, o.scale);
  });

  scaleOpt(
    program
      .command('traverse')
      .description('vary one latent dim at a time around a test image\'s mean: one row per dim')
      .requiredOption('--model <dir>', 'model folder')
      .requiredOption('--index <i>', 'test image whose mean holds the other dims', intOption('--index'))
      .option('--range <r>', 'each dim goes from −r to r', numberOption('--range'), 3)
      .option('--steps <n>', 'images per row', intOption('--steps'), 10)
      .requiredOption('--out <file>', 'PNG file to write'),
  ).action(async (o: { model: string; index: number; range: number; steps: number; out: string; scale: number }) => {
    checkPng(o.out);
    const model = await open(o.model);
    const ds = await testSet(model);
    checkIndex(ds, o.index, '--index');
    const z = traverse(await meansOf(model, ds, [o.index]), o.range, o.steps);
    await writeDecodedGrid(model, z, o.steps, o.out, o.scale);
  });

  scaleOpt(
    program
      .command('sample')
      .description('decode draws from the prior N(0, I), as a grid')
      .requiredOption('--model <dir>', 'model folder')
      .option('--n <count>', 'how many samples', intOption('--n'), 64)
      .option('--seed <s>', 'seed for the draws', intOption('--seed'), 0)
      .requiredOption('--out <file>', 'PNG file to write'),
  ).action(async (o: { model: string; n: number; seed: number; out: string; scale: number }) => {
    checkPng(o.out);
    const model = await open(o.model);
    const z = priorSamples(o.n, model.vae.config.latentDim, o.seed);
    await writeDecodedGrid(model, z, Math.ceil(Math.sqrt(o.n)), o.out, o.scale);
  });

  scaleOpt(
    program
      .command('manifold')
      .description('decode a regular grid over two latent dims (the classic 2D VAE figure)')
      .requiredOption('--model <dir>', 'model folder')
      .option('--dims <i,j>', 'the two latent dims, comma separated', numberListOption('--dims', true), [0, 1])
      .option('--grid <n>', 'images per side', intOption('--grid'), 20)
      .option('--range <r>', 'each dim from −r to r', numberOption('--range'), 3)
      .option('--at <index>', 'hold the other dims at this test image\'s mean (default: 0)', intOption('--at'))
      .requiredOption('--out <file>', 'PNG file to write'),
  ).action(async (o: { model: string; dims: number[]; grid: number; range: number; at?: number; out: string; scale: number }) => {
    checkPng(o.out);
    if (o.dims.length !== 2) throw new UserError('BAD_CONFIG', '--dims: give exactly two dims, e.g. 0,1.');
    const model = await open(o.model);
    const k = model.vae.config.latentDim;
    if (k < 2) throw new UserError('BAD_CONFIG', 'This model has one latent dim; a manifold grid needs two.');
    let base: Float32Array = new Float32Array(k);
    if (o.at !== undefined) {
      const ds = await testSet(model);
      checkIndex(ds, o.at, '--at');
      base = await meansOf(model, ds, [o.at]);
    }
    const z = manifoldGrid(base, [o.dims[0]!, o.dims[1]!], o.grid, o.range);
    await writeDecodedGrid(model, z, o.grid, o.out, o.scale);
  });

  scaleOpt(
    program
      .command('denoise')
      .description('noisy test images (top), their reconstructions (middle) and the clean originals (bottom)')
      .requiredOption('--model <dir>', 'model folder')
      .requiredOption('--noise <kind:amount>', 'gaussian:σ or saltpepper:p', (v: string) => parseNoise(v))
      .option('--n <count>', 'how many test images', intOption('--n'), 16)
      .option('--seed <s>', 'seed for the noise (and for sampling with --stochastic)', intOption('--seed'), 0)
      .option('--stochastic', 'decode a sampled z instead of the mean')
      .requiredOption('--out <file>', 'PNG file to write'),
  ).action(async (o: { model: string; noise: ReturnType<typeof parseNoise>; n: number; seed: number; stochastic?: boolean; out: string; scale: number }) => {
    checkPng(o.out);
    const model = await open(o.model);
    const ds = await testSet(model);
    if (o.n < 1 || o.n > Math.min(1000, ds.test.count)) throw new UserError('BAD_CONFIG', `--n: choose from 1 to ${Math.min(1000, ds.test.count)} images.`);
    const clean = subset(ds.test, Array.from({ length: o.n }, (_, i) => i));
    const noisy = { ...clean, pixels: addNoise(clean.pixels, o.noise, o.seed) };
    const mode: ReconstructMode = o.stochastic ? 'sample' : 'mean';
    const rec = await reconstruct(model.vae, noisy, mode, o.seed);
    const all = new Float32Array(clean.pixels.length * 3);
    all.set(noisy.pixels, 0);
    all.set(rec.pixels, clean.pixels.length);
    all.set(clean.pixels, 2 * clean.pixels.length);
    const c = model.vae.config;
    await writeFileAtomic(o.out, encodePng(gridImage(all, 3 * o.n, c.height, c.width, { cols: o.n, scale: o.scale })));
  });

  program
    .command('history')
    .description('the training history as CSV (epoch, train and test total / reconstruction / KL, seconds)')
    .requiredOption('--model <dir>', 'model folder')
    .requiredOption('--out <file>', 'CSV file to write')
    .action(async (o: { model: string; out: string }) => {
      const manifest = await readManifest(path.resolve(o.model));
      await writeFileAtomic(o.out, historyToCsv(manifest.history));
    });
}
