import type { ExploreInput } from '../contract/schemas.js';
import { LIMITS } from '../contract/limits.js';
import { imagesOf, subset, type Images, type ImageSet } from '../data/dataset.js';
import type { VaeModel } from '../model/vae-model.js';
import { UserError } from '../contract/errors.js';
import { ONE_DIM } from '../contract/fields.js';
import { addNoise, interpolate, manifoldGrid, noiseOf, priorSamples, traverse } from './explore.js';
import { decodeZ, encodeSet, reconstruct } from './ops.js';

/** Images decoded for a view, in rows of `cols`, each row optionally labelled. */
export interface ViewImages {
  images: Images;
  cols: number;
  /** The latent points decoded (for denoising: the z of the reconstructions). */
  z: Float32Array;
  /** One label per row (the dim a traversal varies, the z of a manifold grid's row, what a denoising row shows), or none. */
  rowLabels: string[];
  /** One label per column (the value a column takes, an interpolation's t, a test image's number), or none. */
  colLabels: string[];
  /** True when z is a path worth drawing in the scatter (an interpolation). */
  path: boolean;
}

/**
 * The explore views, decoded: a path between two test images, a traversal of
 * every dim, prior samples, a manifold grid, or denoising. The one
 * implementation behind the app's Explore panel and the command line's
 * interpolate, traverse, sample, manifold and denoise.
 */
export async function exploreView(vae: VaeModel, test: ImageSet, input: ExploreInput, imageAt?: (i: number) => ImageSet): Promise<ViewImages> {
  const k = vae.config.latentDim;
  // A path may start or end at any numbered image (the engine numbers training images after the test images); by default, test images only.
  const meanOf = async (i: number) => {
    if (imageAt) return (await encodeSet(vae, imageAt(i))).mean;
    if (i >= test.count) throw new UserError('BAD_REQUEST', `Test image ${i} does not exist; there are ${test.count}.`);
    return (await encodeSet(vae, subset(test, [i]))).mean;
  };
  const decoded = async (z: Float32Array, cols: number, rowLabels: string[], colLabels: string[], path = false): Promise<ViewImages> => {
    const count = z.length / k;
    if (count > LIMITS.decodePoints) {
      throw new UserError('TOO_LARGE', `This view would decode ${count} images; at most ${LIMITS.decodePoints} fit in one. Use fewer steps.`);
    }
    return { images: imagesOf(vae.config, await decodeZ(vae, z)), cols, z, rowLabels, colLabels, path };
  };
  switch (input.kind) {
    case 'interpolate': {
      const [a, b] = [await meanOf(input.from), await meanOf(input.to)];
      const t = Array.from({ length: input.steps }, (_, s) => `t ${(s / (input.steps - 1)).toFixed(2)}`);
      return decoded(interpolate(a, b, input.steps, input.path), input.steps, [`#${input.from} → #${input.to} (${input.path})`], t, true);
    }
    case 'traverse':
      return decoded(
        traverse(await meanOf(input.index), input.range, input.steps),
        input.steps,
        Array.from({ length: k }, (_, d) => `z${d}`),
        spread(input.range, input.steps),
      );
    case 'prior':
      return decoded(priorSamples(input.n, k, input.seed), Math.ceil(Math.sqrt(input.n)), [], []);
    case 'manifold': {
      if (k < 2) throw new UserError('BAD_REQUEST', ONE_DIM);
      const base = input.at === null ? new Float32Array(k) : await meanOf(input.at);
      const [i, j] = input.dims;
      const values = spread(input.range, input.grid);
      return decoded(
        manifoldGrid(base, input.dims, input.grid, input.range),
        input.grid,
        [...values].reverse().map((v) => `z${j} ${v}`),
        values.map((v) => `z${i} ${v}`),
      );
    }
    case 'denoise': {
      const n = Math.min(input.n, test.count);
      const clean = subset(
        test,
        Array.from({ length: n }, (_, i) => i),
      );
      const noisy = addNoise(clean.pixels, noiseOf(input), input.seed);
      const rec = await reconstruct(vae, { ...clean, pixels: noisy }, input.mode, input.seed);
      const pixels = new Float32Array(noisy.length * 3);
      pixels.set(noisy, 0);
      pixels.set(rec.pixels, noisy.length);
      pixels.set(clean.pixels, 2 * noisy.length);
      const how = input.mode === 'mean' ? 'decoded mean (deterministic)' : 'decoded sample (stochastic)';
      return {
        images: imagesOf(vae.config, pixels),
        cols: n,
        z: rec.z,
        path: false,
        rowLabels: ['noisy input', how, 'clean original'],
        colLabels: Array.from({ length: n }, (_, c) => `#${c}`),
      };
    }
  }
}

/** The values a traversal or a grid takes along an axis, from −range to +range, as labels. */
function spread(range: number, steps: number): string[] {
  return Array.from({ length: steps }, (_, s) => {
    const v = -range + (2 * range * s) / (steps - 1);
    return `${v < 0 ? '−' : ''}${Math.abs(v).toFixed(Math.abs(range) < 10 ? 1 : 0)}`;
  });
}
