import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bounds, buildBuffers, labelCounts } from '../../renderer/src/lib/scatter/buffers.js';
import { nearestToRay, rayPlanePoint, sceneToLatent } from '../../renderer/src/lib/scatter/picking.js';
import { PALETTE } from '../../renderer/src/lib/palette.js';
import { projectTo3d } from '../../src/latent/projection.js';
import { latestOnly } from '../../src/rpc/client.js';

test('buffers: label colours, grey for unlabelled, hidden classes invisible', () => {
  const pos = Float32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2]);
  const b = buildBuffers(pos, Int32Array.from([0, 3, 0]), new Set([0]));
  assert.equal(b.position, pos);
  assert.deepEqual(Array.from(b.visible), [0, 1, 0]);
  assert.deepEqual(
    Array.from(b.color.subarray(3, 6)),
    PALETTE[3]!.map((v) => Math.fround(v)),
  );
  const u = buildBuffers(pos, null, new Set([0]));
  assert.deepEqual(Array.from(u.visible), [1, 1, 1]);
  assert.ok(Math.abs(u.color[0]! - 0.6) < 1e-6);
});

test('bounds and label counts', () => {
  const { center, radius } = bounds(Float32Array.from([-1, 0, 0, 1, 0, 0]));
  assert.deepEqual(center, [0, 0, 0]);
  assert.equal(radius, 1);
  assert.deepEqual(labelCounts(Int32Array.from([2, 0, 2, 2])), [
    { label: 0, count: 1 },
    { label: 2, count: 3 },
  ]);
  assert.deepEqual(labelCounts(null), []);
});

test('projection: 3 dims as is, 2 on a plane, 1 on a line, more by PCA onto the main directions', () => {
  const three = projectTo3d(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3);
  assert.equal(three.projection, 'identity');
  assert.deepEqual(Array.from(three.positions), [1, 2, 3, 4, 5, 6]);
  const two = projectTo3d(Float32Array.from([1, 2, 3, 4]), 2, 2);
  assert.equal(two.projection, 'plane');
  assert.deepEqual(Array.from(two.positions), [1, 2, 0, 3, 4, 0]);
  const one = projectTo3d(Float32Array.from([5, 7]), 2, 1);
  // One dim: x is z; the points are spread up and down a little (y) so that their density shows; z is 0.
  assert.equal(one.projection, 'line');
  assert.deepEqual([one.positions[0], one.positions[2], one.positions[3], one.positions[5]], [5, 0, 7, 0]);
  assert.ok(Math.abs(one.positions[1]!) <= 0.1 && Math.abs(one.positions[4]!) <= 0.1);
  // Five dims where all the variance lies along one direction mixing dims 0 and 4.
  const n = 50;
  const z = new Float32Array(n * 5);
  for (let i = 0; i < n; i++) {
    const t = i - n / 2;
    z[i * 5] = t;
    z[i * 5 + 4] = t;
    z[i * 5 + 2] = (i % 2) * 0.01;
  }
  const p = projectTo3d(z, n, 5);
  assert.equal(p.projection, 'pca');
  assert.ok(p.explained![0]! > 0.99);
  // The first axis carries the spread: |coordinate| = |t − mean t|·√2.
  for (let i = 0; i < n; i++) {
    const centred = i - n / 2 + 0.5;
    assert.ok(Math.abs(Math.abs(p.positions[i * 3]!) - Math.abs(centred) * Math.SQRT2) < 1e-3, `point ${i}: ${p.positions[i * 3]}`);
  }
});

test('picking: the ray meets the camera-facing plane through the target', () => {
  const p = rayPlanePoint([0, 0, 10], [0.1, 0, -1], [0, 0, 0], [0, 0, -1])!;
  assert.ok(Math.abs(p[0] - 1) < 1e-9 && Math.abs(p[2]) < 1e-9);
  assert.equal(rayPlanePoint([0, 0, 10], [1, 0, 0], [0, 0, 0], [0, 0, -1]), null, 'parallel');
  assert.equal(rayPlanePoint([0, 0, 10], [0, 0, 1], [0, 0, 0], [0, 0, -1]), null, 'behind');
  assert.deepEqual(Array.from(sceneToLatent([1, 2, 3], 2)), [1, 2]);
});

test('picking: nearest visible point within the threshold, front one on ties', () => {
  const pos = Float32Array.from([0, 0, 0, 0, 0, 5, 0.5, 0, 0, 3, 3, 3]);
  const ray = { o: [0, 0, 10] as [number, number, number], d: [0, 0, -1] as [number, number, number] };
  assert.equal(nearestToRay(pos, null, ray.o, ray.d, 0.1), 1, 'the one nearer the camera');
  assert.equal(nearestToRay(pos, Float32Array.from([1, 0, 1, 1]), ray.o, ray.d, 0.1), 0, 'hidden points are skipped');
  assert.equal(nearestToRay(pos, Float32Array.from([0, 0, 1, 1]), ray.o, ray.d, 0.1), -1, 'nothing close enough');
  assert.equal(nearestToRay(pos, Float32Array.from([0, 0, 1, 1]), ray.o, ray.d, 1), 2);
});

test('stale answers lose: only the newest call of latestOnly delivers', async () => {
  const resolvers: ((v: string) => void)[] = [];
  const slow = latestOnly((tag: string) => new Promise<string>((r) => resolvers.push(() => r(tag))));
  const a = slow('first');
  const b = slow('second');
  resolvers[1]!('');
  resolvers[0]!('');
  assert.equal(await b, 'second');
  assert.equal(await a, undefined);
});
