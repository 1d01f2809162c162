import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../contract/errors.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { LIMITS } from '../../contract/limits.js';
import { nearest } from '../../latent/neighbours.js';
import { latentHealth } from '../../latent/health.js';
import { initBackend } from '../../engine/backend.js';
import { loadDataset, parseDataArg } from '../../data/load.js';
import type { Dataset } from '../../data/dataset.js';
import { loadModel, type SavedModel } from '../../model/folder.js';
import { evaluateElbo, evaluateIwae } from '../../latent/evaluate.js';
import { pixelsPerImage, sameShape, shapeOf, subset } from '../../data/dataset.js';
import { bitsPerDim, publishedBinarizedMnist } from '../../contract/figures.js';
import { isBinarized } from '../../data/binarize.js';
import { LoadBar } from '../progress.js';
import { decodeZ, encodeSet, encodeSets, reconstruct } from '../../latent/ops.js';
import { checkPng, writeGridPng } from '../png-out.js';
import { encodedToCsv, neighboursToCsv } from '../../io/csv.js';
import type { Placement } from '../../latent/projection.js';
import { placeMeans } from '../../latent/place-means.js';
import { filesOf, labelsOf, splitsOf } from '../../data/numbering.js';
import { describeProjection } from '../../contract/describe.js';
import type { PointSet, ProjectionSpec } from '../../contract/shapes.js';
import { choiceOption, intOption, numberListOption } from '../parse.js';

interface Loaded {
  model: SavedModel;
  backend: string;
}

async function open(dir: string): Promise<Loaded> {
  const backend = await initBackend();
  return { model: await loadModel(path.resolve(dir)), backend: backend.label };
}

async function dataFor(model: SavedModel, dataArg?: string): Promise<Dataset> {
  const ds = await loadDataset(dataArg ? parseDataArg(dataArg) : model.manifest.dataset.spec);
  const c = model.vae.config;
  if (!sameShape(ds.test, c)) {
    throw new UserError('BAD_SHAPE', `The model takes ${shapeOf(c)} images but ${ds.name} holds ${shapeOf(ds.test)}.`);
  }
  return ds;
}

/** --projection: auto, pca, umap, or dims:a,b[,c]. */
function projectionOption(v: string): string {
  if (!/^(auto|pca|umap|dims:\d+(,\d+){1,2})$/.test(v.trim())) {
    throw new UserError('BAD_CONFIG', `--projection: expected auto, pca, umap or dims: with 2 or 3 latent dims (dims:0,1,2), got "${v}".`);
  }
  return v.trim();
}

/** The projection the options ask for, with a sentence for each option out of range. */
function projectionSpec(o: { projection: string; dims: number; seed: number; neighbours: number }): ProjectionSpec {
  if (o.dims !== 2 && o.dims !== 3) throw new UserError('BAD_CONFIG', `--dims ${o.dims}: a projection has 2 or 3 dims.`);
  const dims = o.dims;
  if (o.projection.startsWith('dims:')) {
    const axes = o.projection.slice(5).split(',').map(Number);
    if (new Set(axes).size !== axes.length) throw new UserError('BAD_CONFIG', `--projection ${o.projection}: choose different latent dims for the axes.`);
    return { method: 'axes', axes };
  }
  if (o.projection === 'pca') return { method: 'pca', dims };
  if (o.projection === 'umap') {
    if (o.seed < 0 || o.seed > 2 ** 31 - 1) throw new UserError('BAD_CONFIG', `--seed ${o.seed}: a seed is from 0 to 2147483647.`);
    if (o.neighbours < 2 || o.neighbours > 100) throw new UserError('BAD_CONFIG', `--neighbours ${o.neighbours}: from 2 to 100.`);
    return { method: 'umap', dims, seed: o.seed, neighbours: o.neighbours };
  }
  return { method: 'auto' };
}

export function registerModelCommands(program: Command): void {
  program
    .command('eval')
    .description('test-set −ELBO, reconstruction and KL in nats; the IWAE bound with --iwae K')
    .requiredOption('--model <dir>', 'model folder')
    .option('--data <source>', 'evaluate on other data of the same image size')
    .option('--iwae <k>', 'importance samples for the IWAE bound (1-5000), computed in batches with progress', intOption('--iwae'))
    .option('--limit <n>', 'evaluate on the first N test images only', intOption('--limit'))
    .option('--json', 'print one JSON object')
    .action(async (o: { model: string; data?: string; iwae?: number; limit?: number; json?: boolean }) => {
      if (o.iwae !== undefined && (o.iwae < 1 || o.iwae > 5000)) throw new UserError('BAD_CONFIG', '--iwae: K must be from 1 to 5000.');
      if (o.limit !== undefined && o.limit < 1) throw new UserError('BAD_CONFIG', '--limit: evaluate at least one image.');
      const { model, backend } = await open(o.model);
      const ds = await dataFor(model, o.data);
      const n = Math.min(ds.test.count, o.limit ?? ds.test.count);
      const test =
        n < ds.test.count
          ? subset(
              ds.test,
              Array.from({ length: n }, (_, i) => i),
            )
          : ds.test;
      const elbo = await evaluateElbo(model.vae, test);
      const health = latentHealth(await encodeSet(model.vae, test));
      let iwae: number | undefined;
      if (o.iwae !== undefined) {
        const bar = new LoadBar(process.stderr, `IWAE k=${o.iwae}`);
        try {
          iwae = await evaluateIwae(model.vae, test, o.iwae, { onProgress: bar.onProgress });
        } finally {
          bar.stop();
        }
      }
      const dims = pixelsPerImage(test);
      const published = isBinarized(ds) && ds.spec.kind === 'mnist' ? publishedBinarizedMnist() : undefined;
      const result = {
        dataset: ds.name,
        images: test.count,
        negElbo: elbo.total,
        negElboBitsPerDim: bitsPerDim(elbo.total, dims),
        recon: elbo.recon,
        kl: elbo.kl,
        activeUnits: health.activeUnits,
        latentDims: health.klPerDim.length,
        klPerDim: health.klPerDim,
        ...(iwae !== undefined ? { iwae, iwaeK: o.iwae, iwaeBitsPerDim: bitsPerDim(iwae, dims) } : {}),
        ...(published ? { published } : {}),
        backend,
      };
      if (o.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      const of = test.count < ds.test.count ? `the first ${test.count} of ${ds.test.count}` : `${test.count}`;
      process.stdout.write(
        `${ds.name} test set, ${of} images [${backend}]\n` +
          `  −ELBO          ${elbo.total.toFixed(2)} nats (${bitsPerDim(elbo.total, dims).toFixed(4)} bits per dimension)\n  reconstruction ${elbo.recon.toFixed(2)} nats\n  KL             ${elbo.kl.toFixed(2)} nats\n` +
          (iwae !== undefined
            ? `  IWAE (k=${o.iwae})   ${iwae.toFixed(2)} nats, ${bitsPerDim(iwae, dims).toFixed(4)} bits per dimension (estimate of −log p(x))\n`
            : '') +
          (published ? `  (${published})\n` : '') +
          `  active units   ${health.activeUnits} of ${health.klPerDim.length} (KL per dim: ${health.klPerDim.map((v) => v.toFixed(2)).join(', ')} nats)\n` +
          (health.activeUnits < health.klPerDim.length
            ? `  ${health.klPerDim.length - health.activeUnits} dim${health.klPerDim.length - health.activeUnits === 1 ? '' : 's'} collapsed to the prior: the decoder gets nothing from ${health.klPerDim.length - health.activeUnits === 1 ? 'it' : 'them'}.\n`
            : ''),
      );
    });

  program
    .command('encode')
    .description('latent means, log-variances and the scatter positions of a split, as CSV, placed with a projection')
    .requiredOption('--model <dir>', 'model folder')
    .requiredOption('--out <file>', 'CSV file to write')
    .option(
      '--split <name>',
      'test, train or both (images numbered test first, then training)',
      choiceOption('--split', ['test', 'train', 'both'] as const),
      'test',
    )
    .option('--projection <how>', 'auto, pca, umap, or latent dims as axes: dims:0,1,2', projectionOption, 'auto')
    .option('--dims <n>', 'scene dims of a PCA or UMAP: 2 or 3', intOption('--dims'), 3)
    .option('--seed <s>', 'UMAP seed: the same seed gives the same picture', intOption('--seed'), 0)
    .option('--neighbours <n>', 'UMAP neighbours (2-100)', intOption('--neighbours'), 15)
    .action(async (o: { model: string; out: string; split: PointSet; projection: string; dims: number; seed: number; neighbours: number }) => {
      const spec = projectionSpec(o);
      const { model } = await open(o.model);
      const ds = await dataFor(model);
      const { first, splits } = splitsOf(ds, o.split);
      const enc = await encodeSets(model.vae, splits);
      const started = performance.now();
      // LoadBars draw only on a terminal; a UMAP fits, then places the rest.
      const bars = { fitting: new LoadBar(process.stderr, 'UMAP fitting'), placing: new LoadBar(process.stderr, 'UMAP placing the rest') };
      const job = placeMeans(enc.mean, enc.count, enc.latentDim, spec, (stage, done, total) => {
        if (stage === 'placing') bars.fitting.stop();
        bars[stage].onProgress(done, total);
      });
      let placed: Placement;
      try {
        placed = await job.done;
        placed.end();
      } finally {
        bars.fitting.stop();
        bars.placing.stop();
      }
      const { positions, info } = placed;
      const numbers = Array.from({ length: enc.count }, (_, i) => first + i);
      await writeFileAtomic(o.out, encodedToCsv(enc, labelsOf(splits), positions, ds.classNames, numbers, filesOf(splits)));
      process.stderr.write(
        `Wrote ${enc.count} rows to ${o.out}: ${describeProjection({ ...info, ms: performance.now() - started }, enc.latentDim, enc.count)}\n`,
      );
    });

  program
    .command('neighbours')
    .description('the k test images nearest in latent space (every dim, not a projection) to a test image or to a z, as CSV, nearest first')
    .requiredOption('--model <dir>', 'model folder')
    .option('--index <i>', 'a test image (itself left out)', intOption('--index'))
    .option('--z <values>', 'latent coordinates, comma separated', numberListOption('--z'))
    .option('--k <k>', `neighbours to list (1 to ${LIMITS.neighbours})`, intOption('--k'), 10)
    .requiredOption('--out <file>', 'CSV file to write')
    .action(async (o: { model: string; index?: number; z?: number[]; k: number; out: string }) => {
      if ((o.index === undefined) === (o.z === undefined))
        throw new UserError('BAD_CONFIG', 'Give either --index I (a test image) or --z a,b,… (a latent point).');
      if (o.k < 1 || o.k > LIMITS.neighbours) throw new UserError('BAD_CONFIG', `--k ${o.k}: list from 1 to ${LIMITS.neighbours} neighbours.`);
      const { model } = await open(o.model);
      const ds = await dataFor(model);
      if (o.index !== undefined && (o.index < 0 || o.index >= ds.test.count)) {
        throw new UserError('BAD_CONFIG', `--index ${o.index}: the test set has images 0 to ${ds.test.count - 1}.`);
      }
      const enc = await encodeSet(model.vae, ds.test);
      const k = enc.latentDim;
      const query = o.index !== undefined ? enc.mean.subarray(o.index * k, (o.index + 1) * k) : Float32Array.from(o.z!);
      if (query.length !== k) throw new UserError('BAD_CONFIG', `--z has ${query.length} values; this model's latent space has ${k} dims.`);
      const found = nearest(enc.mean, k, query, o.k, o.index ?? -1);
      await writeFileAtomic(o.out, neighboursToCsv(found, ds.test.labels, ds.classNames));
      process.stderr.write(`Wrote ${o.out}: the ${found.length} nearest test images, nearest at ${found[0]?.distance.toFixed(3) ?? '–'}.\n`);
    });

  program
    .command('decode')
    .description('decode one latent point to a PNG')
    .requiredOption('--model <dir>', 'model folder')
    .requiredOption('--z <values>', 'latent coordinates, comma separated', numberListOption('--z'))
    .requiredOption('--out <file>', 'PNG file to write')
    .option('--scale <n>', 'magnify each pixel n times', intOption('--scale'), 1)
    .action(async (o: { model: string; z: number[]; out: string; scale: number }) => {
      checkPng(o.out);
      const { model } = await open(o.model);
      const k = model.vae.config.latentDim;
      if (o.z.length !== k) throw new UserError('BAD_CONFIG', `--z: this model has ${k} latent dims; give ${k} comma-separated numbers, not ${o.z.length}.`);
      const px = await decodeZ(model.vae, Float32Array.from(o.z));
      const c = model.vae.config;
      await writeGridPng(o.out, px, 1, c.height, c.width, { scale: o.scale, channels: c.channels ?? 1 }, 'the decoded image');
    });

  program
    .command('reconstruct')
    .description('test images above their reconstructions (decoded means; sampled z with --stochastic), as a PNG')
    .requiredOption('--model <dir>', 'model folder')
    .requiredOption('--out <file>', 'PNG file to write')
    .option('--n <count>', 'how many test images', intOption('--n'), 16)
    .option('--start <index>', 'first test-set index', intOption('--start'), 0)
    .option('--scale <n>', 'magnify each pixel n times', intOption('--scale'), 1)
    .option('--stochastic', 'decode a z sampled from q(z|x) instead of the mean (different for each seed)')
    .option('--seed <s>', 'seed for --stochastic', intOption('--seed'), 0)
    .action(async (o: { model: string; out: string; n: number; start: number; scale: number; stochastic?: boolean; seed: number }) => {
      checkPng(o.out);
      const { model } = await open(o.model);
      const ds = await dataFor(model);
      if (o.n < 1 || o.n > 1000) throw new UserError('BAD_CONFIG', '--n: choose from 1 to 1000 images.');
      if (o.start < 0 || o.start + o.n > ds.test.count) throw new UserError('BAD_CONFIG', `--start/--n: the test set has ${ds.test.count} images.`);
      const picked = subset(
        ds.test,
        Array.from({ length: o.n }, (_, i) => o.start + i),
      );
      const { pixels } = await reconstruct(model.vae, picked, o.stochastic ? 'sample' : 'mean', o.seed);
      const both = new Float32Array(picked.pixels.length * 2);
      both.set(picked.pixels, 0);
      both.set(pixels, picked.pixels.length);
      const c = model.vae.config;
      await writeGridPng(
        o.out,
        both,
        2 * o.n,
        c.height,
        c.width,
        { cols: o.n, scale: o.scale, channels: c.channels ?? 1 },
        `${o.n} test images above their reconstructions`,
      );
    });
}
