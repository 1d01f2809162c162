import { UserError } from '../contract/errors.js';
import { Rng } from '../util/rng.js';
import { differentDims, EXPLORE_FIELDS as F, problem } from '../contract/fields.js';

/**
 * Latent-space walks and grids: pure functions that produce the z to decode,
 * row-major (count × dim). The engine decodes them; the UI and the CLI lay the
 * images out.
 */

export type PathKind = 'linear' | 'spherical';

function check(cond: boolean, message: string): void {
  if (!cond) throw new UserError('BAD_REQUEST', message);
}

/** Refuses a value its contract field refuses, with the field's own sentence. */
function checkField(field: Parameters<typeof problem>[0], value: number): void {
  const p = problem(field, value);
  if (p !== null) throw new UserError('BAD_REQUEST', p);
}

/**
 * `steps` points from a to b, both ends included. Spherical interpolation
 * follows the great circle between the two directions while interpolating the
 * norm linearly, which keeps intermediate points at a typical distance from
 * the origin under a Gaussian prior; it falls back to linear when a or b is
 * (nearly) zero or they point the same way.
 */
export function interpolate(a: Float32Array, b: Float32Array, steps: number, kind: PathKind = 'linear'): Float32Array {
  check(a.length === b.length && a.length > 0, 'Both ends need the same number of latent dims.');
  checkField(F.pathSteps, steps);
  const d = a.length;
  const out = new Float32Array(steps * d);
  const na = Math.hypot(...a);
  const nb = Math.hypot(...b);
  let omega = 0;
  if (kind === 'spherical' && na > 1e-8 && nb > 1e-8) {
    let cos = 0;
    for (let k = 0; k < d; k++) cos += (a[k]! / na) * (b[k]! / nb);
    omega = Math.acos(Math.max(-1, Math.min(1, cos)));
  }
  for (let s = 0; s < steps; s++) {
    const t = s / (steps - 1);
    if (omega > 1e-6) {
      const wa = Math.sin((1 - t) * omega) / Math.sin(omega);
      const wb = Math.sin(t * omega) / Math.sin(omega);
      const norm = (1 - t) * na + t * nb;
      // Direction on the great circle, then the interpolated length.
      let len = 0;
      const dir = new Float64Array(d);
      for (let k = 0; k < d; k++) {
        dir[k] = wa * (a[k]! / na) + wb * (b[k]! / nb);
        len += dir[k]! * dir[k]!;
      }
      len = Math.sqrt(len);
      for (let k = 0; k < d; k++) out[s * d + k] = (dir[k]! / len) * norm;
    } else {
      for (let k = 0; k < d; k++) out[s * d + k] = (1 - t) * a[k]! + t * b[k]!;
    }
  }
  return out;
}

/**
 * One row per latent dim: that dim swept over [−range, range] in `steps`
 * values (around zero, not around the point: the classic traversal figure),
 * the other dims held at `z`. Returns dim × steps points.
 */
export function traverse(z: Float32Array, range: number, steps: number): Float32Array {
  checkField(F.range, range);
  checkField(F.traverseSteps, steps);
  const d = z.length;
  const out = new Float32Array(d * steps * d);
  for (let row = 0; row < d; row++) {
    for (let s = 0; s < steps; s++) {
      const at = (row * steps + s) * d;
      out.set(z, at);
      out[at + row] = -range + (2 * range * s) / (steps - 1);
    }
  }
  return out;
}

/** n draws from the prior N(0, I), reproducible for a seed. */
export function priorSamples(n: number, dim: number, seed: number): Float32Array {
  checkField(F.priorSamples, n);
  const rng = new Rng(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

/**
 * The classic 2D manifold figure: a grid × grid lattice over dims (i, j) from
 * −range to range, rows running from +range at the top down to −range, the
 * other dims held at `base`. Returns grid² points, row-major as drawn.
 */
export function manifoldGrid(base: Float32Array, dims: [number, number], grid: number, range: number): Float32Array {
  const d = base.length;
  const [i, j] = dims;
  check(Number.isInteger(i) && Number.isInteger(j) && i >= 0 && j >= 0 && i < d && j < d && i !== j, differentDims(d));
  checkField(F.grid, grid);
  checkField(F.range, range);
  const out = new Float32Array(grid * grid * d);
  for (let r = 0; r < grid; r++) {
    for (let c = 0; c < grid; c++) {
      const at = (r * grid + c) * d;
      out.set(base, at);
      out[at + i] = -range + (2 * range * c) / (grid - 1);
      out[at + j] = range - (2 * range * r) / (grid - 1);
    }
  }
  return out;
}

export type Noise = { kind: 'gaussian'; sigma: number } | { kind: 'saltpepper'; p: number };

/**
 * The contract's noise ({ noise, amount }: a denoising VAE's, the Denoising
 * view's) as the generator takes it, its amount checked by its kind's rule:
 * σ up to 5, a share of pixels up to 1.
 */
export function noiseOf(n: { noise: 'gaussian' | 'saltpepper'; amount: number }): Noise {
  if (n.noise === 'gaussian') {
    checkField(F.noiseSigma, n.amount);
    return { kind: 'gaussian', sigma: n.amount };
  }
  checkField(F.noiseShare, n.amount);
  return { kind: 'saltpepper', p: n.amount };
}

/** Parses "gaussian:0.3" or "saltpepper:0.2". */
export function parseNoise(text: string): Noise {
  const m = /^(gaussian|saltpepper):([0-9]*\.?[0-9]+)$/.exec(text.trim());
  if (!m) throw new UserError('BAD_CONFIG', `Noise "${text}": write gaussian:σ or saltpepper:p, e.g. gaussian:0.3.`);
  return noiseOf({ noise: m[1] as 'gaussian' | 'saltpepper', amount: Number(m[2]) });
}

/**
 * Noisy copies of images in [0, 1]: Gaussian noise of σ (clipped to [0, 1]),
 * or salt and pepper (each pixel with probability p set to 0 or 1 at even odds).
 */
export function addNoise(pixels: Float32Array, noise: Noise, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    if (noise.kind === 'gaussian') {
      out[i] = Math.min(1, Math.max(0, pixels[i]! + noise.sigma * rng.normal()));
    } else {
      out[i] = rng.next() < noise.p ? (rng.next() < 0.5 ? 0 : 1) : pixels[i]!;
    }
  }
  return out;
}
