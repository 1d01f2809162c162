import * as tf from '@tensorflow/tfjs';
import { pixelsPerImage } from '../data/dataset.js';
import { UserError } from '../contract/errors.js';
import { describeIssues } from './config.js';
import { ModelConfigSchema, type ModelConfig } from '../contract/shapes.js';
import { dense, type DenseActivation } from './dense.js';
import { checkModelSize, parameterCount } from './capacity.js';
import type { VaeModel } from './vae-model.js';

interface DenseParams {
  kernel: tf.Variable<tf.Rank.R2>;
  bias: tf.Variable<tf.Rank.R1>;
  act: DenseActivation;
}

function paramsOf(model: tf.LayersModel, name: string, act: DenseActivation): DenseParams {
  const layer = model.getLayer(name);
  const [k, b] = layer.trainableWeights;
  if (!k || !b) throw new UserError('BAD_MODEL', `Layer ${name} has no kernel and bias.`);
  // LayerVariable.read() hands back the tf.Variable itself, so training through
  // these updates the Layers model in place.
  return { kernel: k.read() as tf.Variable<tf.Rank.R2>, bias: b.read() as tf.Variable<tf.Rank.R1>, act };
}

/** Layer names, fixed so saved models are self-describing. */
export const ENCODER_MEAN = 'z_mean';
export const ENCODER_LOG_VAR = 'z_log_var';
export const DECODER_OUT = 'x_logits';
const encHidden = (i: number) => `enc_hidden_${i}`;
const decHidden = (i: number) => `dec_hidden_${i}`;

/**
 * Weights and biases uniform in ±1/√fan_in, the initialisation of the classic
 * PyTorch VAE: with a 3-unit latent layer feeding 512 units it starts the
 * decoder with much larger weights than Glorot would, and trains to a lower
 * −ELBO in the same number of epochs.
 */
function init(
  fanIn: number,
  seed: number,
): { kernelInitializer: ReturnType<typeof tf.initializers.randomUniform>; biasInitializer: ReturnType<typeof tf.initializers.randomUniform> } {
  const limit = 1 / Math.sqrt(fanIn);
  return {
    kernelInitializer: tf.initializers.randomUniform({ minval: -limit, maxval: limit, seed }),
    biasInitializer: tf.initializers.randomUniform({ minval: -limit, maxval: limit, seed: seed + 50000 }),
  };
}

/** Builds the standard tfjs Layers encoder: x → hidden… → [z_mean, z_log_var]. */
function buildEncoder(cfg: ModelConfig, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [pixelsPerImage(cfg)], name: 'x' });
  let h: tf.SymbolicTensor = input;
  let fanIn = pixelsPerImage(cfg);
  cfg.hidden.forEach((units, i) => {
    h = tf.layers.dense({ units, activation: cfg.activation, name: encHidden(i), ...init(fanIn, seed + i) }).apply(h) as tf.SymbolicTensor;
    fanIn = units;
  });
  const mean = tf.layers.dense({ units: cfg.latentDim, name: ENCODER_MEAN, ...init(fanIn, seed + 100) }).apply(h);
  const logVar = tf.layers.dense({ units: cfg.latentDim, name: ENCODER_LOG_VAR, ...init(fanIn, seed + 101) }).apply(h);
  return tf.model({ inputs: input, outputs: [mean as tf.SymbolicTensor, logVar as tf.SymbolicTensor], name: 'encoder' });
}

/** Builds the decoder, mirroring the encoder: z → hidden (reversed)… → pixel logits. */
function buildDecoder(cfg: ModelConfig, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [cfg.latentDim], name: 'z' });
  let h: tf.SymbolicTensor = input;
  let fanIn = cfg.latentDim;
  [...cfg.hidden].reverse().forEach((units, i) => {
    h = tf.layers.dense({ units, activation: cfg.activation, name: decHidden(i), ...init(fanIn, seed + 200 + i) }).apply(h) as tf.SymbolicTensor;
    fanIn = units;
  });
  const out = tf.layers.dense({ units: pixelsPerImage(cfg), name: DECODER_OUT, ...init(fanIn, seed + 300) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'decoder' });
}

/**
 * The MLP VAE: a tfjs Layers encoder and decoder (what is saved and loaded),
 * with a forward pass over the same variables through the fast dense op (what
 * is trained). The decoder produces logits; sigmoid is applied once, in `pixels`.
 */
export class MlpVae implements VaeModel {
  readonly config: ModelConfig;
  readonly encoder: tf.LayersModel;
  readonly decoder: tf.LayersModel;
  private readonly enc: DenseParams[];
  private readonly encMean: DenseParams;
  private readonly encLogVar: DenseParams;
  private readonly dec: DenseParams[];

  private constructor(config: ModelConfig, encoder: tf.LayersModel, decoder: tf.LayersModel) {
    this.config = config;
    this.encoder = encoder;
    this.decoder = decoder;
    this.enc = config.hidden.map((_, i) => paramsOf(encoder, encHidden(i), config.activation));
    this.encMean = paramsOf(encoder, ENCODER_MEAN, 'linear');
    this.encLogVar = paramsOf(encoder, ENCODER_LOG_VAR, 'linear');
    this.dec = [...config.hidden.map((_, i) => paramsOf(decoder, decHidden(i), config.activation)), paramsOf(decoder, DECODER_OUT, 'linear')];
  }

  /**
   * A new, randomly initialised VAE; the same seed gives the same weights.
   * A model too big to train on this machine is refused before any tensor exists.
   */
  static create(config: ModelConfig, seed = 0): MlpVae {
    const parsed = ModelConfigSchema.safeParse(config);
    if (!parsed.success) throw new UserError('BAD_CONFIG', describeIssues(parsed.error));
    checkModelSize(parsed.data);
    return new MlpVae(parsed.data, buildEncoder(parsed.data, seed), buildDecoder(parsed.data, seed));
  }

  /**
   * Wraps loaded Layers models after checking they match the config, and that
   * the model is small enough to train here. The caller disposes the models
   * when this throws.
   */
  static fromModels(config: ModelConfig, encoder: tf.LayersModel, decoder: tf.LayersModel): MlpVae {
    checkModelSize(config);
    const d = pixelsPerImage(config);
    const encIn = encoder.inputs[0]?.shape;
    const outs = encoder.outputs.map((o) => o.shape);
    const decIn = decoder.inputs[0]?.shape;
    const decOut = decoder.outputs[0]?.shape;
    const ok = encIn?.[1] === d && outs.length === 2 && outs.every((s) => s[1] === config.latentDim) && decIn?.[1] === config.latentDim && decOut?.[1] === d;
    if (!ok) {
      throw new UserError('BAD_MODEL', `The saved networks do not match the manifest (expected ${d} pixels and latent dim ${config.latentDim}).`);
    }
    // Hidden widths are not visible in the ends' shapes; the size check above trusted the manifest's.
    const held = encoder.countParams() + decoder.countParams();
    if (held !== parameterCount(config)) {
      throw new UserError('BAD_MODEL', `The saved networks hold ${held} parameters but the manifest describes a model with ${parameterCount(config)}.`);
    }
    try {
      return new MlpVae(config, encoder, decoder);
    } catch (err) {
      throw new UserError('BAD_MODEL', `The saved networks do not have the expected layers: ${(err as Error).message}`);
    }
  }

  /** Every trainable variable, in a fixed order (the optimiser state relies on it). */
  variables(): tf.Variable[] {
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

  /** p(x|z) parameters as logits, one row of pixels per z. Differentiable. */
  decodeLogits(z: tf.Tensor2D): tf.Tensor2D {
    let h = z;
    for (const p of this.dec) h = dense(h, p.kernel, p.bias, p.act, true);
    return h;
  }

  /** Pixels in [0, 1] for a batch of z: the one place sigmoid turns logits into an image. */
  pixels(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.sigmoid(this.decodeLogits(z)));
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
  }
}
