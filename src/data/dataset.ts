import type { DataSpec, DatasetInfo } from '../contract/shapes.js';

/** One split of a dataset: images with pixels in [0, 1], and labels when known. */
export interface ImageSet {
  count: number;
  height: number;
  width: number;
  /** Values per pixel: 1 grey, 3 RGB. */
  channels: number;
  /** count × height × width, row-major. */
  pixels: Float32Array;
  /** One label per image, or null when the data came without labels. */
  labels: Int32Array | null;
  /** Each image's file, relative to its folder, for data read from an image folder (a column people search by). */
  files?: string[];
}

export interface Dataset {
  /** A short human name: "MNIST", "Fashion-MNIST", a folder or file name. */
  name: string;
  spec: DataSpec;
  train: ImageSet;
  test: ImageSet;
  /** Names for label values, when the dataset has them. */
  classNames: string[] | null;
}

/** Images as the contract carries them: count × height × width × channels values, channels last. */
export interface Images {
  count: number;
  height: number;
  width: number;
  channels: number;
  pixels: Float32Array;
}

/** Pixels of the given shape (a set, or a model's config) as Images; the count follows from their length. */
export function imagesOf(shape: { height: number; width: number; channels?: number }, pixels: Float32Array): Images {
  const channels = shape.channels ?? 1;
  return { count: pixels.length / (shape.height * shape.width * channels), height: shape.height, width: shape.width, channels, pixels };
}

/** Values per image: height × width × channels (absent channels, as in a grey model's config: one). */
export function pixelsPerImage(x: { height: number; width: number; channels?: number }): number {
  return x.height * x.width * (x.channels ?? 1);
}

/** A view on the first `n` images of a set (no copy). */
export function headOf(set: ImageSet, n: number): ImageSet {
  const count = Math.min(n, set.count);
  const d = pixelsPerImage(set);
  return {
    ...set,
    count,
    pixels: set.pixels.subarray(0, count * d),
    labels: set.labels ? set.labels.subarray(0, count) : null,
  };
}

/** Copies the images at `indices` into one contiguous block. */
export function gatherPixels(set: ImageSet, indices: ArrayLike<number>, out?: Float32Array): Float32Array {
  const d = pixelsPerImage(set);
  const dst = out ?? new Float32Array(indices.length * d);
  for (let i = 0; i < indices.length; i++) {
    const at = indices[i]! * d;
    dst.set(set.pixels.subarray(at, at + d), i * d);
  }
  return dst;
}

/** How many skipped files a description names; the count tells the rest. */
const SKIPPED_SHOWN = 50;

export function describeDataset(ds: Dataset): DatasetInfo {
  const skipped = skippedFiles(ds);
  return {
    name: ds.name,
    spec: ds.spec,
    height: ds.train.height,
    channels: ds.train.channels,
    width: ds.train.width,
    trainCount: ds.train.count,
    testCount: ds.test.count,
    labelled: ds.train.labels !== null,
    classNames: ds.classNames,
    skipped: skipped.slice(0, SKIPPED_SHOWN).map(({ file, reason }) => ({ file, reason })),
    skippedCount: skipped.length,
    files: ds.test.files !== undefined,
  };
}

/** Yields [start, end) batch bounds over n items. */
export function* batches(n: number, size: number): Generator<[number, number]> {
  for (let s = 0; s < n; s += size) yield [s, Math.min(n, s + size)];
}

/** Test-set indices → a contiguous ImageSet (copying the pixels). */
export function subset(set: ImageSet, indices: number[]): ImageSet {
  return {
    count: indices.length,
    height: set.height,
    width: set.width,
    channels: set.channels,
    pixels: gatherPixels(set, indices),
    labels: set.labels ? Int32Array.from(indices, (i) => set.labels![i]!) : null,
  };
}

type Shaped = { height: number; width: number; channels?: number };

/** An image size in words: 28×28 for grey, 32×32×3 for colour. */
export function shapeOf(x: Shaped): string {
  const c = x.channels ?? 1;
  return c === 1 ? `${x.height}×${x.width}` : `${x.height}×${x.width}×${c}`;
}

/** Whether two things agree on height, width and channels (absent channels: one). */
export function sameShape(a: Shaped, b: Shaped): boolean {
  return a.height === b.height && a.width === b.width && (a.channels ?? 1) === (b.channels ?? 1);
}

/** A file an image folder load passed over, and why. */
export interface SkippedFile {
  file: string;
  reason: string;
}

// Kept beside the dataset rather than in it, so every caller of loadDataset keeps its plain Dataset.
const skippedByDataset = new WeakMap<Dataset, SkippedFile[]>();
const cachedDatasets = new WeakSet<Dataset>();

/** The files that loading `dataset` skipped as unreadable (empty for formats that never skip). */
export function skippedFiles(dataset: Dataset): SkippedFile[] {
  return skippedByDataset.get(dataset) ?? [];
}

/** Whether `dataset` was read from the image cache rather than decoded. */
export function loadedFromCache(dataset: Dataset): boolean {
  return cachedDatasets.has(dataset);
}

/** Records how a load went: the files it passed over and whether it came from the cache. */
export function noteLoad(dataset: Dataset, skipped: SkippedFile[], fromCache: boolean): void {
  skippedByDataset.set(dataset, skipped);
  if (fromCache) cachedDatasets.add(dataset);
}
