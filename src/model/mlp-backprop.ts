import * as tf from '@tensorflow/tfjs';
import { denseBackward, denseForward, type DenseActivation } from './dense.js';
import { klStandardNormal } from './loss.js';
import { tfSeed } from './sampling.js';

/** One dense layer's variables and activation. */
export interface DenseLayer {
  kernel: tf.Variable<tf.Rank.R2>;
  bias: tf.Variable<tf.Rank.R1>;
  act: DenseActivation;
}

/** The MLP VAE's layers, in the order their variables are listed. */
export interface MlpLayers {
  enc: DenseLayer[];
  mean: DenseLayer;
  logVar: DenseLayer;
  dec: DenseLayer[];
}

export interface ObjectiveGradients {
  /** Gradients of the batch-mean objective, kernel then bias for each layer, in MlpLayers order. */
  grads: tf.Tensor[];
  /** Batch sums of the reconstruction NLL and of the KL. */
  rec: tf.Scalar;
  kl: tf.Scalar;
}

/**
 * The gradients of (Σ recon + w·Σ KL) / rows for an MLP VAE, written out
 * layer by layer instead of recorded on tfjs' tape: the same maths as the
 * taped path through `dense`, with no tape to keep, no identity copies and no
 * multiplications by a gradient of ones. The likelihood's own gradient
 * (d NLL / d logits) is still taken by tfjs from `nll`, so every likelihood
 * without learned parameters works here. The reconstruction is scored
 * against `target` (the input itself, or a denoising VAE's clean images).
 * Call inside a tidy.
 */
export function mlpObjectiveGradients(
  layers: MlpLayers,
  x: tf.Tensor2D,
  nll: (logits: tf.Tensor2D, x: tf.Tensor2D) => tf.Tensor1D,
  klWeight: number,
  seed: number,
  target: tf.Tensor2D = x,
): ObjectiveGradients {
  const rows = x.shape[0];
  const scale = 1 / rows;
  // Forward, keeping every layer's input and output.
  const encIn: tf.Tensor2D[] = [];
  const encOut: tf.Tensor2D[] = [];
  let h = x;
  for (const l of layers.enc) {
    encIn.push(h);
    h = denseForward(h, l.kernel, l.bias, l.act);
    encOut.push(h);
  }
  const mean = denseForward(h, layers.mean.kernel, layers.mean.bias, 'linear');
  const logVar = denseForward(h, layers.logVar.kernel, layers.logVar.bias, 'linear');
  const eps = tf.randomNormal(mean.shape, 0, 1, 'float32', tfSeed(seed));
  const std = tf.exp(tf.mul(logVar, 0.5));
  const noise = tf.mul(std, eps);
  const z = tf.add(mean, noise) as tf.Tensor2D;
  const decIn: tf.Tensor2D[] = [];
  const decOut: tf.Tensor2D[] = [];
  let g: tf.Tensor2D = z;
  for (const l of layers.dec) {
    decIn.push(g);
    g = denseForward(g, l.kernel, l.bias, l.act);
    decOut.push(g);
  }
  const { value: rec, grad: dLogits } = tf.valueAndGrad((logits: tf.Tensor) => tf.sum(nll(logits as tf.Tensor2D, target)))(g);
  const kl = tf.sum(klStandardNormal(mean, logVar)) as tf.Scalar;

  // Backward through the decoder.
  const decGrads: tf.Tensor[] = [];
  let dy = tf.mul(dLogits, scale) as tf.Tensor2D;
  for (let i = layers.dec.length - 1; i >= 0; i--) {
    const l = layers.dec[i]!;
    const [dx, dw, db] = denseBackward(dy, decIn[i]!, l.kernel, decOut[i]!, l.act, true);
    decGrads.unshift(dw, db);
    dy = dx!;
  }
  // Through z = μ + σ·ε and the KL term: d/dμ = dz + w·μ/rows, d/dlogVar = ½(dz·σε + w(σ² − 1)/rows).
  const w = klWeight * scale;
  const dMean = tf.add(dy, tf.mul(mean, w)) as tf.Tensor2D;
  const dLogVar = tf.mul(tf.add(tf.mul(dy, noise), tf.mul(tf.sub(tf.square(std), 1), w)), 0.5) as tf.Tensor2D;
  // Through the two heads, which share their input, then down the encoder (the schema asks for at least one hidden layer).
  const [dhMean, dwMean, dbMean] = denseBackward(dMean, h, layers.mean.kernel, mean, 'linear', true);
  const [dhLogVar, dwLogVar, dbLogVar] = denseBackward(dLogVar, h, layers.logVar.kernel, logVar, 'linear', true);
  const encGrads: tf.Tensor[] = [];
  let dh = tf.add(dhMean!, dhLogVar!) as tf.Tensor2D;
  for (let i = layers.enc.length - 1; i >= 0; i--) {
    const l = layers.enc[i]!;
    const [dx, dw, db] = denseBackward(dh, encIn[i]!, l.kernel, encOut[i]!, l.act, i > 0);
    encGrads.unshift(dw, db);
    if (dx) dh = dx;
  }
  return { grads: [...encGrads, dwMean, dbMean, dwLogVar, dbLogVar, ...decGrads], rec: rec as tf.Scalar, kl };
}
