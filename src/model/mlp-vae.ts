import * as tf from '@tensorflow/tfjs';
import { pixelsPerImage } from '../data/dataset.js';
import type { NativeConfig } from '../contract/shapes.js';
import { dense, type DenseActivation } from './dense.js';
import { mlpObjectiveGradients, type ObjectiveGradients } from './mlp-backprop.js';
import { denseLayers, init } from './init.js';
import { checkedConfig, checkNativeEnds, LayersVae, layerParams, wrapSaved, type LayerParams } from './vae-model.js';

interface DenseParams extends LayerParams<tf.Rank.R2> {
  act: DenseActivation;
}

function paramsOf(model: tf.LayersModel, name: string, act: DenseActivation): DenseParams {
  return { ...layerParams<tf.Rank.R2>(model, name), act };
}

/** Layer names, fixed so saved models are self-describing. */
export const ENCODER_MEAN = 'z_mean';
export const ENCODER_LOG_VAR = 'z_log_var';
export const DECODER_OUT = 'x_logits';
const encHidden = (i: number) => `enc_hidden_${i}`;
const decHidden = (i: number) => `dec_hidden_${i}`;

/** Builds the standard tfjs Layers encoder: x → hidden… → [z_mean, z_log_var]. */
function buildEncoder(cfg: NativeConfig, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [pixelsPerImage(cfg)], name: 'x' });
  const { h, width } = denseLayers(input, pixelsPerImage(cfg), cfg.hidden, cfg.activation, encHidden, seed);
  const mean = tf.layers.dense({ units: cfg.latentDim, name: ENCODER_MEAN, ...init(width, seed + 100) }).apply(h);
  const logVar = tf.layers.dense({ units: cfg.latentDim, name: ENCODER_LOG_VAR, ...init(width, seed + 101) }).apply(h);
  return tf.model({ inputs: input, outputs: [mean as tf.SymbolicTensor, logVar as tf.SymbolicTensor], name: 'encoder' });
}

/** Builds the decoder, mirroring the encoder: z → hidden (reversed)… → pixel logits. */
function buildDecoder(cfg: NativeConfig, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [cfg.latentDim], name: 'z' });
  const { h, width: fanIn } = denseLayers(input, cfg.latentDim, [...cfg.hidden].reverse(), cfg.activation, decHidden, seed + 200);
  const out = tf.layers.dense({ units: pixelsPerImage(cfg), name: DECODER_OUT, ...init(fanIn, seed + 300) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'decoder' });
}

/**
 * The MLP VAE: a tfjs Layers encoder and decoder (what is saved and loaded),
 * with a forward pass over the same variables through the fast dense op (what
 * is trained). The decoder produces logits; sigmoid is applied once, in `pixels`.
 */
export class MlpVae extends LayersVae {
  private readonly enc: DenseParams[];
  private readonly encMean: DenseParams;
  private readonly encLogVar: DenseParams;
  private readonly dec: DenseParams[];

  private constructor(config: NativeConfig, encoder: tf.LayersModel, decoder: tf.LayersModel) {
    super(config, encoder, decoder);
    this.enc = config.hidden.map((_, i) => paramsOf(encoder, encHidden(i), config.activation));
    this.encMean = paramsOf(encoder, ENCODER_MEAN, 'linear');
    this.encLogVar = paramsOf(encoder, ENCODER_LOG_VAR, 'linear');
    this.dec = [...config.hidden.map((_, i) => paramsOf(decoder, decHidden(i), config.activation)), paramsOf(decoder, DECODER_OUT, 'linear')];
  }

  /**
   * A new, randomly initialised VAE; the same seed gives the same weights.
   * A model too big to train on this machine is refused before any tensor exists.
   */
  static create(config: NativeConfig, seed = 0): MlpVae {
    const c = checkedConfig(config);
    return new MlpVae(c, buildEncoder(c, seed), buildDecoder(c, seed));
  }

  /** Wraps loaded Layers networks after checking them against the configuration; the caller disposes them when this throws. */
  static fromModels(config: NativeConfig, encoder: tf.LayersModel, decoder: tf.LayersModel): MlpVae {
    return wrapSaved(config, encoder, decoder, checkNativeEnds, () => new MlpVae(config, encoder, decoder));
  }

  protected networkVariables(): tf.Variable[] {
    const all = [...this.enc, this.encMean, this.encLogVar, ...this.dec];
    return all.flatMap((p) => [p.kernel, p.bias]);
  }

  /** q(z|x): mean and log-variance. Differentiable. */
  encode(x: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    let h = x;
    this.enc.forEach((p, i) => {
      h = dense(h, p.kernel, p.bias, p.act, i > 0);
    });
    const first = this.enc.length === 0;
    return {
      mean: dense(h, this.encMean.kernel, this.encMean.bias, 'linear', !first),
      logVar: dense(h, this.encLogVar.kernel, this.encLogVar.bias, 'linear', !first),
    };
  }

  /** The objective's gradients by hand (mlp-backprop.ts); a learned σ goes through the tape instead. */
  objectiveGradients(x: tf.Tensor2D, klWeight: number, seed: number, target: tf.Tensor2D = x): ObjectiveGradients | null {
    if (this.likelihoodLearns()) return null;
    const layers = { enc: this.enc, mean: this.encMean, logVar: this.encLogVar, dec: this.dec };
    return mlpObjectiveGradients(layers, x, (l, xs) => this.nll(l, xs), klWeight, seed, target);
  }

  /** p(x|z) parameters as logits, one row of pixels per z. Differentiable. */
  decodeLogits(z: tf.Tensor2D): tf.Tensor2D {
    let h = z;
    for (const p of this.dec) h = dense(h, p.kernel, p.bias, p.act, true);
    return h;
  }
}
