import { PCA } from 'ml-pca';
import type { Projection } from '../contract/shapes.js';
import { UserError } from '../contract/errors.js';

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

/** One way to place latent points in 3D: which latent sizes it suits, and how it is fitted to the encoded means. */
export interface ProjectionMethod {
  suits(dim: number): boolean;
  fit(mean: Float32Array, count: number, dim: number): Omit<Projected, 'positions' | 'projection'>;
}

/** The first `dim` coordinates as they are, the rest zero: 3 dims in space, 2 on the z = 0 plane, 1 on the x axis. */
function asIs(dim: number): Projector {
  return (z, n) => {
    const out = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) out[i * 3 + k] = z[i * dim + k]!;
    return out;
  };
}

const rowsOf = (z: Float32Array, n: number, dim: number) => Array.from({ length: n }, (_, i) => Array.from(z.subarray(i * dim, (i + 1) * dim)));

/**
 * The projections, by name. Another one (UMAP, chosen axes) plugs in here;
 * the scatter, explore paths and exports all place points through the one the
 * scatter shows.
 */
export const PROJECTIONS: Record<Projection, ProjectionMethod> = {
  identity: { suits: (dim) => dim === 3, fit: (_m, _c, dim) => ({ project: asIs(dim), explained: null }) },
  plane: { suits: (dim) => dim === 2, fit: (_m, _c, dim) => ({ project: asIs(dim), explained: null }) },
  line: { suits: (dim) => dim === 1, fit: (_m, _c, dim) => ({ project: asIs(dim), explained: null }) },
  pca: {
    suits: (dim) => dim > 3,
    fit(mean, count, dim) {
      const pca = new PCA(rowsOf(mean, count, dim), { method: 'covarianceMatrix', center: true, scale: false });
      const project: Projector = (z, n) => {
        const m = pca.predict(rowsOf(z, n, dim), { nComponents: 3 });
        const out = new Float32Array(n * 3);
        for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) out[i * 3 + k] = m.get(i, k);
        return out;
      };
      return { project, explained: pca.getExplainedVariance().slice(0, 3) };
    },
  },
};

/** The projection a latent size gets by default. */
export function defaultProjection(dim: number): Projection {
  return (Object.keys(PROJECTIONS) as Projection[]).find((p) => PROJECTIONS[p].suits(dim))!;
}

/**
 * Places latent means in 3D with the named projection (by default: three dims
 * as they are, two on a plane, one on a line, more by PCA onto the three main
 * directions of variance).
 */
export function projectTo3d(mean: Float32Array, count: number, dim: number, projection: Projection = defaultProjection(dim)): Projected {
  const method = PROJECTIONS[projection];
  if (!method.suits(dim)) throw new UserError('BAD_REQUEST', `The ${projection} projection does not suit ${dim} latent dims.`);
  const fitted = method.fit(mean, count, dim);
  const positions = fitted.project(mean, count);
  if (projection === 'line') jitter(positions, count);
  return { ...fitted, projection, positions };
}

/**
 * One latent dim: the encoded points are spread up and down at random (the
 * same way every time, by index) over a tenth of their range, so that where
 * they crowd shows as a dense strip instead of overdrawn dots on a line. Only
 * the set's own positions move; later points (paths, the marker) stay on the line.
 */
function jitter(positions: Float32Array, count: number): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < count; i++) {
    lo = Math.min(lo, positions[i * 3]!);
    hi = Math.max(hi, positions[i * 3]!);
  }
  const height = Math.max(1e-3, (hi - lo) / 10);
  for (let i = 0; i < count; i++) {
    // A hash of the index in [0, 1): no generator state, the same strip for the same set.
    const u = (Math.imul(i + 1, 0x9e3779b1) >>> 0) / 2 ** 32;
    positions[i * 3 + 1] = (u - 0.5) * height;
  }
}
