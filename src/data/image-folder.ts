import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { UserError } from '../contract/errors.js';
import { LIMITS } from '../contract/limits.js';
import { MAX_IDX_VALUES } from './idx-header.js';
import { Rng } from '../util/rng.js';
import { cannotRead, kindOf } from './file-kind.js';
import { cacheKey, readCache, writeCache, type CachedSet } from './image-cache.js';
import { applyCsvLabels, entriesOf, IMAGE_EXTENSIONS, listDir, readLabelsCsv, scanSplit, type Entry } from './image-labels.js';

export { IMAGE_EXTENSIONS };
import type { Dataset, ImageSet, SkippedFile } from './dataset.js';

export type { SkippedFile };
import type { DataSpec } from '../contract/shapes.js';

/** The size used when the images do not all share one square size (the range --image-size accepts). */
const DEFAULT_SIZE = 32;
const { min: MIN_SIZE, max: MAX_SIZE } = LIMITS.imageSize;
/** Files decoded at once: enough to keep both cores busy, few enough to keep memory flat. */
const CONCURRENCY = 4;

export interface ImageFolderOptions {
  size?: number;
  channels?: 1 | 3;
  fit?: 'crop' | 'contain';
  background?: string;
  seed?: number;
  /** A CSV with a `file` column whose `labelColumn` (default: the next column) gives each image's class. */
  labels?: string;
  labelColumn?: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Where decoded sets are cached between loads; null or absent: no cache. */
  cacheDir?: string | null;
  /** The most float32 values the decoded set may hold: the same cap as IDX data, by default. */
  maxValues?: number;
}

export interface ImageFolderResult {
  dataset: Dataset;
  skipped: SkippedFile[];
  /** Whether the set came from the cache rather than from decoding. */
  fromCache: boolean;
}

interface Meta extends Entry {
  width: number;
  height: number;
  colour: boolean;
}

function describeError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!.trim() || 'cannot be decoded';
}

function checkStop(signal: AbortSignal | undefined, dir: string): void {
  if (signal?.aborted) throw new UserError('STOPPED', `Reading the images in ${dir} was stopped before it finished.`);
}

/** Runs `fn` over `items` a few at a time, keeping the results in order. */
async function inChunks<T, R>(items: T[], dir: string, signal: AbortSignal | undefined, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += CONCURRENCY) {
    checkStop(signal, dir);
    out.push(...(await Promise.all(items.slice(i, i + CONCURRENCY).map(fn))));
  }
  return out;
}

/** Reads the header of each file: regular files only, and only what an image decoder accepts. */
async function readMeta(entry: Entry): Promise<Meta | SkippedFile> {
  let st: Stats;
  try {
    st = await fs.stat(entry.file);
  } catch (err) {
    return { file: entry.file, reason: cannotRead(entry.file, err).message };
  }
  if (!st.isFile()) return { file: entry.file, reason: `it is ${kindOf(st)}, not a file` };
  try {
    const m = await sharp(entry.file).metadata();
    if (!m.width || !m.height) return { file: entry.file, reason: 'it has no image size' };
    return { ...entry, width: m.width, height: m.height, colour: m.channels >= 3 && m.space !== 'b-w' };
  } catch (err) {
    return { file: entry.file, reason: describeError(err) };
  }
}

interface Decode {
  size: number;
  channels: 1 | 3;
  fit: 'crop' | 'contain';
  background: string;
}

/**
 * Grey is Rec. 601 luma of the sRGB values, as PIL and torchvision compute it,
 * so a grey set matches what the usual ImageFolder tools give. libvips' own
 * grayscale() re-encodes linear luminance (pure red becomes 0.5, not 0.3).
 */
const LUMA = [0.299, 0.587, 0.114] as const;

async function decode(file: string, o: Decode): Promise<Float32Array> {
  // Decoded as sRGB from the start: a grey image with alpha would otherwise be
  // flattened in its own one-band space, onto the background's red value as grey.
  const { data, info } = await sharp(file, { failOn: 'warning' })
    .pipelineColourspace('srgb')
    .resize(o.size, o.size, { fit: o.fit === 'crop' ? 'cover' : 'contain', background: o.background })
    .flatten({ background: o.background })
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.width !== o.size || info.height !== o.size || info.channels !== 3) {
    throw new Error(`it decoded to ${info.width}×${info.height}×${info.channels}`);
  }
  const n = o.size * o.size;
  const out = new Float32Array(n * o.channels);
  for (let i = 0; i < n; i++) {
    const [r, g, b] = [data[i * 3]! / 255, data[i * 3 + 1]! / 255, data[i * 3 + 2]! / 255];
    if (o.channels === 1) out[i] = Math.min(1, LUMA[0] * r + LUMA[1] * g + LUMA[2] * b);
    else out.set([r, g, b], i * 3);
  }
  return out;
}

function toSet(images: { file: string; pixels: Float32Array; label: number | null }[], o: Decode, labelled: boolean, dir: string): ImageSet {
  const d = o.size * o.size * o.channels;
  const pixels = new Float32Array(images.length * d);
  images.forEach((img, i) => pixels.set(img.pixels, i * d));
  return {
    count: images.length,
    height: o.size,
    width: o.size,
    channels: o.channels,
    pixels,
    labels: labelled ? Int32Array.from(images, (img) => img.label ?? 0) : null,
    files: images.map((img) => path.relative(dir, img.file)),
  };
}

/** A seeded 90/10 split (at least one test image); both parts keep the files' order. */
function splitIndices(n: number, seed: number): { train: number[]; test: number[] } {
  const order = new Rng(seed).shuffle(Uint32Array.from({ length: n }, (_, i) => i));
  const testCount = Math.max(1, Math.round(n / 10));
  const test = Array.from(order.subarray(0, testCount)).sort((a, b) => a - b);
  const train = Array.from(order.subarray(testCount)).sort((a, b) => a - b);
  return { train, test };
}

function nothingUsable(dir: string, found: number, skipped: SkippedFile[], others: number): UserError {
  const parts: string[] = [];
  if (skipped.length > 0) parts.push(`${skipped.length} unreadable (first: ${path.basename(skipped[0]!.file)}: ${skipped[0]!.reason})`);
  if (others > 0) parts.push(`${others} other file${others === 1 ? '' : 's'}`);
  const what = found + others === 0 ? 'it is empty' : `it holds ${parts.join(' and ')}`;
  return new UserError(
    'NOT_FOUND',
    `${dir} has no usable image: ${what}. Add ${IMAGE_EXTENSIONS.join(' ')} files, in one subfolder per class or all in the folder.`,
  );
}

/**
 * Loads a folder of images. Each immediate subfolder is a class (sorted by
 * name), a flat folder is unlabelled, and `train/` with `test/` is taken as
 * the split; otherwise a seeded 90/10 split is drawn. Files that cannot be
 * decoded are skipped and listed rather than failing the whole folder.
 */
export async function loadImageFolder(dir: string, opts: ImageFolderOptions = {}): Promise<ImageFolderResult> {
  const { signal } = opts;
  let st: Stats;
  try {
    st = await fs.stat(dir);
  } catch (err) {
    throw cannotRead(dir, err);
  }
  if (!st.isDirectory()) throw new UserError('BAD_FILE', `${dir} is ${kindOf(st)}, not a folder; choose a folder of images.`);

  if (opts.size !== undefined && (!Number.isInteger(opts.size) || opts.size < MIN_SIZE || opts.size > MAX_SIZE)) {
    throw new UserError('BAD_CONFIG', `The image size must be a whole number from ${MIN_SIZE} to ${MAX_SIZE}, not ${opts.size}.`);
  }
  const top = await listDir(dir);
  const presplit = top.dirs.includes('train') && top.dirs.includes('test');
  const scans = presplit ? [await scanSplit(path.join(dir, 'train')), await scanSplit(path.join(dir, 'test'))] : [await scanSplit(dir)];
  if (opts.labelColumn !== undefined && opts.labels === undefined) {
    throw new UserError('BAD_CONFIG', `A label column (${opts.labelColumn}) needs a labels CSV to read it from.`);
  }
  const csv = opts.labels === undefined ? null : await readLabelsCsv(opts.labels, opts.labelColumn);
  const labelledCount = scans.filter((s) => s.classes !== null).length;
  // With a CSV the subfolders only hold the files; their names give no class.
  if (!csv && labelledCount !== 0 && labelledCount !== scans.length) {
    throw new UserError('BAD_SHAPE', `${dir}: train/ and test/ must both hold class subfolders, or both hold the images directly.`);
  }
  const classNames = csv ? csv.classNames : labelledCount === 0 ? null : [...new Set(scans.flatMap((s) => s.classes!))].sort();
  const others = scans.reduce((a, s) => a + s.others, 0);
  const found = scans.flatMap((s) => entriesOf(s.byClass, classNames));
  const { kept: all, skipped } = csv ? applyCsvLabels(dir, found, csv.labelOf) : { kept: found, skipped: [] as SkippedFile[] };

  const name = path.basename(path.resolve(dir));
  const spec = (set: ImageSet): DataSpec => ({
    kind: 'images',
    path: dir,
    size: set.height,
    channels: set.channels as 1 | 3,
    ...(opts.labels !== undefined && { labels: opts.labels }),
    ...(opts.labelColumn !== undefined && { labelColumn: opts.labelColumn }),
  });
  const result = (set: CachedSet, fromCache: boolean): ImageFolderResult => ({
    dataset: { name, spec: spec(set.train), train: set.train, test: set.test, classNames: set.classNames },
    skipped: set.skipped,
    fromCache,
  });
  const { cacheDir } = opts;
  const settings = { size: opts.size, channels: opts.channels, fit: opts.fit, background: opts.background, seed: opts.seed, classNames, csv: csv?.digest };
  const key = cacheDir
    ? await cacheKey(
        dir,
        found.map((e) => e.file),
        settings,
      )
    : null;
  const cached = cacheDir && key ? await readCache(cacheDir, key, dir) : null;
  if (cached) return result(cached, true);

  const metas: Meta[] = [];
  for (const r of await inChunks(all, dir, signal, readMeta)) {
    if ('reason' in r) skipped.push(r);
    else metas.push(r);
  }

  const first = metas[0];
  const ownSize = first && first.width === first.height && metas.every((m) => m.width === first.width && m.height === first.height) ? first.width : 0;
  const o: Decode = {
    size: opts.size ?? (ownSize >= MIN_SIZE && ownSize <= MAX_SIZE ? ownSize : DEFAULT_SIZE),
    channels: opts.channels ?? (metas.some((m) => m.colour) ? 3 : 1),
    fit: opts.fit ?? 'crop',
    background: opts.background ?? '#ffffff',
  };
  // Refused before anything is decoded: a folder of a million photos must not fill the memory first.
  const values = metas.length * o.size * o.size * o.channels;
  const maxValues = opts.maxValues ?? MAX_IDX_VALUES;
  if (values > maxValues) {
    throw new UserError(
      'TOO_LARGE',
      `${dir} holds ${metas.length} images, which at ${o.size}×${o.size}×${o.channels} would be ${values} values, more than the ${maxValues} ` +
        'a dataset may hold here; choose a smaller image size, grey images, or fewer images.',
    );
  }

  let done = 0;
  const decoded = await inChunks(metas, dir, signal, async (m) => {
    try {
      return { meta: m, pixels: await decode(m.file, o) };
    } catch (err) {
      return { meta: m, reason: describeError(err) };
    } finally {
      opts.onProgress?.(++done, metas.length);
    }
  });
  checkStop(signal, dir);
  const good: { file: string; pixels: Float32Array; label: number | null }[] = [];
  for (const r of decoded) {
    if ('reason' in r) skipped.push({ file: r.meta.file, reason: r.reason! });
    else good.push({ file: r.meta.file, pixels: r.pixels, label: r.meta.label });
  }
  if (good.length === 0) throw nothingUsable(dir, found.length, skipped, others);

  const labelled = classNames !== null;
  let train: ImageSet;
  let test: ImageSet;
  if (presplit) {
    const trainRoot = path.join(dir, 'train') + path.sep;
    const inTrain = good.filter((g) => g.file.startsWith(trainRoot));
    const inTest = good.filter((g) => !g.file.startsWith(trainRoot));
    if (inTrain.length === 0 || inTest.length === 0) {
      throw new UserError('NOT_FOUND', `${dir}: ${inTrain.length === 0 ? 'train' : 'test'}/ has no usable image; both train/ and test/ need at least one.`);
    }
    train = toSet(inTrain, o, labelled, dir);
    test = toSet(inTest, o, labelled, dir);
  } else {
    if (good.length < 2) throw new UserError('BAD_SHAPE', `${dir} has one usable image; a dataset needs at least two (one to train on, one to test on).`);
    const split = splitIndices(good.length, opts.seed ?? 0);
    const pick = (idx: number[]) => idx.map((i) => good[i]!);
    train = toSet(pick(split.train), o, labelled, dir);
    test = toSet(pick(split.test), o, labelled, dir);
  }
  const set: CachedSet = { train, test, classNames, skipped };
  if (cacheDir && key) await writeCache(cacheDir, key, dir, set, settings);
  return result(set, false);
}
