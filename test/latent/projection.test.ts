import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultProjection, projectTo3d, PROJECTIONS } from '../../src/latent/projection.js';
import { UserError } from '../../src/contract/errors.js';
import { Rng } from '../../src/util/rng.js';

test('each latent size gets its projection from the registry: line, plane, identity, then PCA', () => {
  assert.deepEqual([1, 2, 3, 4, 16].map(defaultProjection), ['line', 'plane', 'identity', 'pca', 'pca']);
  for (const dim of [1, 2, 3, 7]) {
    const suited = Object.entries(PROJECTIONS)
      .filter(([, m]) => m.suits(dim))
      .map(([n]) => n);
    assert.equal(suited.length, 1, `exactly one projection suits ${dim} dims: ${suited.join(', ')}`);
  }
});

test('up to three dims are placed as they are, the missing axes at zero', () => {
  const p = projectTo3d(Float32Array.from([1, 2, 3, 4]), 2, 2);
  assert.equal(p.projection, 'plane');
  assert.deepEqual(Array.from(p.positions), [1, 2, 0, 3, 4, 0]);
  assert.deepEqual(Array.from(p.project(Float32Array.from([5, 6]), 1)), [5, 6, 0]);
});

test('one dim: the points are spread in a strip around the line, the same way every time; later points stay on the line', () => {
  const rng = new Rng(5);
  const mean = new Float32Array(500).map(() => rng.normal() * 2);
  const p = projectTo3d(mean, 500, 1);
  assert.equal(p.projection, 'line');
  const ys = Array.from({ length: 500 }, (_, i) => p.positions[i * 3 + 1]!);
  for (let i = 0; i < 500; i++) assert.equal(p.positions[i * 3], mean[i], 'x is z itself');
  const range = Math.max(...mean) - Math.min(...mean);
  assert.ok(Math.max(...ys.map(Math.abs)) <= range / 20 + 1e-6, 'within a tenth of the range');
  assert.ok(new Set(ys.map((y) => y.toFixed(4))).size > 400, 'spread, not on the line');
  assert.deepEqual(Array.from(projectTo3d(mean, 500, 1).positions), Array.from(p.positions), 'the same strip every time');
  assert.deepEqual(Array.from(p.project(Float32Array.from([1.5]), 1)), [1.5, 0, 0], 'a path or the marker stays on the line');
});

test('PCA places the means and any later point in the same space, with the variance each axis explains', () => {
  const rng = new Rng(3);
  const count = 200;
  const dim = 6;
  const mean = new Float32Array(count * dim);
  // Most variance along dim 0, then 1, then 2; little elsewhere.
  for (let i = 0; i < count; i++) for (let k = 0; k < dim; k++) mean[i * dim + k] = rng.normal() * [5, 3, 2, 0.1, 0.1, 0.1][k]!;
  const p = projectTo3d(mean, count, dim);
  assert.equal(p.projection, 'pca');
  assert.ok(p.explained![0]! > p.explained![1]! && p.explained![1]! > p.explained![2]!);
  assert.ok(p.explained!.reduce((a, b) => a + b, 0) > 0.95);
  const again = p.project(mean.subarray(0, dim * 5), 5);
  for (let i = 0; i < 15; i++) assert.ok(Math.abs(again[i]! - p.positions[i]!) < 1e-4);
});

test('a projection that does not suit the latent size is refused with a sentence', () => {
  assert.throws(
    () => projectTo3d(new Float32Array(8), 2, 4, 'identity'),
    (e: unknown) => e instanceof UserError && /identity projection does not suit 4 latent dims/.test(e.message),
  );
});
