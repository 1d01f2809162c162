import { z } from 'zod';

/** Where a dataset comes from. Serialisable, so it can cross to a worker and into a manifest. */
export const DataSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('mnist') }),
  z.object({ kind: z.literal('fashion'), dir: z.string().optional() }),
  z.object({ kind: z.literal('folder'), path: z.string().min(1) }),
  z.object({ kind: z.literal('files'), images: z.string().min(1), labels: z.string().min(1).optional() }),
]);
export type DataSpec = z.infer<typeof DataSpecSchema>;

/** One split of a dataset: images with pixels in [0, 1], and labels when known. */
export interface ImageSet {
  count: number;
  height: number;
  width: number;
  /** count × height × width, row-major. */
  pixels: Float32Array;
  /** One label per image, or null when the data came without labels. */
  labels: Int32Array | null;
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

export function pixelsPerImage(set: Pick<ImageSet, 'height' | 'width'>): number {
  return set.height * set.width;
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

/** A short JSON-friendly description, for manifests and the UI. */
export interface DatasetInfo {
  name: string;
  spec: DataSpec;
  height: number;
  width: number;
  trainCount: number;
  testCount: number;
  labelled: boolean;
  classNames: string[] | null;
}

export function describeDataset(ds: Dataset): DatasetInfo {
  return {
    name: ds.name,
    spec: ds.spec,
    height: ds.train.height,
    width: ds.train.width,
    trainCount: ds.train.count,
    testCount: ds.test.count,
    labelled: ds.train.labels !== null,
    classNames: ds.classNames,
  };
}
