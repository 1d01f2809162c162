import type { ProjectionSpec } from '../contract/shapes.js';
import { projectTo3d, type Placement } from './projection.js';
import { placeUmap } from './umap.js';

/**
 * Places `count` latent means with the projection asked for: the quick ones
 * (as is, PCA, chosen axes) at once, a UMAP in its own thread with progress.
 * `end` stops a UMAP still fitting (`done` is then refused with STOPPED). The
 * engine and the command line both place points through this.
 */
export function placeMeans(
  mean: Float32Array,
  count: number,
  dim: number,
  spec: ProjectionSpec,
  onProgress?: (stage: 'fitting' | 'placing', done: number, total: number) => void,
): { done: Promise<Placement>; end(): void } {
  if (spec.method === 'umap') return placeUmap(mean, count, dim, { dims: spec.dims, seed: spec.seed, neighbours: spec.neighbours, onProgress });
  const p = projectTo3d(mean, count, dim, spec);
  return {
    done: Promise.resolve({ positions: p.positions, info: p.info, project: async (z, n) => p.project(z, n), end: () => undefined }),
    end: () => undefined,
  };
}
