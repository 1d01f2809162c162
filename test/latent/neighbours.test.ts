import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearest } from '../../src/latent/neighbours.js';
import { Rng } from '../../src/util/rng.js';

/** The same search by sorting every distance, the obvious way. */
function bySorting(means: Float32Array, dims: number, q: ArrayLike<number>, k: number, exclude: number): { index: number; distance: number }[] {
  const all: { index: number; distance: number }[] = [];
  for (let r = 0; r < means.length / dims; r++) {
    if (r === exclude) continue;
    let d = 0;
    for (let j = 0; j < dims; j++) d += (means[r * dims + j]! - q[j]!) ** 2;
    all.push({ index: r, distance: Math.sqrt(d) });
  }
  return all.sort((a, b) => a.distance - b.distance || a.index - b.index).slice(0, k);
}

test('the k nearest rows in latent space, nearest first, equal to sorting every distance', () => {
  const rng = new Rng(2);
  for (const [count, dims, k] of [
    [500, 3, 8],
    [2000, 16, 25],
    [7, 2, 10],
  ] as const) {
    const means = new Float32Array(count * dims).map(() => rng.normal());
    for (let t = 0; t < 5; t++) {
      const exclude = t % 2 === 0 ? -1 : Math.floor(rng.next() * count);
      const q = exclude >= 0 ? means.subarray(exclude * dims, (exclude + 1) * dims) : Array.from({ length: dims }, () => rng.normal());
      const got = nearest(means, dims, q, k, exclude);
      const want = bySorting(means, dims, q, k, exclude);
      assert.deepEqual(
        got.map((n) => n.index),
        want.map((n) => n.index),
      );
      got.forEach((n, i) => assert.ok(Math.abs(n.distance - want[i]!.distance) < 1e-5));
      assert.ok(!got.some((n) => n.index === exclude), 'the query itself is left out');
    }
  }
});

test('ties go to the lower index; a point with the wrong number of dims is a sentence', () => {
  const means = Float32Array.from([1, 0, 0, 1, -1, 0, 0, -1]);
  assert.deepEqual(
    nearest(means, 2, [0, 0], 4).map((n) => n.index),
    [0, 1, 2, 3],
  );
  assert.throws(() => nearest(means, 2, [0, 0, 0], 2), /The point has 3 values; this model's latent space has 2 dims\./);
});
