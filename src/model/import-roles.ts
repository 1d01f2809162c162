import type * as tf from '@tensorflow/tfjs';
import { UserError } from '../contract/errors.js';
import type { EncoderLayout, EncoderRole, ImportedConfig } from '../contract/shapes.js';

export interface EncoderRoles {
  layout: EncoderLayout;
  mean: number;
  logVar: number;
  latentDim: number;
  /** How the roles were found, for the person importing: "z_mean → mean, z_log_var → log-variance". */
  how: string;
}

// Only names that leave no doubt: an output called log_sigma or std holds
// another quantity than the log-variance, and is asked about instead.
const MEAN = /mean|(^|_)mu($|_)/i;
const LOG_VAR = /log_?var/i;
const SAMPLE = /(^|_)z$|sampl/i;

const size = (shape: tf.Shape) => shape.slice(1).reduce<number>((a, b) => a * (b ?? NaN), 1);

/** The index of the one name `pick` accepts, or −1 when none or several do. */
function unique(names: string[], pick: (name: string) => boolean): number {
  const hits = names.flatMap((n, i) => (pick(n) ? [i] : []));
  return hits.length === 1 ? hits[0]! : -1;
}

/**
 * How an encoder gives q(z|x): one output of twice the latent size (its first
 * half the mean), two outputs (mean and log-variance) or Keras' three (mean,
 * log-variance, z). Roles come from output names where they are clear (z_mean,
 * z_log_var, mu, logvar…), from `given` (the roles in output order) where
 * they are not; otherwise a sentence says how to give them.
 */
export function encoderRoles(encoder: tf.LayersModel, given?: EncoderRole[]): EncoderRoles {
  const shapes = encoder.outputs.map((o) => o.shape);
  const names = encoder.outputLayers.map((l, i) => encoder.outputNames?.[i] ?? l.name);
  const listed = names.map((n, i) => `${n} ${JSON.stringify(shapes[i]!.slice(1))}`).join(', ');
  if (shapes.some((s) => s.length !== 2)) {
    throw new UserError('BAD_MODEL', `The encoder's outputs (${listed}) should be flat vectors of latent values, one per image.`);
  }
  const sizes = shapes.map(size);
  if (shapes.length === 1) {
    if (given) throw new UserError('BAD_CONFIG', `--roles names ${given.length} outputs but the encoder has one (${listed}).`);
    if (sizes[0]! % 2 !== 0)
      throw new UserError('BAD_MODEL', `The encoder's one output (${listed}) should hold the mean and the log-variance side by side, an even size.`);
    return { layout: 'concat', mean: 0, logVar: 1, latentDim: sizes[0]! / 2, how: `${names[0]}: first half the mean, second half the log-variance` };
  }
  if (shapes.length > 3 || sizes.some((s) => s !== sizes[0])) {
    throw new UserError(
      'BAD_MODEL',
      `The encoder's outputs (${listed}) should be two or three of the latent size: the mean, the log-variance and, optionally, z.`,
    );
  }
  const layout: EncoderLayout = shapes.length === 2 ? 'pair' : 'keras';
  let mean: number;
  let logVar: number;
  if (given) {
    const expected = layout === 'pair' ? ['logvar', 'mean'] : ['logvar', 'mean', 'z'];
    if (given.length !== shapes.length || [...given].sort().join() !== expected.join()) {
      throw new UserError(
        'BAD_CONFIG',
        `--roles should name each of the encoder's ${shapes.length} outputs once (${expected.join(', ')}), in output order: ${listed}.`,
      );
    }
    mean = given.indexOf('mean');
    logVar = given.indexOf('logvar');
  } else {
    mean = unique(names, (n) => MEAN.test(n) && !LOG_VAR.test(n));
    logVar = unique(names, (n) => LOG_VAR.test(n) && !MEAN.test(n));
    const z = layout === 'keras' ? unique(names, (n) => SAMPLE.test(n) && !MEAN.test(n) && !LOG_VAR.test(n)) : -1;
    const clear = mean >= 0 && logVar >= 0 && mean !== logVar && (layout === 'pair' || z >= 0);
    if (!clear) {
      const example = layout === 'pair' ? 'mean,logvar' : 'mean,logvar,z';
      throw new UserError(
        'BAD_CONFIG',
        `The encoder's output names (${listed}) do not say which is the mean and which the log-variance; ` +
          `give their roles in output order, e.g. ${example} (--roles on the command line, Roles in the app).`,
      );
    }
  }
  const role = (i: number, what: string) => `${names[i]} → ${what}`;
  return { layout, mean, logVar, latentDim: sizes[0]!, how: `${role(mean, 'mean')}, ${role(logVar, 'log-variance')}` };
}

/** Layers that only move values about, looked through to the layer that computed them. */
const SHAPE_ONLY = new Set(['Reshape', 'Flatten', 'Permute', 'Cropping2D', 'InputLayer']);

/**
 * The output kind a decoder declares: the last layer that computes (reshapes
 * and flattens looked through) ending in a sigmoid means probabilities,
 * anything else is read as logits.
 */
export function decoderOutputOf(decoder: tf.LayersModel): ImportedConfig['imported']['decoderOutput'] {
  const last = [...decoder.layers].reverse().find((l) => !SHAPE_ONLY.has(l.getClassName()));
  const config = last?.getConfig() as { activation?: string } | undefined;
  return config?.activation === 'sigmoid' || last?.getClassName() === 'Sigmoid' ? 'probabilities' : 'logits';
}

/** Values per image of a network end, its batch axis left out. */
export function valuesOf(shape: tf.Shape): number {
  return size(shape);
}
