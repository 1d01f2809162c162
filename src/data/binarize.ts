import { Rng } from '../util/rng.js';
import type { Dataset, ImageSet } from './dataset.js';

/** The seed of a binarised test set: fixed, so every evaluation of a model sees the same binary images. */
export const TEST_BINARIZE_SEED = 0x5eed;

/**
 * Draws each value to 1 with probability equal to its intensity and to 0
 * otherwise, in place: dynamic binarisation, the MNIST standard behind
 * published likelihoods, when done afresh for every batch.
 */
export function binarizeInPlace(pixels: Float32Array, rng: Rng): Float32Array {
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.next() < pixels[i]! ? 1 : 0;
  return pixels;
}

/** A set binarised once, with a fixed seed. */
export function binarizedSet(set: ImageSet, seed = TEST_BINARIZE_SEED): ImageSet {
  return { ...set, pixels: binarizeInPlace(Float32Array.from(set.pixels), new Rng(seed)) };
}

/** Whether a dataset's training batches are binarised afresh as they are drawn. */
export function isBinarized(dataset: Pick<Dataset, 'spec'>): boolean {
  return 'binarize' in dataset.spec && dataset.spec.binarize === 'dynamic';
}

/**
 * A grey dataset as its spec asks: with `binarize: 'dynamic'` the test set is
 * binarised once (fixed seed) and named so; the training set stays grey and
 * the trainer binarises each batch as it is drawn.
 */
export function applyBinarization(dataset: Dataset): Dataset {
  if (!isBinarized(dataset)) return dataset;
  return { ...dataset, name: `${dataset.name} (binarised)`, test: binarizedSet(dataset.test) };
}
