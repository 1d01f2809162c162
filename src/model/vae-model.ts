import * as tf from '@tensorflow/tfjs';
import { NativeConfigSchema, type ModelConfig, type NativeConfig } from '../contract/shapes.js';
import { UserError } from '../contract/errors.js';
import { pixelsPerImage } from '../data/dataset.js';
import { checkModelSize, parameterCount } from './capacity.js';
import { describeIssues } from './config.js';
import { Likelihood } from './likelihood.js';
import type { ObjectiveGradients } from './mlp-backprop.js';

/**
 * What every VAE architecture offers the engine: q(z|x) as mean and
 * log-variance, p(x|z) as logits (sigmoid applied once, in `pixels`) and its
 * negative log-likelihood, its trainable variables in a fixed order, and an
 * encoder and a decoder in the standard TensorFlow.js Layers format for saving.
 */
export interface VaeModel {
  /** The configuration, with a learned σ at its current value. */
  readonly config: ModelConfig;
  /** x → [z_mean, z_log_var], saved as a Layers model. */
  readonly encoder: tf.LayersModel;
  /** z → pixel logits, saved as a Layers model. */
  readonly decoder: tf.LayersModel;
  /** Every trainable variable, in a fixed order (the optimiser state relies on it). */
  variables(): tf.Variable[];
  /** q(z|x): mean and log-variance. Differentiable. */
  encode(x: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D };
  /** p(x|z) parameters as logits, one row of pixels per z. Differentiable. */
  decodeLogits(z: tf.Tensor2D): tf.Tensor2D;
  /** −log p(x|z) per example under the model's likelihood, summed over pixels and channels. Differentiable. */
  nll(logits: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D;
  /** Pixels in [0, 1] for a batch of z. */
  pixels(z: tf.Tensor2D): tf.Tensor2D;
  /**
   * The training objective's gradients written out by hand, where the
   * architecture has them (in `variables()` order, with the batch sums of
   * recon and KL); null or absent where tfjs' tape must take them.
   */
  objectiveGradients?(x: tf.Tensor2D, klWeight: number, seed: number, target?: tf.Tensor2D): ObjectiveGradients | null;
  dispose(): void;
}

/** Kernel and bias of a layer, as the variables training updates in place. */
export interface LayerParams<R extends tf.Rank> {
  kernel: tf.Variable<R>;
  bias: tf.Variable<tf.Rank.R1>;
}

/** The kernel and bias of a named layer; training through them updates the Layers model in place. */
export function layerParams<R extends tf.Rank>(model: tf.LayersModel, name: string): LayerParams<R> {
  const [k, b] = model.getLayer(name).trainableWeights;
  if (!k || !b) throw new UserError('BAD_MODEL', `Layer ${name} has no kernel and bias.`);
  // LayerVariable.read() hands back the tf.Variable itself.
  return { kernel: k.read() as tf.Variable<R>, bias: b.read() as tf.Variable<tf.Rank.R1> };
}

/** A configuration checked by its schema and against this machine's capacity; a sentence naming the field otherwise. */
export function checkedConfig(config: NativeConfig): NativeConfig {
  const parsed = NativeConfigSchema.safeParse(config);
  if (!parsed.success) throw new UserError('BAD_CONFIG', describeIssues(parsed.error));
  checkModelSize(parsed.data);
  return parsed.data;
}

/** The ends of networks built here: flat pixels in, [z_mean, z_log_var] out of the encoder, z in and flat pixels out of the decoder. */
export function checkNativeEnds(config: ModelConfig, encoder: tf.LayersModel, decoder: tf.LayersModel): void {
  const d = pixelsPerImage(config);
  const outs = encoder.outputs.map((o) => o.shape);
  const ok =
    encoder.inputs[0]?.shape[1] === d &&
    outs.length === 2 &&
    outs.every((s) => s[1] === config.latentDim) &&
    decoder.inputs[0]?.shape[1] === config.latentDim &&
    decoder.outputs[0]?.shape[1] === d;
  if (!ok) throw new UserError('BAD_MODEL', `The saved networks do not match the manifest (expected ${d} pixels and latent dim ${config.latentDim}).`);
}

/**
 * Builds a model around loaded Layers networks after checking their ends
 * (`checkEnds`, the architecture's own) and size against the manifest's
 * configuration (hidden widths are not visible in the ends' shapes, so the
 * parameter count stands in for them). The caller disposes the networks when
 * this throws.
 */
export function wrapSaved<C extends ModelConfig, T>(
  config: C,
  encoder: tf.LayersModel,
  decoder: tf.LayersModel,
  checkEnds: (config: C, encoder: tf.LayersModel, decoder: tf.LayersModel) => void,
  make: () => T,
): T {
  checkModelSize(config);
  checkEnds(config, encoder, decoder);
  const held = encoder.countParams() + decoder.countParams();
  if (held !== parameterCount(config)) {
    throw new UserError('BAD_MODEL', `The saved networks hold ${held} parameters but the manifest describes a model with ${parameterCount(config)}.`);
  }
  try {
    return make();
  } catch (err) {
    throw new UserError('BAD_MODEL', `The saved networks do not have the expected layers: ${(err as Error).message}`);
  }
}

/**
 * What the architectures share: the Layers networks, the likelihood (and a
 * learned σ), sigmoid applied once in `pixels`, and disposal.
 */
export abstract class LayersVae implements VaeModel {
  private readonly likelihood: Likelihood;

  protected constructor(
    config: ModelConfig,
    readonly encoder: tf.LayersModel,
    readonly decoder: tf.LayersModel,
  ) {
    this.likelihood = new Likelihood(config);
  }

  get config(): ModelConfig {
    return this.likelihood.current();
  }

  /** The networks' kernels and biases, in a fixed order. */
  protected abstract networkVariables(): tf.Variable[];
  abstract encode(x: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D };
  abstract decodeLogits(z: tf.Tensor2D): tf.Tensor2D;

  variables(): tf.Variable[] {
    return [...this.networkVariables(), ...this.likelihood.variables()];
  }

  nll(logits: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D {
    return this.likelihood.nll(logits, x);
  }

  /** Whether the likelihood has parameters of its own to train (a learned σ). */
  protected likelihoodLearns(): boolean {
    return this.likelihood.variables().length > 0;
  }

  /** Pixels in [0, 1] for a batch of z: the one place sigmoid turns logits into an image. */
  pixels(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.sigmoid(this.decodeLogits(z)));
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
    this.likelihood.dispose();
  }
}
