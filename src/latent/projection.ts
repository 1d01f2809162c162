import { PCA } from 'ml-pca';

import type { Projection } from '../contract/shapes.js';

export type { Projection };

/** Places more latent points (count × dim) in the same 3D space. */
export type Projector = (z: Float32Array, count: number) => Float32Array;

export interface Projected {
  project: Projector;
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
  if (dim <= 3) {
    const project: Projector = (z, n) => {
      const out = new Float32Array(n * 3);
      for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) out[i * 3 + k] = z[i * dim + k]!;
      return out;
    };
    return { project, positions: project(mean, count), projection: dim === 3 ? 'identity' : dim === 2 ? 'plane' : 'line', explained: null };
  }
  const rowsOf = (z: Float32Array, n: number) => Array.from({ length: n }, (_, i) => Array.from(z.subarray(i * dim, (i + 1) * dim)));
  const pca = new PCA(rowsOf(mean, count), { method: 'covarianceMatrix', center: true, scale: false });
  const project: Projector = (z, n) => {
    const m = pca.predict(rowsOf(z, n), { nComponents: 3 });
    const out = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) out[i * 3 + k] = m.get(i, k);
    return out;
  };
  return { project, positions: project(mean, count), projection: 'pca', explained: pca.getExplainedVariance().slice(0, 3) };
}
