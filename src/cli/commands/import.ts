import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../contract/errors.js';
import { DEFAULT_MODEL, DEFAULT_TRAIN } from '../../contract/defaults.js';
import { bitsPerDim } from '../../contract/figures.js';
import { initBackend } from '../../engine/backend.js';
import { loadDataset, parseDataArg } from '../../data/load.js';
import { pixelsPerImage, shapeOf } from '../../data/dataset.js';
import { importedElbo } from '../../latent/evaluate.js';
import { saveModel } from '../../model/folder.js';
import { checkSaveTarget } from '../../model/save-target.js';
import { importModel } from '../../model/import.js';
import type { EncoderRole } from '../../contract/shapes.js';
import { manifestFor } from '../../train/trainer.js';
import { choiceOption, numberOption } from '../parse.js';
import { DECODER_OUTPUTS, ENCODER_ROLES, LIKELIHOODS } from '../../contract/shapes.js';

interface ImportOpts {
  encoder: string;
  decoder: string;
  data: string;
  out: string;
  decoderOutput?: 'logits' | 'probabilities';
  roles?: EncoderRole[];
  likelihood: 'bernoulli' | 'gaussian';
  sigma: number;
  force?: boolean;
}

function rolesOption(v: string): EncoderRole[] {
  const roles = v.split(',').map((r) => r.trim());
  const bad = roles.find((r) => !(ENCODER_ROLES as readonly string[]).includes(r));
  if (bad !== undefined) throw new UserError('BAD_CONFIG', `--roles: expected mean, logvar and z in the encoder's output order, got "${bad}".`);
  return roles as EncoderRole[];
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('bring in a VAE trained elsewhere (TensorFlow.js Layers encoder and decoder) as a model folder to explore')
    .requiredOption(
      '--encoder <model.json>',
      "the encoder: x → mean and log-variance (two outputs, one of twice the latent size, or Keras' mean, log-variance, z)",
    )
    .requiredOption('--decoder <model.json>', 'the decoder: z → pixels')
    .requiredOption('--data <source>', 'the data it was trained on: mnist, fashion, an IDX folder or file, or a folder of images')
    .requiredOption('--out <dir>', 'model folder to write')
    .option(
      '--decoder-output <kind>',
      'logits or probabilities (default: probabilities when the last layer is a sigmoid)',
      choiceOption('--decoder-output', DECODER_OUTPUTS),
    )
    .option('--roles <list>', "the encoder's outputs in order, where their names do not say: e.g. mean,logvar or mean,logvar,z", rolesOption)
    .option('--likelihood <name>', 'bernoulli or gaussian, as it was trained', choiceOption('--likelihood', LIKELIHOODS), DEFAULT_MODEL.likelihood)
    .option('--sigma <s>', 'σ of a Gaussian likelihood', numberOption('--sigma'), DEFAULT_MODEL.sigma)
    .option('--force', 'replace the model in --out (a folder of anything else is never replaced)')
    .action(async (o: ImportOpts) => {
      const out = path.resolve(o.out);
      try {
        await checkSaveTarget(out, Boolean(o.force));
      } catch (err) {
        if (err instanceof UserError) throw new UserError(err.code, `--out: ${err.message}${err.code === 'MODEL_EXISTS' ? ' Add --force to replace it.' : ''}`);
        throw err;
      }
      const backend = await initBackend();
      const dataset = await loadDataset(parseDataArg(o.data));
      const imported = await importModel(
        {
          encoder: path.resolve(o.encoder),
          decoder: path.resolve(o.decoder),
          decoderOutput: o.decoderOutput,
          roles: o.roles,
          likelihood: o.likelihood,
          sigma: o.sigma,
        },
        dataset,
      );
      const { vae, roles } = imported;
      try {
        const metrics = await importedElbo(vae, dataset.test, 'check --decoder-output and --likelihood');
        const manifest = { ...manifestFor(vae, dataset, DEFAULT_TRAIN, []), metrics };
        const written = await saveModel(out, vae, manifest, null, { replace: Boolean(o.force) });
        const dims = pixelsPerImage(dataset.test);
        process.stdout.write(
          `Imported a VAE for ${shapeOf(dataset.test)} images, latent ${vae.config.latentDim}, ${vae.config.arch === 'imported' ? vae.config.imported.parameters.toLocaleString('en-US') : ''} parameters [${backend.label}]\n` +
            `  encoder outputs: ${roles.how}\n` +
            `  decoder output:  ${imported.decoderOutput}${imported.decoderOutputFound ? ' (read from its last layer; --decoder-output to change)' : ''}\n` +
            `  ${dataset.name} test −ELBO ${metrics.total.toFixed(2)} nats (${bitsPerDim(metrics.total, dims).toFixed(4)} bits per dimension): reconstruction ${metrics.recon.toFixed(2)}, KL ${metrics.kl.toFixed(2)}\n` +
            `Saved to ${written}\n`,
        );
      } finally {
        vae.dispose();
      }
    });
}
