import { stringify } from 'csv-stringify/sync';
import type { Encoded } from '../latent/ops.js';
import type { EpochRecord } from '../contract/shapes.js';

/**
 * Latent coordinates as CSV: index, label, the label's name (when the data
 * names its classes), mean_i…, logvar_i…, and, when given, the 3D position
 * each image has in the scatter. One row per image.
 */
export function encodedToCsv(
  enc: Encoded,
  labels: Int32Array | null,
  positions: Float32Array | null = null,
  classNames: readonly string[] | null = null,
  /** The image number of each row (test images first, then training images); by default the row's own. */
  numbers: readonly number[] | null = null,
  /** Each row's file, relative to the image folder, when the data has them. */
  files: readonly string[] | null = null,
): string {
  const k = enc.latentDim;
  const named = labels !== null && classNames !== null;
  const header = [
    'index',
    'label',
    ...(named ? ['label_name'] : []),
    ...(files ? ['file'] : []),
    ...Array.from({ length: k }, (_, i) => `mean_${i}`),
    ...Array.from({ length: k }, (_, i) => `logvar_${i}`),
    ...(positions ? ['scatter_x', 'scatter_y', 'scatter_z'] : []),
  ];
  const rows: (string | number)[][] = [header];
  for (let r = 0; r < enc.count; r++) {
    rows.push([
      numbers ? numbers[r]! : r,
      labels ? labels[r]! : '',
      ...(named ? [classNames[labels[r]!] ?? ''] : []),
      ...(files ? [files[r]!] : []),
      ...Array.from(enc.mean.subarray(r * k, (r + 1) * k)),
      ...Array.from(enc.logVar.subarray(r * k, (r + 1) * k)),
      ...(positions ? Array.from(positions.subarray(r * 3, r * 3 + 3)) : []),
    ]);
  }
  return stringify(rows);
}

/** The training history as CSV: one row per epoch, losses in nats per image. */
export function historyToCsv(history: readonly EpochRecord[]): string {
  const header = [
    'epoch',
    'train_total',
    'train_recon',
    'train_kl',
    'test_total',
    'test_recon',
    'test_kl',
    'kl_weight',
    'seconds',
    'samples_per_second',
    'backend',
  ];
  return stringify([
    header,
    ...history.map((r) => [
      r.epoch,
      r.train.total,
      r.train.recon,
      r.train.kl,
      r.test.total,
      r.test.recon,
      r.test.kl,
      r.klWeight,
      r.seconds,
      r.samplesPerSecond,
      r.backend,
    ]),
  ]);
}

/** Nearest neighbours, one row each, nearest first: rank, test index, label (and its name), Euclidean distance in latent space. */
export function neighboursToCsv(
  found: readonly { index: number; distance: number }[],
  labels: Int32Array | null,
  classNames: readonly string[] | null,
): string {
  return stringify([
    ['rank', 'index', 'label', 'label_name', 'distance'],
    ...found.map((n, r) => {
      const label = labels ? labels[n.index]! : null;
      return [r + 1, n.index, label ?? '', label === null ? '' : (classNames?.[label] ?? String(label)), n.distance];
    }),
  ]);
}
