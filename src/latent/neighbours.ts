import { UserError } from '../contract/errors.js';

/** One neighbour: a row of the encoded set and its Euclidean distance in latent space. */
export interface Neighbour {
  index: number;
  distance: number;
}

/**
 * The k rows of `means` (count × dims, row-major) nearest to `query` in
 * latent space (Euclidean, over every latent dim, not in any projection),
 * nearest first; `exclude` leaves one row out (the query's own image). Ties
 * go to the lower index. A bounded insertion list keeps it O(count · k) with
 * no allocation per row: 70,000 rows take milliseconds.
 */
export function nearest(means: Float32Array, dims: number, query: ArrayLike<number>, k: number, exclude = -1): Neighbour[] {
  if (query.length !== dims) throw new UserError('BAD_REQUEST', `The point has ${query.length} values; this model's latent space has ${dims} dims.`);
  const count = means.length / dims;
  const want = Math.min(k, count - (exclude >= 0 && exclude < count ? 1 : 0));
  const idx = new Int32Array(want);
  const dist = new Float64Array(want).fill(Infinity);
  let held = 0;
  for (let r = 0; r < count; r++) {
    if (r === exclude) continue;
    let d = 0;
    const at = r * dims;
    for (let j = 0; j < dims; j++) {
      const diff = means[at + j]! - query[j]!;
      d += diff * diff;
    }
    if (held === want && d >= dist[want - 1]!) continue;
    // Insert in order; the farthest held falls off the end.
    let p = held < want ? held++ : want - 1;
    while (p > 0 && dist[p - 1]! > d) {
      dist[p] = dist[p - 1]!;
      idx[p] = idx[p - 1]!;
      p--;
    }
    dist[p] = d;
    idx[p] = r;
  }
  return Array.from({ length: held }, (_, i) => ({ index: idx[i]!, distance: Math.sqrt(dist[i]!) }));
}
