import * as tf from '@tensorflow/tfjs';
import { UserError } from '../contract/errors.js';
import type { ImportedConfig } from '../contract/shapes.js';
import { pixelsPerImage } from '../data/dataset.js';
import { valuesOf } from './import-roles.js';
import { LayersVae, wrapSaved } from './vae-model.js';

/** Probabilities are kept this far from 0 and 1 before they are turned into logits. */
const EDGE = 1e-6;

/**
 * A VAE trained elsewhere: any TensorFlow.js Layers encoder whose outputs give
 * the mean and log-variance, and any decoder from z to pixels (logits, or
 * probabilities turned into logits here, so that sigmoid is still applied once,
 * in `pixels`). Runs through the networks' own layers and tfjs' own
 * gradients, so it trains where the backend has them.
 */
export class ImportedVae extends LayersVae {
  private readonly spec: ImportedConfig['imported'];
  private readonly encoderShape: number[];

  private constructor(config: ImportedConfig, encoder: tf.LayersModel, decoder: tf.LayersModel) {
    super(config, encoder, decoder);
    this.spec = config.imported;
    this.encoderShape = encoder.inputs[0]!.shape.slice(1) as number[];
  }

  /**
   * Wraps the networks after checking them against the configuration and the
   * image size: the encoder takes the image (flat, or height × width ×
   * channels), its outputs hold the latent size, the decoder goes from z to as
   * many values as the image. The caller disposes the networks when this throws.
   */
  static fromModels(config: ImportedConfig, encoder: tf.LayersModel, decoder: tf.LayersModel): ImportedVae {
    return wrapSaved(config, encoder, decoder, checkEnds, () => new ImportedVae(config, encoder, decoder));
  }

  protected networkVariables(): tf.Variable[] {
    return [...this.encoder.trainableWeights, ...this.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  }

  encode(x: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    const rows = x.shape[0];
    const input = this.encoderShape.length > 1 ? tf.reshape(x, [rows, ...this.encoderShape]) : x;
    const out = this.encoder.apply(input) as tf.Tensor | tf.Tensor[];
    const outs = (Array.isArray(out) ? out : [out]).map((t) => tf.reshape(t, [rows, -1]) as tf.Tensor2D);
    if (this.spec.encoderOutputs === 'concat') {
      const [mean, logVar] = tf.split(outs[0]!, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      return { mean, logVar };
    }
    return { mean: outs[this.spec.mean]!, logVar: outs[this.spec.logVar]! };
  }

  decodeLogits(z: tf.Tensor2D): tf.Tensor2D {
    const out = this.decoder.apply(z) as tf.Tensor;
    const flat = tf.reshape(out, [z.shape[0], -1]) as tf.Tensor2D;
    if (this.spec.decoderOutput === 'logits') return flat;
    const p = tf.clipByValue(flat, EDGE, 1 - EDGE);
    return tf.sub(tf.log(p), tf.log1p(tf.neg(p)));
  }
}

/** The networks' ends against the configuration, each mismatch a sentence naming the shapes. */
function checkEnds(config: ImportedConfig, encoder: tf.LayersModel, decoder: tf.LayersModel): void {
  const d = pixelsPerImage(config);
  const image = `${config.height}×${config.width}×${config.channels ?? 1}`;
  const encIn = encoder.inputs[0]!.shape;
  const inShape = encIn.slice(1);
  const matchesImage =
    inShape.length === 1 ? inShape[0] === d : inShape.length === 3 && inShape.join() === [config.height, config.width, config.channels ?? 1].join();
  if (encoder.inputs.length !== 1 || !matchesImage) {
    throw new UserError('BAD_SHAPE', `The encoder takes ${JSON.stringify(inShape)} but the images are ${image} (${d} values).`);
  }
  const { encoderOutputs: layout, mean, logVar } = config.imported;
  const sizes = encoder.outputs.map((o) => (o.shape.length === 2 ? valuesOf(o.shape) : NaN));
  const expected = layout === 'concat' ? [2 * config.latentDim] : Array<number>(layout === 'pair' ? 2 : 3).fill(config.latentDim);
  if (sizes.join() !== expected.join() || (layout !== 'concat' && (mean === logVar || mean >= sizes.length || logVar >= sizes.length))) {
    throw new UserError(
      'BAD_MODEL',
      `The encoder's outputs are ${JSON.stringify(encoder.outputs.map((o) => o.shape.slice(1)))}, not the ${layout} layout of latent dim ${config.latentDim} the configuration records.`,
    );
  }
  const decIn = decoder.inputs[0]!.shape;
  if (decoder.inputs.length !== 1 || decIn.length !== 2 || decIn[1] !== config.latentDim) {
    throw new UserError('BAD_SHAPE', `The decoder takes ${JSON.stringify(decIn.slice(1))} but the encoder gives z of ${config.latentDim} values.`);
  }
  if (decoder.outputs.length !== 1 || valuesOf(decoder.outputs[0]!.shape) !== d) {
    throw new UserError(
      'BAD_SHAPE',
      `The decoder gives ${JSON.stringify(decoder.outputs.map((o) => o.shape.slice(1)))} but the images are ${image} (${d} values).`,
    );
  }
}
