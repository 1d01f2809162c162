import { UserError } from '../contract/errors.js';
import type { PointSet } from '../contract/shapes.js';
import { pixelsPerImage, type Dataset, type ImageSet } from './dataset.js';

/*
 * One numbering for every image of a dataset: the test images first
 * (0 … test.count − 1), then the training images. A scatter of the test set
 * alone keeps the numbers people already know; one of both sets adds the
 * training images after them.
 */

/** How many images the numbering covers. */
export const imageCount = (ds: Dataset): number => ds.test.count + ds.train.count;

/** Where image `i` lives: which split, and its row there. */
export function locate(ds: Dataset, i: number): { split: 'test' | 'train'; row: number } {
  return i < ds.test.count ? { split: 'test', row: i } : { split: 'train', row: i - ds.test.count };
}

/** "test image 3", "training image 1,204". */
export function describeImage(ds: Dataset, i: number): string {
  const { split, row } = locate(ds, i);
  return `${split === 'test' ? 'test' : 'training'} image ${row.toLocaleString('en-US')}`;
}

/** Refuses a number no image has, saying which numbers there are. */
export function checkImage(ds: Dataset, i: number): void {
  if (i < 0 || !Number.isInteger(i) || i >= imageCount(ds)) {
    const train = ds.train.count > 0 ? `, then training images ${ds.test.count}–${imageCount(ds) - 1}` : '';
    throw new UserError('BAD_REQUEST', `Image ${i} does not exist: test images are numbered 0–${ds.test.count - 1}${train}.`);
  }
}

/** The images with these numbers, in this order, as one set (pixels copied; the splits stay as they are). */
export function imagesAt(ds: Dataset, numbers: readonly number[]): ImageSet {
  for (const i of numbers) checkImage(ds, i);
  const d = pixelsPerImage(ds.test);
  const pixels = new Float32Array(numbers.length * d);
  const labelled = ds.test.labels !== null && (ds.train.count === 0 || ds.train.labels !== null);
  const labels = labelled ? new Int32Array(numbers.length) : null;
  const named = ds.test.files !== undefined && (ds.train.count === 0 || ds.train.files !== undefined);
  const files: string[] = [];
  numbers.forEach((n, k) => {
    const { split, row } = locate(ds, n);
    const from = split === 'test' ? ds.test : ds.train;
    pixels.set(from.pixels.subarray(row * d, (row + 1) * d), k * d);
    if (labels) labels[k] = from.labels![row]!;
    if (named) files.push(from.files![row]!);
  });
  return { count: numbers.length, height: ds.test.height, width: ds.test.width, channels: ds.test.channels, pixels, labels, ...(named ? { files } : {}) };
}

/** The splits a point set covers, in numbering order, the number of its first image and how many images it holds. */
export function splitsOf(ds: Dataset, set: PointSet): { first: number; count: number; splits: ImageSet[] } {
  const splits = set === 'test' ? [ds.test] : set === 'train' ? [ds.train] : [ds.test, ds.train];
  return { first: set === 'train' ? ds.test.count : 0, count: splits.reduce((n, s) => n + s.count, 0), splits };
}

/** The labels of a point set's images in numbering order (null when any split has none). */
export function labelsOf(splits: readonly ImageSet[]): Int32Array | null {
  if (splits.some((s) => s.labels === null)) return null;
  const out = new Int32Array(splits.reduce((n, s) => n + s.count, 0));
  let at = 0;
  for (const s of splits) {
    out.set(s.labels!, at);
    at += s.count;
  }
  return out;
}

/** The file names of a point set's images in numbering order (null when any split has none). */
export function filesOf(splits: readonly ImageSet[]): string[] | null {
  return splits.some((s) => s.files === undefined) ? null : splits.flatMap((s) => s.files!);
}
