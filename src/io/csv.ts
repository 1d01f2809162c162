import { stringify } from 'csv-stringify/sync';
import type { Encoded } from '../latent/ops.js';

/** Latent coordinates as CSV: index, label, mean_i…, logvar_i…, one row per image. */
export function encodedToCsv(enc: Encoded, labels: Int32Array | null, indexOffset = 0): string {
  const k = enc.latentDim;
  const header = ['index', 'label', ...Array.from({ length: k }, (_, i) => `mean_${i}`), ...Array.from({ length: k }, (_, i) => `logvar_${i}`)];
  const rows: (string | number)[][] = [header];
  for (let r = 0; r < enc.count; r++) {
    rows.push([
      r + indexOffset,
      labels ? labels[r]! : '',
      ...Array.from(enc.mean.subarray(r * k, (r + 1) * k)),
      ...Array.from(enc.logVar.subarray(r * k, (r + 1) * k)),
    ]);
  }
  return stringify(rows);
}
