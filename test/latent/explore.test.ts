import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addNoise, interpolate, manifoldGrid, noiseOf, parseNoise, priorSamples, traverse } from '../../src/latent/explore.js';

const close = (a: number, b: number, tol = 1e-5) => Math.abs(a - b) <= tol;

test('linear interpolation includes both ends and moves evenly', () => {
  const p = interpolate(Float32Array.from([0, 0]), Float32Array.from([4, -2]), 5);
  assert.deepEqual(Array.from(p), [0, 0, 1, -0.5, 2, -1, 3, -1.5, 4, -2]);
  assert.throws(() => interpolate(Float32Array.from([0]), Float32Array.from([1, 2]), 3), /same number of latent dims/);
  assert.throws(() => interpolate(Float32Array.from([0]), Float32Array.from([1]), 1), /from 2 to 256/);
});

test('spherical interpolation follows the arc: ends kept, norm interpolated, direction rotating evenly', () => {
  const a = Float32Array.from([2, 0]);
  const b = Float32Array.from([0, 4]);
  const p = interpolate(a, b, 3, 'spherical');
  assert.ok(close(p[0]!, 2) && close(p[1]!, 0) && close(p[4]!, 0) && close(p[5]!, 4));
  // Midpoint: 45°, length (2 + 4) / 2 = 3.
  assert.ok(close(p[2]!, 3 / Math.SQRT2) && close(p[3]!, 3 / Math.SQRT2));
  // Linear would pass through (1, 2), shorter than both ends.
  assert.ok(Math.hypot(p[2]!, p[3]!) > Math.hypot(1, 2));
  // From the origin there is no arc: linear.
  assert.deepEqual(Array.from(interpolate(Float32Array.from([0, 0]), b, 3, 'spherical')), [0, 0, 0, 2, 0, 4]);
});

test('traversal: one row per dim, that dim swept over the range, the others held', () => {
  const z = Float32Array.from([0.5, -1, 2]);
  const t = traverse(z, 3, 4);
  assert.equal(t.length, 3 * 4 * 3);
  const row1 = Array.from({ length: 4 }, (_, s) => Array.from(t.subarray((4 + s) * 3, (4 + s) * 3 + 3)));
  assert.deepEqual(row1, [
    [0.5, -3, 2],
    [0.5, -1, 2],
    [0.5, 1, 2],
    [0.5, 3, 2],
  ]);
});

test('prior samples are standard normal and reproducible for a seed', () => {
  const s = priorSamples(1000, 4, 7);
  assert.deepEqual(Array.from(priorSamples(1000, 4, 7)), Array.from(s));
  assert.notDeepEqual(Array.from(priorSamples(10, 4, 8)), Array.from(s.subarray(0, 40)));
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const variance = s.reduce((a, b) => a + (b - mean) ** 2, 0) / s.length;
  assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.08, `variance ${variance}`);
});

test('manifold grid: columns sweep dim i left to right, rows sweep dim j top (+) to bottom (−), others held', () => {
  const g = manifoldGrid(Float32Array.from([9, 9, 9]), [0, 2], 3, 2);
  const at = (r: number, c: number) => Array.from(g.subarray((r * 3 + c) * 3, (r * 3 + c) * 3 + 3));
  assert.deepEqual(at(0, 0), [-2, 9, 2]);
  assert.deepEqual(at(0, 2), [2, 9, 2]);
  assert.deepEqual(at(2, 1), [0, 9, -2]);
  assert.throws(() => manifoldGrid(Float32Array.from([0, 0]), [0, 0], 3, 2), /two different dims/);
  assert.throws(() => manifoldGrid(Float32Array.from([0, 0]), [0, 2], 3, 2), /from 0 to 1/);
});

test('noise: Gaussian stays in [0, 1] with about the asked spread; salt and pepper flips about p of the pixels', () => {
  const clean = new Float32Array(20000).fill(0.5);
  const g = addNoise(clean, { kind: 'gaussian', sigma: 0.1 }, 1);
  const sd = Math.sqrt(g.reduce((a, v) => a + (v - 0.5) ** 2, 0) / g.length);
  assert.ok(g.every((v) => v >= 0 && v <= 1));
  assert.ok(Math.abs(sd - 0.1) < 0.01, `sd ${sd}`);
  const sp = addNoise(clean, { kind: 'saltpepper', p: 0.2 }, 2);
  const flipped = sp.filter((v) => v !== 0.5).length / sp.length;
  assert.ok(Math.abs(flipped - 0.2) < 0.02, `flipped ${flipped}`);
  assert.deepEqual(parseNoise('gaussian:0.3'), { kind: 'gaussian', sigma: 0.3 });
  assert.deepEqual(parseNoise('saltpepper:0.2'), { kind: 'saltpepper', p: 0.2 });
  assert.throws(() => parseNoise('poisson:1'), /write gaussian:σ or saltpepper:p/);
  assert.throws(() => parseNoise('saltpepper:2'), /p must be above 0 and at most 1/);
  // The same rule for the contract's { noise, amount } (the Denoising view, a denoising VAE), by kind.
  assert.deepEqual(noiseOf({ noise: 'gaussian', amount: 3 }), { kind: 'gaussian', sigma: 3 });
  assert.throws(() => noiseOf({ noise: 'saltpepper', amount: 3 }), /p must be above 0 and at most 1/);
  assert.throws(() => noiseOf({ noise: 'gaussian', amount: 6 }), /σ must be above 0 and at most 5/);
});
