import * as tf from '@tensorflow/tfjs';
import { pixelsPerImage } from '../data/dataset.js';
import type { NativeConfig } from '../contract/shapes.js';
import { dense, type DenseActivation } from './dense.js';
import { conv2d, conv2dTranspose } from './conv.js';
import { convGeometry, KERNEL, type ConvGeometry } from './conv-geometry.js';
import { denseLayers, init } from './init.js';
import { checkedConfig, checkNativeEnds, LayersVae, layerParams, wrapSaved, type LayerParams } from './vae-model.js';
import { ENCODER_LOG_VAR, ENCODER_MEAN } from './mlp-vae.js';

type Params<R extends tf.Rank> = LayerParams<R> & { act: DenseActivation };

/** Layer names, fixed so saved models are self-describing. */
const encConv = (i: number) => `enc_conv_${i}`;
const encHidden = (i: number) => `enc_hidden_${i}`;
const decHidden = (i: number) => `dec_hidden_${i}`;
const DEC_PROJECT = 'dec_project';
const decDeconv = (i: number) => `dec_deconv_${i}`;
const DEC_OUT = 'x_logits';

const convInit = (inChannels: number, seed: number) => init(KERNEL * KERNEL * inChannels, seed);

/** x (flat) → image → stride-2 convolutions → flatten → dense… → [z_mean, z_log_var]. */
function buildEncoder(cfg: NativeConfig, g: ConvGeometry, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [pixelsPerImage(cfg)], name: 'x' });
  let h = tf.layers.reshape({ targetShape: [cfg.height, cfg.width, g.channels], name: 'x_image' }).apply(input) as tf.SymbolicTensor;
  let inC = g.channels;
  g.filters.forEach((filters, i) => {
    const layer = tf.layers.conv2d({
      filters,
      kernelSize: KERNEL,
      strides: 2,
      padding: 'same',
      activation: cfg.activation,
      name: encConv(i),
      ...convInit(inC, seed + i),
    });
    h = layer.apply(h) as tf.SymbolicTensor;
    inC = filters;
  });
  h = tf.layers.flatten({ name: 'enc_flat' }).apply(h) as tf.SymbolicTensor;
  const enc = denseLayers(h, g.innerHeight * g.innerWidth * inC, cfg.hidden, cfg.activation, encHidden, seed + 20);
  h = enc.h;
  const fanIn = enc.width;
  const mean = tf.layers.dense({ units: cfg.latentDim, name: ENCODER_MEAN, ...init(fanIn, seed + 100) }).apply(h) as tf.SymbolicTensor;
  const logVar = tf.layers.dense({ units: cfg.latentDim, name: ENCODER_LOG_VAR, ...init(fanIn, seed + 101) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [mean, logVar], name: 'encoder' });
}

/** z → dense… → grid → stride-2 transposed convolutions → a stride-1 one to the image's channels, as logits → flat. */
function buildDecoder(cfg: NativeConfig, g: ConvGeometry, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [cfg.latentDim], name: 'z' });
  const dec = denseLayers(input, cfg.latentDim, [...cfg.hidden].reverse(), cfg.activation, decHidden, seed + 200);
  let h = dec.h;
  const fanIn = dec.width;
  const last = g.filters[g.filters.length - 1]!;
  const cells = g.innerHeight * g.innerWidth * last;
  h = tf.layers.dense({ units: cells, activation: cfg.activation, name: DEC_PROJECT, ...init(fanIn, seed + 250) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.reshape({ targetShape: [g.innerHeight, g.innerWidth, last], name: 'dec_grid' }).apply(h) as tf.SymbolicTensor;
  let inC = last;
  [...g.filters].reverse().forEach((filters, i) => {
    const layer = tf.layers.conv2dTranspose({
      filters,
      kernelSize: KERNEL,
      strides: 2,
      padding: 'same',
      activation: cfg.activation,
      name: decDeconv(i),
      ...convInit(inC, seed + 260 + i),
    });
    h = layer.apply(h) as tf.SymbolicTensor;
    inC = filters;
  });
  const out = tf.layers.conv2dTranspose({ filters: g.channels, kernelSize: KERNEL, strides: 1, padding: 'same', name: DEC_OUT, ...convInit(inC, seed + 300) });
  h = out.apply(h) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: 'x_flat' }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: flat, name: 'decoder' });
}

/**
 * The convolutional VAE of the Keras example, sized from the image: 3×3
 * stride-2 convolutions down, dense layers between, transposed convolutions
 * up to pixel logits. The Layers networks are what is saved; training runs
 * over the same variables through the conv ops whose gradients stay on the
 * wasm backend's fast kernels.
 */
export class ConvVae extends LayersVae {
  private readonly geometry: ConvGeometry;
  private readonly convs: Array<Params<tf.Rank.R4>>;
  private readonly enc: Array<Params<tf.Rank.R2>>;
  private readonly heads: [Params<tf.Rank.R2>, Params<tf.Rank.R2>];
  private readonly dec: Array<Params<tf.Rank.R2>>;
  private readonly deconvs: Array<Params<tf.Rank.R4> & { stride: number }>;

  private constructor(config: NativeConfig, encoder: tf.LayersModel, decoder: tf.LayersModel) {
    super(config, encoder, decoder);
    this.geometry = convGeometry(config);
    const act = config.activation;
    const p = <R extends tf.Rank>(m: tf.LayersModel, name: string, a: DenseActivation): Params<R> => ({ ...layerParams<R>(m, name), act: a });
    this.convs = this.geometry.filters.map((_, i) => p(encoder, encConv(i), act));
    this.enc = config.hidden.map((_, i) => p(encoder, encHidden(i), act));
    this.heads = [p(encoder, ENCODER_MEAN, 'linear'), p(encoder, ENCODER_LOG_VAR, 'linear')];
    this.dec = [...config.hidden.map((_, i) => p<tf.Rank.R2>(decoder, decHidden(i), act)), p<tf.Rank.R2>(decoder, DEC_PROJECT, act)];
    this.deconvs = [
      ...this.geometry.filters.map((_, i) => ({ ...p<tf.Rank.R4>(decoder, decDeconv(i), act), stride: 2 })),
      { ...p<tf.Rank.R4>(decoder, DEC_OUT, 'linear'), stride: 1 },
    ];
  }

  /** A new, randomly initialised conv VAE; refused before any tensor exists when it is too big or the image does not divide. */
  static create(config: NativeConfig, seed = 0): ConvVae {
    const c = checkedConfig(config);
    const g = convGeometry(c);
    return new ConvVae(c, buildEncoder(c, g, seed), buildDecoder(c, g, seed));
  }

  /** Wraps loaded Layers networks after checking them against the configuration; the caller disposes them when this throws. */
  static fromModels(config: NativeConfig, encoder: tf.LayersModel, decoder: tf.LayersModel): ConvVae {
    convGeometry(config);
    return wrapSaved(config, encoder, decoder, checkNativeEnds, () => new ConvVae(config, encoder, decoder));
  }

  protected networkVariables(): tf.Variable[] {
    return [...this.convs, ...this.enc, ...this.heads, ...this.dec, ...this.deconvs].flatMap((p) => [p.kernel, p.bias]);
  }

  encode(x: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    const g = this.geometry;
    let image = tf.reshape(x, [x.shape[0], g.height, g.width, g.channels]) as tf.Tensor4D;
    this.convs.forEach((p, i) => {
      image = conv2d(image, p.kernel, p.bias, 2, p.act, i > 0);
    });
    let h = tf.reshape(image, [x.shape[0], -1]) as tf.Tensor2D;
    for (const p of this.enc) h = dense(h, p.kernel, p.bias, p.act, true);
    const [m, v] = this.heads;
    return { mean: dense(h, m.kernel, m.bias, 'linear', true), logVar: dense(h, v.kernel, v.bias, 'linear', true) };
  }

  decodeLogits(z: tf.Tensor2D): tf.Tensor2D {
    const g = this.geometry;
    let h = z;
    for (const p of this.dec) h = dense(h, p.kernel, p.bias, p.act, true);
    let image = tf.reshape(h, [z.shape[0], g.innerHeight, g.innerWidth, -1]) as tf.Tensor4D;
    for (const p of this.deconvs) image = conv2dTranspose(image, p.kernel, p.bias, p.stride, p.act);
    return tf.reshape(image, [z.shape[0], -1]);
  }
}
