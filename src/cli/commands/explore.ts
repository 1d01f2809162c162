import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../contract/errors.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { initBackend } from '../../engine/backend.js';
import { loadDataset } from '../../data/load.js';
import type { Dataset, ImageSet } from '../../data/dataset.js';
import { loadModel, readManifest, type SavedModel } from '../../model/folder.js';
import type { ExploreInput } from '../../contract/schemas.js';
import { parseNoise } from '../../latent/explore.js';
import { exploreView } from '../../latent/views.js';
import { checkPng, writeGridPng } from '../png-out.js';
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

/** Runs an explore view (the same one the app shows) and writes its images as a grid PNG. */
async function writeView(model: SavedModel, test: ImageSet, input: ExploreInput, out: string, scale: number): Promise<void> {
  const v = await exploreView(model.vae, test, input);
  const { count, height, width, channels, pixels } = v.images;
  const rows = Math.ceil(count / v.cols);
  await writeGridPng(
    out,
    pixels,
    count,
    height,
    width,
    { cols: v.cols, scale, channels },
    `${count} images in ${rows} row${rows === 1 ? '' : 's'} of ${v.cols}`,
  );
}

/** Views that need no test image still take the model's data shape from an empty set. */
function noImages(model: SavedModel): ImageSet {
  const { height, width } = model.vae.config;
  return { count: 0, height, width, channels: model.vae.config.channels ?? 1, pixels: new Float32Array(0), labels: null };
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
    await writeView(
      model,
      ds.test,
      { kind: 'interpolate', from: o.from, to: o.to, steps: o.steps, path: o.spherical ? 'spherical' : 'linear' },
      o.out,
      o.scale,
    );
  });

  scaleOpt(
    program
      .command('traverse')
      .description("vary one latent dim at a time around a test image's mean: one row per dim")
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
    await writeView(model, ds.test, { kind: 'traverse', index: o.index, range: o.range, steps: o.steps }, o.out, o.scale);
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
    await writeView(model, noImages(model), { kind: 'prior', n: o.n, seed: o.seed }, o.out, o.scale);
  });

  scaleOpt(
    program
      .command('manifold')
      .description('decode a regular grid over two latent dims (the classic 2D VAE figure)')
      .requiredOption('--model <dir>', 'model folder')
      .option('--dims <i,j>', 'the two latent dims, comma separated', numberListOption('--dims', true), [0, 1])
      .option('--grid <n>', 'images per side', intOption('--grid'), 20)
      .option('--range <r>', 'each dim from −r to r', numberOption('--range'), 3)
      .option('--at <index>', "hold the other dims at this test image's mean (default: 0)", intOption('--at'))
      .requiredOption('--out <file>', 'PNG file to write'),
  ).action(async (o: { model: string; dims: number[]; grid: number; range: number; at?: number; out: string; scale: number }) => {
    checkPng(o.out);
    if (o.dims.length !== 2) throw new UserError('BAD_CONFIG', '--dims: give exactly two dims, e.g. 0,1.');
    const model = await open(o.model);
    let test = noImages(model);
    if (o.at !== undefined) {
      const ds = await testSet(model);
      checkIndex(ds, o.at, '--at');
      test = ds.test;
    }
    const input: ExploreInput = { kind: 'manifold', dims: [o.dims[0]!, o.dims[1]!], grid: o.grid, range: o.range, at: o.at ?? null };
    await writeView(model, test, input, o.out, o.scale);
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
    const amount = o.noise.kind === 'gaussian' ? o.noise.sigma : o.noise.p;
    const input: ExploreInput = { kind: 'denoise', noise: o.noise.kind, amount, n: o.n, seed: o.seed, mode: o.stochastic ? 'sample' : 'mean' };
    await writeView(model, ds.test, input, o.out, o.scale);
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
