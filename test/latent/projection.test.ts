import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultProjection, projectTo3d } from '../../src/latent/projection.js';
import { placeUmap } from '../../src/latent/umap.js';
import { describeProjection } from '../../src/contract/describe.js';
import { UserError } from '../../src/contract/errors.js';
import { Rng } from '../../src/util/rng.js';

test('each latent size gets its own projection by default: line, plane, identity, then PCA in 3D', () => {
  assert.deepEqual([1, 2, 3, 4, 16].map(defaultProjection), ['line', 'plane', 'identity', 'pca', 'pca']);
  const p = projectTo3d(
    new Float32Array(40).map((_, i) => Math.sin(i)),
    5,
    8,
  );
  assert.equal(p.info.sceneDims, 3);
  assert.deepEqual(p.info.axisNames, ['PC1', 'PC2', 'PC3']);
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

test('PCA in 2D: two axes, the scene z at zero, and the centre and components map a scene point back to z on that plane', () => {
  const rng = new Rng(8);
  const count = 300;
  const dim = 5;
  const mean = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) for (let k = 0; k < dim; k++) mean[i * dim + k] = 1 + rng.normal() * [4, 2, 0.1, 0.1, 0.1][k]!;
  const p = projectTo3d(mean, count, dim, { method: 'pca', dims: 2 });
  assert.equal(p.info.sceneDims, 2);
  assert.deepEqual(p.info.axisNames, ['PC1', 'PC2']);
  for (let i = 0; i < count; i++) assert.equal(p.positions[i * 3 + 2], 0);
  // Back from the scene: centre + Σ p_c · component_c, then placed again, lands where it started.
  const { center, components } = p.info;
  const z = Float32Array.from(center!, (c, d) => c + 1.5 * components![0]![d]! - 0.5 * components![1]![d]!);
  const again = p.project(z, 1);
  assert.ok(Math.abs(again[0]! - 1.5) < 1e-4 && Math.abs(again[1]! + 0.5) < 1e-4, `placed at ${Array.from(again)}`);
  assert.match(describeProjection({ ...p.info, ms: 3 }, dim, count), /5 latent dims projected to 2D by PCA \(\d+% \+ \d+% of the variance\)/);
});

test('chosen latent dims as the axes: those coordinates exactly, and dims the model lacks refused with the ones it has', () => {
  const mean = Float32Array.from([0, 1, 2, 3, 4, 10, 11, 12, 13, 14]);
  const p = projectTo3d(mean, 2, 5, { method: 'axes', axes: [4, 1] });
  assert.deepEqual(Array.from(p.positions), [4, 1, 0, 14, 11, 0]);
  assert.deepEqual(p.info.axisNames, ['z4', 'z1']);
  assert.equal(p.info.sceneDims, 2);
  assert.match(describeProjection({ ...p.info, ms: 0 }, 5, 2), /z4, z1 as the axes; the other 3 are not shown/);
  assert.throws(
    () => projectTo3d(mean, 2, 5, { method: 'axes', axes: [0, 7, 9] }),
    (e: unknown) => e instanceof UserError && /z7, z9 do not exist: this model has 5 \(z0 to z4\)/.test(e.message),
  );
});

test('UMAP is seeded: the same seed gives the same picture, another seed another; a sample is fitted and the rest placed', async () => {
  const rng = new Rng(2);
  const count = 400;
  const dim = 6;
  // Four clusters far apart.
  const mean = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) for (let k = 0; k < dim; k++) mean[i * dim + k] = (k === i % 4 ? 8 : 0) + rng.normal() * 0.3;
  const run = async (seed: number, sample?: number) => {
    const stages = new Set<string>();
    const u = await placeUmap(mean, count, dim, { dims: 2, seed, neighbours: 10, sample, onProgress: (s) => stages.add(s) }).done;
    const later = await u.project(mean.subarray(0, dim * 3), 3);
    u.end();
    return { u, stages, later };
  };
  const a = await run(7);
  const b = await run(7);
  const c = await run(8);
  assert.deepEqual(Array.from(a.u.positions), Array.from(b.u.positions), 'same seed, same positions');
  assert.notDeepEqual(Array.from(a.u.positions), Array.from(c.u.positions), 'another seed moves them');
  assert.equal(a.u.info.fittedOn, count);
  assert.ok(a.stages.has('fitting') && !a.stages.has('placing'), 'all points fitted: nothing left to place');
  for (let i = 0; i < count; i++) assert.equal(a.u.positions[i * 3 + 2], 0, '2D: z stays 0');
  // Clusters stay together: each point's nearest other point on the map shares its cluster.
  const d2 = (i: number, j: number) => (a.u.positions[i * 3]! - a.u.positions[j * 3]!) ** 2 + (a.u.positions[i * 3 + 1]! - a.u.positions[j * 3 + 1]!) ** 2;
  let same = 0;
  for (let i = 0; i < count; i++) {
    let best = -1;
    for (let j = 0; j < count; j++) if (j !== i && (best < 0 || d2(i, j) < d2(i, best))) best = j;
    if (best % 4 === i % 4) same++;
  }
  assert.ok(same / count > 0.95, `${same} of ${count} nearest on the map share a cluster`);
  assert.equal(a.later.length, 9, 'later points are placed in the same space');
  const sampled = await run(7, 100);
  assert.equal(sampled.u.info.fittedOn, 100);
  assert.ok(sampled.stages.has('placing'), 'the other 300 are placed by the transform');
  assert.ok(Array.from(sampled.u.positions).every(Number.isFinite));
});

test('a UMAP ended while it fits is refused as stopped, and its thread does not keep the process alive', async () => {
  const mean = new Float32Array(2000 * 4).map((_, i) => Math.sin(i * 0.37));
  const job = placeUmap(mean, 2000, 4, { dims: 2, seed: 1, neighbours: 15 });
  job.end();
  await assert.rejects(job.done, (e: unknown) => e instanceof UserError && e.code === 'STOPPED');
});
