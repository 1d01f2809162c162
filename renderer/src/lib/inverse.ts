import type { ProjectionInfo } from '../../../src/contract/shapes.js';

/**
 * The z a scene point stands for, under the projection the scatter shows:
 * latent dims shown as axes take the point's coordinates (the others 0, the
 * prior's mean); PCA gives the z on its plane or in its space (centre plus
 * the point's share of each component). UMAP has no way back: null.
 */
export function sceneToLatent(p: readonly number[], info: ProjectionInfo, latentDim: number): Float32Array | null {
  const z = new Float32Array(latentDim);
  if (info.method === 'pca' && info.center && info.components) {
    z.set(info.center);
    info.components.forEach((comp, c) => comp.forEach((v, d) => (z[d]! += p[c]! * v)));
    return z;
  }
  if (info.axes) {
    info.axes.forEach((dim, c) => (z[dim] = p[c]!));
    return z;
  }
  return null;
}
