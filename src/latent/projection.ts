import { PCA } from 'ml-pca';
import type { Projection, ProjectionInfo, ProjectionSpec } from '../contract/shapes.js';
import { UserError } from '../contract/errors.js';

export type { Projection, ProjectionSpec };

/** Places more latent points (count × dim) in the same scene space (count × 3). */
export type Projector = (z: Float32Array, count: number) => Float32Array;

/** What a projection says about itself, less the time it took. */
export type Described = Omit<ProjectionInfo, 'ms'>;

/** Latent means placed in the scene: their positions, what the projection is, a way to place later points (paths, markers), and its end. */
export interface Placement {
  positions: Float32Array;
  info: Described;
  project(z: Float32Array, count: number): Promise<Float32Array>;
  /** Releases what the projection holds: a UMAP's thread (a fit still running is then refused with STOPPED). */
  end(): void;
}

export interface Projected {
  project: Projector;
  /** count × 3 scatter coordinates. */
  positions: Float32Array;
  projection: Projection;
  /** Share of the variance each of the axes explains (PCA only). */
  explained: number[] | null;
  info: Described;
}

/** A linear projection fitted to the encoded means: its placing function and description. */
interface Fitted {
  project: Projector;
  info: Described;
}

const blank: Omit<Described, 'method' | 'sceneDims' | 'axisNames'> = {
  axes: null,
  center: null,
  components: null,
  explained: null,
  seed: null,
  neighbours: null,
  fittedOn: null,
};

/** Chosen latent dims as the scene's axes (the rest of z is not shown); a third scene axis left at zero for two. */
function onAxes(axes: readonly number[], dim: number): Projector {
  return (z, n) => {
    const out = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) for (let a = 0; a < axes.length; a++) out[i * 3 + a] = z[i * dim + axes[a]!]!;
    return out;
  };
}

const rowsOf = (z: Float32Array, n: number, dim: number) => Array.from({ length: n }, (_, i) => Array.from(z.subarray(i * dim, (i + 1) * dim)));

function asIs(method: 'identity' | 'plane' | 'line', dim: number): Fitted {
  const axes = Array.from({ length: dim }, (_, k) => k);
  const names = axes.map((k) => `z${k}`);
  return {
    project: onAxes(axes, dim),
    info: { ...blank, method, sceneDims: dim === 3 ? 3 : 2, axisNames: dim === 1 ? [...names, 'spread'] : names, axes },
  };
}

/**
 * PCA onto the main directions of variance. The centre and the components
 * travel with the points, so the scatter can map a clicked scene point back
 * to the z on that subspace.
 */
function pca(mean: Float32Array, count: number, dim: number, dims: 2 | 3): Fitted {
  if (dim < 2) throw new UserError('BAD_REQUEST', 'PCA needs at least 2 latent dims; this model has 1.');
  if (count < 2) throw new UserError('BAD_REQUEST', 'PCA needs at least 2 encoded points.');
  const fit = new PCA(rowsOf(mean, count, dim), { method: 'covarianceMatrix', center: true, scale: false });
  const k = Math.min(dims, dim);
  const vectors = fit.getEigenvectors();
  const components = Array.from({ length: k }, (_, c) => Array.from({ length: dim }, (_, d) => vectors.get(d, c)));
  const center = Array.from({ length: dim }, (_, d) => {
    let s = 0;
    for (let i = 0; i < count; i++) s += mean[i * dim + d]!;
    return s / count;
  });
  const project: Projector = (z, n) => {
    const out = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        const comp = components[c]!;
        let s = 0;
        for (let d = 0; d < dim; d++) s += (z[i * dim + d]! - center[d]!) * comp[d]!;
        out[i * 3 + c] = s;
      }
    }
    return out;
  };
  const names = Array.from({ length: k }, (_, c) => `PC${c + 1}`);
  return {
    project,
    info: { ...blank, method: 'pca', sceneDims: dims, axisNames: names, center, components, explained: fit.getExplainedVariance().slice(0, k) },
  };
}

/** The projection 'auto' stands for: as is up to three dims, PCA in 3D beyond. */
export function defaultProjection(dim: number): Projection {
  return dim === 1 ? 'line' : dim === 2 ? 'plane' : dim === 3 ? 'identity' : 'pca';
}

/** Refuses axes a model does not have, with the dims it does have. */
export function checkAxes(axes: readonly number[], dim: number): void {
  const missing = axes.filter((a) => a >= dim);
  if (missing.length > 0) {
    throw new UserError(
      'BAD_REQUEST',
      `Latent dim${missing.length === 1 ? '' : 's'} ${missing.map((a) => `z${a}`).join(', ')} do${missing.length === 1 ? 'es' : ''} not exist: this model has ${dim} (z0 to z${dim - 1}).`,
    );
  }
  if (new Set(axes).size !== axes.length) throw new UserError('BAD_REQUEST', 'Choose different latent dims for the axes.');
}

/**
 * Places latent means in the scene with a linear projection: as they are (3
 * dims in space, 2 on a plane, 1 on a jittered line), PCA onto 2 or 3
 * directions, or chosen latent dims as the axes. UMAP, which is not linear
 * and takes seconds, is placed by placeUmap (umap.ts).
 */
export function projectTo3d(mean: Float32Array, count: number, dim: number, spec: ProjectionSpec = { method: 'auto' }): Projected {
  let fitted: Fitted;
  switch (spec.method) {
    case 'auto': {
      const method = defaultProjection(dim);
      fitted = method === 'pca' ? pca(mean, count, dim, 3) : asIs(method as 'identity' | 'plane' | 'line', dim);
      break;
    }
    case 'pca':
      fitted = pca(mean, count, dim, spec.dims);
      break;
    case 'axes':
      checkAxes(spec.axes, dim);
      fitted = {
        project: onAxes(spec.axes, dim),
        info: { ...blank, method: 'axes', sceneDims: spec.axes.length === 3 ? 3 : 2, axisNames: spec.axes.map((a) => `z${a}`), axes: [...spec.axes] },
      };
      break;
    case 'umap':
      throw new UserError('BAD_REQUEST', 'UMAP is fitted in a thread of its own: place it with placeUmap.');
  }
  const positions = fitted.project(mean, count);
  if (fitted.info.method === 'line') jitter(positions, count);
  return { project: fitted.project, positions, projection: fitted.info.method, explained: fitted.info.explained, info: fitted.info };
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
