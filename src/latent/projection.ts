import { PCA } from 'ml-pca';

export type Projection = 'identity' | 'pca' | 'plane' | 'line';

export interface Projected {
  /** count × 3 scatter coordinates. */
  positions: Float32Array;
  projection: Projection;
  /** Share of the variance each of the three axes explains (PCA only). */
  explained: number[] | null;
}

/**
 * Places latent means in 3D: three dims as they are, two on the z = 0 plane,
 * one on the x axis, more by PCA onto the three main directions of variance.
 */
export function projectTo3d(mean: Float32Array, count: number, dim: number): Projected {
  const positions = new Float32Array(count * 3);
  if (dim <= 3) {
    for (let i = 0; i < count; i++) for (let k = 0; k < dim; k++) positions[i * 3 + k] = mean[i * dim + k]!;
    return { positions, projection: dim === 3 ? 'identity' : dim === 2 ? 'plane' : 'line', explained: null };
  }
  const rows: number[][] = Array.from({ length: count }, (_, i) => Array.from(mean.subarray(i * dim, (i + 1) * dim)));
  const pca = new PCA(rows, { method: 'covarianceMatrix', center: true, scale: false });
  const out = pca.predict(rows, { nComponents: 3 });
  for (let i = 0; i < count; i++) for (let k = 0; k < 3; k++) positions[i * 3 + k] = out.get(i, k);
  return { positions, projection: 'pca', explained: pca.getExplainedVariance().slice(0, 3) };
}
