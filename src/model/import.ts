import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.js';
import type { EncoderRole, ImportedConfig } from '../contract/shapes.js';
import { UserError } from '../contract/errors.js';
import { loadLayersModelFile } from './folder.js';
import { decoderOutputOf, encoderRoles, type EncoderRoles } from './import-roles.js';
import { ImportedVae } from './imported-vae.js';
import { MAX_MODEL_PARAMETERS } from './capacity.js';

export interface ImportRequest {
  /** The encoder's and the decoder's model.json, TensorFlow.js Layers format. */
  encoder: string;
  decoder: string;
  /** What the decoder outputs; by default read from its last layer (a sigmoid means probabilities). */
  decoderOutput?: 'logits' | 'probabilities';
  /** The encoder's outputs' roles in order, where their names do not say. */
  roles?: EncoderRole[];
  likelihood: 'bernoulli' | 'gaussian';
  sigma: number;
}

export interface Imported {
  vae: ImportedVae;
  roles: EncoderRoles;
  decoderOutput: 'logits' | 'probabilities';
  /** Whether the decoder output was read from its last layer rather than given. */
  decoderOutputFound: boolean;
}

/**
 * Brings in a VAE trained elsewhere: loads both networks, finds the roles of
 * the encoder's outputs, and checks every shape against the data before
 * anything is written. Nothing is left allocated when it throws.
 */
export async function importModel(req: ImportRequest, dataset: Dataset): Promise<Imported> {
  // Two networks must fit in what this machine can train: 4 bytes per float32 weight.
  const maxBytes = MAX_MODEL_PARAMETERS * 4;
  const encoder = await loadLayersModelFile(req.encoder, maxBytes).catch((err: unknown) => {
    throw new UserError((err as UserError).code ?? 'BAD_MODEL', `--encoder: ${(err as Error).message}`);
  });
  let decoder: tf.LayersModel | null = null;
  try {
    decoder = await loadLayersModelFile(req.decoder, maxBytes).catch((err: unknown) => {
      throw new UserError((err as UserError).code ?? 'BAD_MODEL', `--decoder: ${(err as Error).message}`);
    });
    const roles = encoderRoles(encoder, req.roles);
    const found = decoderOutputOf(decoder);
    const decoderOutput = req.decoderOutput ?? found;
    const { height, width, channels } = dataset.train;
    const config: ImportedConfig = {
      height,
      width,
      ...(channels === 1 ? {} : { channels }),
      latentDim: roles.latentDim,
      likelihood: req.likelihood,
      sigma: req.sigma,
      arch: 'imported',
      imported: {
        encoderOutputs: roles.layout,
        mean: roles.mean,
        logVar: roles.logVar,
        decoderOutput,
        parameters: encoder.countParams() + decoder.countParams(),
      },
    };
    const vae = ImportedVae.fromModels(config, encoder, decoder);
    return { vae, roles, decoderOutput, decoderOutputFound: req.decoderOutput === undefined };
  } catch (err) {
    encoder.dispose();
    decoder?.dispose();
    throw err;
  }
}
