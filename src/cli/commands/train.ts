import path from 'node:path';
import type { Command } from 'commander';
import { parseNoise } from '../../latent/explore.js';
import { UserError } from '../../contract/errors.js';
import { LIMITS } from '../../contract/limits.js';
import { TRAINING_LIMITS } from '../../contract/fields.js';
import { checkSaveTarget } from '../../model/save-target.js';
import { readManifest } from '../../model/folder.js';
import { parseDataArg } from '../../data/load.js';
import { loadedFromCache, skippedFiles } from '../../data/dataset.js';
import type { DataSpec } from '../../contract/shapes.js';
import { describeIssues } from '../../model/config.js';
import { ACTIVATIONS, ARCHITECTURES, LIKELIHOODS, type Architecture } from '../../contract/shapes.js';
import { DEFAULT_FILTERS, DEFAULT_MODEL, DEFAULT_TRAIN } from '../../contract/defaults.js';
import { prepareTraining, TrainRequestSchema, type TrainRequest } from '../../train/prepare.js';
import { TrainingJob } from '../../train/training-job.js';
import { initBackend } from '../../engine/backend.js';
import { choiceOption, FLAG_OF, intOption, numberListOption, numberOption } from '../parse.js';
import { LoadBar, loadedLine, TrainReporter } from '../progress.js';

interface TrainOpts {
  out: string;
  data?: string;
  labels?: string;
  imageSize?: number;
  channels?: 1 | 3;
  labelsCsv?: string;
  labelColumn?: string;
  binarize?: boolean;
  from?: string;
  force?: boolean;
  latent: number;
  hidden: number[];
  activation: (typeof ACTIVATIONS)[number];
  arch: Architecture;
  filters?: number[];
  likelihood: 'bernoulli' | 'gaussian';
  sigma: number;
  learnSigma?: boolean;
  epochs: number;
  batch: number;
  lr: number;
  beta: number;
  warmup: number;
  seed: number;
  limit: number;
  denoise?: string;
  json?: boolean;
}

/** Fills --image-size, --channels and the labels CSV into an image folder's spec; they mean nothing for IDX data. */
function imageOptions(data: DataSpec, o: TrainOpts): DataSpec {
  const given = (
    [
      ['--image-size', o.imageSize],
      ['--channels', o.channels],
      ['--labels-csv', o.labelsCsv],
      ['--label-column', o.labelColumn],
    ] as const
  ).find(([, v]) => v !== undefined);
  if (!given) return data;
  const flag = given[0];
  if (data.kind !== 'images') {
    throw new UserError('BAD_CONFIG', `${flag} applies to a folder of images only; --data ${o.data ?? 'mnist'} is IDX data with a fixed size and one channel.`);
  }
  if (o.labelColumn !== undefined && o.labelsCsv === undefined) {
    throw new UserError('BAD_CONFIG', '--label-column names a column of --labels-csv; give --labels-csv too.');
  }
  if (o.imageSize !== undefined && (o.imageSize < 4 || o.imageSize > 256)) {
    throw new UserError('BAD_CONFIG', `--image-size: expected a size from 4 to 256 pixels, got ${o.imageSize}.`);
  }
  return {
    ...data,
    ...(o.imageSize !== undefined && { size: o.imageSize }),
    ...(o.channels !== undefined && { channels: o.channels }),
    // Absolute, so that the spec recorded in the model names the same file from any folder.
    ...(o.labelsCsv !== undefined && { labels: path.resolve(o.labelsCsv) }),
    ...(o.labelColumn !== undefined && { labelColumn: o.labelColumn }),
  };
}

/** Marks grey IDX data for dynamic binarisation with --binarize. */
function binarizeOption(data: DataSpec, o: TrainOpts): DataSpec {
  if (!o.binarize) return data;
  if (data.kind === 'images') {
    throw new UserError(
      'BAD_CONFIG',
      `--binarize applies to grey IDX data (mnist, fashion, an IDX folder or file); --data ${o.data ?? 'mnist'} is a folder of images.`,
    );
  }
  return { ...data, binarize: 'dynamic' };
}

/**
 * The data to train on: --data with its options; when continuing a model
 * (--from) without --data, the data it was trained on, as its manifest
 * records it (binarisation, image size and labels included).
 */
async function dataOption(o: TrainOpts): Promise<DataSpec> {
  if (o.data === undefined && o.from !== undefined) {
    const given = (
      [
        ['--binarize', o.binarize],
        ['--image-size', o.imageSize],
        ['--channels', o.channels],
        ['--labels', o.labels],
        ['--labels-csv', o.labelsCsv],
        ['--label-column', o.labelColumn],
      ] as const
    ).find(([, v]) => v !== undefined);
    if (given) throw new UserError('BAD_CONFIG', `${given[0]} describes --data; with --from and no --data the model's own data is used as it was.`);
    return (await readManifest(path.resolve(o.from))).dataset.spec;
  }
  return binarizeOption(imageOptions(parseDataArg(o.data ?? 'mnist', o.labels), o), o);
}

/** Builds and validates the request; every problem is reported with the flag that caused it. */
export async function trainRequestFromOptions(o: TrainOpts): Promise<TrainRequest> {
  if (o.filters && o.arch !== 'conv') throw new UserError('BAD_CONFIG', '--filters sizes the convolutions of a conv model; add --arch conv.');
  if (o.learnSigma && o.likelihood !== 'gaussian')
    throw new UserError('BAD_CONFIG', '--learn-sigma learns the σ of a Gaussian likelihood; add --likelihood gaussian.');
  const out = path.resolve(o.out);
  // --force replaces a model folder and nothing else; continuing a model in place needs no --force.
  const continuingInPlace = o.from !== undefined && path.resolve(o.from) === out;
  try {
    await checkSaveTarget(out, Boolean(o.force) || continuingInPlace);
  } catch (err) {
    if (err instanceof UserError && err.code === 'MODEL_EXISTS') throw new UserError('MODEL_EXISTS', `--out: ${err.message} Add --force to replace it.`);
    if (err instanceof UserError) throw new UserError(err.code, `--out: ${err.message}`);
    throw err;
  }
  const request = {
    data: await dataOption(o),
    model: o.from
      ? { kind: 'continue' as const, dir: path.resolve(o.from) }
      : {
          kind: 'new' as const,
          latentDim: o.latent,
          hidden: o.hidden,
          activation: o.activation,
          ...(o.arch === 'conv' ? { arch: o.arch, ...(o.filters ? { filters: o.filters } : {}) } : {}),
          likelihood: o.likelihood,
          sigma: o.sigma,
          ...(o.learnSigma ? { learnSigma: true } : {}),
        },
    training: {
      epochs: o.epochs,
      batchSize: o.batch,
      learningRate: o.lr,
      beta: o.beta,
      warmupEpochs: o.warmup,
      seed: o.seed,
      limit: o.limit,
      ...(o.denoise ? { denoise: denoiseOption(o.denoise) } : {}),
    },
    out,
  };
  const parsed = TrainRequestSchema.safeParse(request);
  if (!parsed.success) {
    const msg = parsed.error.issues
      .map((i) => {
        const field = String(i.path.at(-1) ?? '');
        const flag = FLAG_OF[field] ?? (typeof i.path.at(-1) === 'number' ? FLAG_OF[String(i.path.at(-2))] : undefined);
        return `${flag ?? i.path.join('.')}: ${i.message}`;
      })
      .join('; ');
    throw new UserError('BAD_CONFIG', msg || describeIssues(parsed.error));
  }
  return parsed.data;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a VAE; the model folder is checkpointed at every epoch end')
    .requiredOption('--out <dir>', 'model folder to write')
    .option(
      '--data <source>',
      "mnist (the default), fashion, a folder of the four IDX files, a folder of images (one subfolder per class), or an IDX image file; with --from, the model's own data unless given",
    )
    .option('--image-size <n>', 'resize the images of an image folder to n×n (4-256)', intOption('--image-size'))
    .option('--channels <n>', 'read an image folder as grey (1) or RGB (3)', (v: string) => Number(choiceOption('--channels', ['1', '3'] as const)(v)) as 1 | 3)
    .option('--labels <file>', 'IDX label file to go with an IDX image file')
    .option('--labels-csv <file>', 'CSV giving the class of each file of an image folder: a "file" column of relative paths, then the labels')
    .option('--label-column <name>', 'the --labels-csv column that holds the class (default: the column after "file")')
    .option('--binarize', 'binarise grey IDX data dynamically: each training batch drawn afresh, the test set once (the standard for MNIST likelihoods)')
    .option('--from <dir>', 'continue training a saved model')
    .option('--force', 'replace the model in --out (a folder of anything else is never replaced)')
    .option('--latent <n>', `latent dimensions (1-${LIMITS.latentDim})`, intOption('--latent'), DEFAULT_MODEL.latentDim)
    .option('--hidden <sizes>', 'hidden layer sizes, comma separated', numberListOption('--hidden', true), DEFAULT_MODEL.hidden)
    .option('--activation <name>', `hidden activation: ${ACTIVATIONS.join(', ')}`, choiceOption('--activation', ACTIVATIONS), DEFAULT_MODEL.activation)
    .option('--arch <name>', 'mlp (dense layers) or conv (strided convolutions, then the --hidden dense layers)', choiceOption('--arch', ARCHITECTURES), 'mlp')
    .option(
      '--filters <sizes>',
      `filters of each stride-2 convolution of a conv model, comma separated (default ${DEFAULT_FILTERS.join(',')})`,
      numberListOption('--filters', true),
    )
    .option('--likelihood <name>', 'bernoulli (images near black and white) or gaussian', choiceOption('--likelihood', LIKELIHOODS), DEFAULT_MODEL.likelihood)
    .option('--sigma <s>', 'σ of the Gaussian likelihood (where learning starts with --learn-sigma)', numberOption('--sigma'), DEFAULT_MODEL.sigma)
    .option('--learn-sigma', 'learn the Gaussian σ with the weights')
    .option('--epochs <n>', `epochs to train (1-${TRAINING_LIMITS.epochs})`, intOption('--epochs'), DEFAULT_TRAIN.epochs)
    .option('--batch <n>', `batch size (1-${TRAINING_LIMITS.batchSize})`, intOption('--batch'), DEFAULT_TRAIN.batchSize)
    .option('--lr <rate>', `Adam learning rate (above 0, at most ${TRAINING_LIMITS.learningRate})`, numberOption('--lr'), DEFAULT_TRAIN.learningRate)
    .option('--beta <b>', `KL weight β (0-${TRAINING_LIMITS.beta})`, numberOption('--beta'), DEFAULT_TRAIN.beta)
    .option(
      '--warmup <epochs>',
      `ramp the KL weight from 0 to β over this many epochs (0-${TRAINING_LIMITS.warmupEpochs})`,
      numberOption('--warmup'),
      DEFAULT_TRAIN.warmupEpochs,
    )
    .option('--seed <n>', 'seed for a reproducible run', intOption('--seed'), DEFAULT_TRAIN.seed)
    .option('--limit <n>', 'train on the first N training images only', intOption('--limit'), DEFAULT_TRAIN.limit)
    .option('--denoise <noise>', 'train a denoising VAE: noise on the input, the clean image as the target (gaussian:σ or saltpepper:p, e.g. gaussian:0.3)')
    .option('--json', 'print one JSON object per epoch on stdout, nothing else')
    .action(async (o: TrainOpts) => {
      const request = await trainRequestFromOptions(o);
      const reporter = new TrainReporter(Boolean(o.json));
      const backend = await initBackend();
      if (backend.warning) process.stderr.write(`${backend.warning}\n`);
      const bar = new LoadBar();
      let prepared;
      try {
        prepared = await prepareTraining(request, { onProgress: bar.onProgress });
      } finally {
        bar.stop();
      }
      const { dataset, vae, history, adamState } = prepared;
      if (request.data.kind === 'images') {
        // stderr, so that --json keeps stdout to one JSON object per epoch.
        const line = loadedLine({
          count: dataset.train.count + dataset.test.count,
          classes: dataset.classNames?.length ?? null,
          folder: request.data.path,
          fromCache: loadedFromCache(dataset),
          skipped: skippedFiles(dataset),
        });
        process.stderr.write(`${line}\n`);
      }
      const run = new TrainingJob({ vae, dataset, config: request.training, backend: backend.label, history, adamState, out: request.out }, (e) =>
        reporter.handle(e),
      );
      let interrupts = 0;
      const onSigint = () => {
        interrupts += 1;
        if (interrupts > 1) process.exit(130);
        reporter.stopBar();
        process.stderr.write('Stopping after this batch (Ctrl-C again to quit at once)…\n');
        run.stop();
      };
      process.on('SIGINT', onSigint);
      try {
        const result = await run.done;
        reporter.stopBar();
        if (!o.json) {
          const m = result.metrics;
          process.stderr.write(
            result.stopped
              ? `Stopped. ${result.history.length > 0 ? `${request.out} holds epoch ${result.history.at(-1)!.epoch}.` : 'No epoch had finished; nothing was saved.'}\n`
              : `Done: test −ELBO ${m?.total.toFixed(2)} nats. Model in ${request.out}\n`,
          );
        }
      } finally {
        reporter.stopBar();
        process.off('SIGINT', onSigint);
        vae.dispose();
      }
    });
}

/** --denoise gaussian:0.3 or saltpepper:0.2, as the training settings hold it. */
function denoiseOption(text: string): { noise: 'gaussian'; amount: number } | { noise: 'saltpepper'; amount: number } {
  try {
    const n = parseNoise(text);
    return n.kind === 'gaussian' ? { noise: 'gaussian', amount: n.sigma } : { noise: 'saltpepper', amount: n.p };
  } catch (err) {
    throw new UserError('BAD_CONFIG', `--denoise: ${(err as Error).message}`);
  }
}
