import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ImportRequest } from '../../src/model/import.js';
import { writeLayersModel } from '../../src/model/folder.js';
import { tempDir } from './fixtures.js';

// Networks as another tool would have trained them for 8×6 grey images,
// written in the Layers format with their own names and shapes.

export const L = 3;
export type Layout = 'keras' | 'concat' | 'pair-unnamed';

/** An encoder taking the 8×6×1 image (Keras style) and giving the layout asked for. */
function encoder(layout: Layout): tf.LayersModel {
  const x = tf.input({ shape: [8, 6, 1], name: 'image' });
  const h = tf.layers.dense({ units: 16, activation: 'relu', name: 'h' }).apply(tf.layers.flatten().apply(x)) as tf.SymbolicTensor;
  const dense = (units: number, name: string) => tf.layers.dense({ units, name }).apply(h) as tf.SymbolicTensor;
  const outputs =
    layout === 'keras'
      ? [dense(L, 'z_mean'), dense(L, 'z_log_var'), dense(L, 'z')]
      : layout === 'concat'
        ? [dense(2 * L, 'params')]
        : [dense(L, 'out_a'), dense(L, 'out_b')];
  return tf.model({ inputs: x, outputs, name: 'encoder' });
}

/** A decoder to an 8×6×1 image, ending in a sigmoid (probabilities) or not (logits). */
function decoder(sigmoid: boolean): tf.LayersModel {
  const z = tf.input({ shape: [L], name: 'z_in' });
  const h = tf.layers.dense({ units: 16, activation: 'relu' }).apply(z);
  const px = tf.layers.dense({ units: 48, activation: sigmoid ? 'sigmoid' : 'linear' }).apply(h);
  return tf.model({ inputs: z, outputs: tf.layers.reshape({ targetShape: [8, 6, 1] }).apply(px) as tf.SymbolicTensor });
}

export async function written(layout: Layout, sigmoid: boolean): Promise<{ enc: tf.LayersModel; dec: tf.LayersModel; req: ImportRequest }> {
  const dir = tempDir();
  const enc = encoder(layout);
  const dec = decoder(sigmoid);
  await writeLayersModel(enc, path.join(dir, 'enc'));
  await writeLayersModel(dec, path.join(dir, 'dec'));
  return { enc, dec, req: { encoder: path.join(dir, 'enc', 'model.json'), decoder: path.join(dir, 'dec', 'model.json'), likelihood: 'bernoulli', sigma: 0.1 } };
}
