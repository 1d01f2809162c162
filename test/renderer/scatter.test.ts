import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as THREE from 'three';
import { bounds, buildBuffers, chosenRows, labelCounts, posteriorSigma, uncertaintyScales } from '../../renderer/src/lib/scatter/buffers.js';
import { rayPlanePoint, sceneToLatent } from '../../renderer/src/lib/scatter/picking.js';
import { ScreenIndex } from '../../renderer/src/lib/scatter/screen-index.js';
import { chooseThumbnails } from '../../renderer/src/lib/scatter/lod.js';
import { AtlasCells, atlasLayout } from '../../renderer/src/lib/scatter/atlas.js';
import { axisTicks, niceStep, niceTicks, tickLabel } from '../../renderer/src/lib/scatter/axes.js';
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

/** A camera at z = 10 looking at the origin, 90° field of view, on a 200 × 200 px canvas: 10 px per unit at z = 0. */
function frontCamera(): { viewProj: number[]; camera: THREE.PerspectiveCamera } {
  const camera = new THREE.PerspectiveCamera(90, 1, 1, 100);
  camera.position.set(0, 0, 10);
  camera.lookAt(0, 0, 0);
  camera.updateMatrixWorld();
  const vp = new THREE.Matrix4().multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse);
  return { viewProj: vp.elements, camera };
}

test('screen index: points land where three.js projects them, in CSS pixels from the top left', () => {
  const { viewProj, camera } = frontCamera();
  const pos = Float32Array.from([0, 0, 0, 1, 2, 0, -3, 1.5, 4]);
  const index = new ScreenIndex(pos, null, viewProj, 200, 100);
  assert.deepEqual(Array.from(index.rows), [0, 1, 2]);
  for (let i = 0; i < 3; i++) {
    const p = new THREE.Vector3(pos[i * 3], pos[i * 3 + 1], pos[i * 3 + 2]).project(camera);
    assert.ok(Math.abs(index.xy[i * 2]! - ((p.x + 1) / 2) * 200) < 1e-6, `x of ${i}`);
    assert.ok(Math.abs(index.xy[i * 2 + 1]! - ((1 - p.y) / 2) * 100) < 1e-6, `y of ${i}`);
  }
  // 10 px per unit across (200 px for 20 units at z = 0) and 5 down; up in the scene is up on screen.
  assert.ok(Math.abs(index.xy[2]! - 110) < 1e-6 && Math.abs(index.xy[3]! - 40) < 1e-6, `point 1 at ${index.xy[2]}, ${index.xy[3]}`);
});

test('screen index: the nearest point within the radius, the one nearer the camera on ties, hidden and unseen points left out', () => {
  const { viewProj } = frontCamera();
  // Rows: 0 at the centre; 1 straight in front of it (same pixel); 2 one unit right (10 px);
  // 3 behind the camera, whose projection would otherwise fall near the centre; 4 beyond the far plane.
  const pos = Float32Array.from([0, 0, 0, 0, 0, 5, 1, 0, 0, 0.1, 0, 20, 0, 0, -200]);
  const index = new ScreenIndex(pos, null, viewProj, 200, 200);
  assert.equal(index.count, 3, 'behind the camera and past the far plane: not on screen');
  assert.ok(!Array.from(index.rows).includes(3) && !Array.from(index.rows).includes(4));
  assert.equal(index.nearest(100, 100, 5), 1, 'two points on one pixel: the front one');
  assert.equal(index.nearest(101, 100, 5), 1, 'the same tie a pixel off');
  assert.equal(index.nearest(107, 100, 5), 2, 'nearer on screen wins over nearer the camera');
  assert.equal(index.nearest(104, 100, 3), -1, 'nothing within 3 px');
  assert.equal(index.nearest(150, 150, 5), -1);
  const hidden = new ScreenIndex(pos, Float32Array.from([1, 0, 1, 1, 1]), viewProj, 200, 200);
  assert.equal(hidden.nearest(100, 100, 5), 0, 'a hidden point cannot be picked: the one behind it is');
  assert.equal(new ScreenIndex(pos, new Float32Array(5), viewProj, 200, 200).nearest(100, 100, 5), -1, 'all hidden');
});

test('screen index: box and lasso find the visible points inside them on screen', () => {
  const { viewProj } = frontCamera();
  // A 5 × 5 grid on z = 0, one unit (10 px) apart, centred: rows r = 5·j + i at x = i − 2, y = j − 2.
  const pos = new Float32Array(25 * 3);
  for (let j = 0; j < 5; j++) for (let i = 0; i < 5; i++) pos.set([i - 2, j - 2, 0], (j * 5 + i) * 3);
  const visible = new Float32Array(25).fill(1);
  visible[12] = 0; // the centre, hidden
  const index = new ScreenIndex(pos, visible, viewProj, 200, 200);
  // On screen, row 5·j + i sits at x = 100 + 10(i − 2), y = 100 − 10(j − 2). From 85 to 105 px across
  // and 95 to 115 down: i = 1, 2 and j = 1, 2, less the hidden centre (corners given in any order).
  assert.deepEqual(index.inBox(105, 115, 85, 95), [6, 7, 11]);
  assert.deepEqual(index.inBox(85, 85, 115, 115), [6, 7, 8, 11, 13, 16, 17, 18], 'a 3 × 3 block less its hidden centre');
  // A triangle, its base just below the bottom row (y = 120 px) and its apex just above the top one
  // (y = 80 px): 5 points of the bottom row, 3 of the next, 2 beside the hidden centre, then 1 and 1.
  const tri: [number, number][] = [
    [78, 121],
    [122, 121],
    [100, 79],
  ];
  assert.deepEqual(index.inPolygon(tri), [0, 1, 2, 3, 4, 6, 7, 8, 11, 13, 17, 22]);
  // The box round the triangle holds more: the lasso really tests each point against the shape.
  assert.equal(index.inBox(78, 79, 122, 121).length, 24);
  assert.deepEqual(index.inPolygon(tri.slice(0, 2)), [], 'two corners make no area');
  assert.deepEqual(new ScreenIndex(new Float32Array(0), null, viewProj, 200, 200).inBox(0, 0, 200, 200), []);
});

test('axes: ticks at 1, 2 or 5 × 10^k spanning the range, printed with the decimals the step needs', () => {
  assert.equal(niceStep(10), 2);
  assert.equal(niceStep(4.3), 1);
  assert.ok(Math.abs(niceStep(0.37) - 0.1) < 1e-12);
  assert.equal(niceStep(230), 50);
  const t = niceTicks(-2.3, 2.1);
  assert.equal(t.step, 1);
  assert.deepEqual(t.values, [-3, -2, -1, 0, 1, 2, 3]);
  assert.deepEqual(t.labels, ['\u22123', '\u22122', '\u22121', '0', '1', '2', '3']);
  // Whatever the span, a handful of ticks: never fewer than 3, never more than 7.
  for (let span = 0.013; span < 5000; span *= 1.37) {
    const n = niceTicks(-0.31 * span, 0.69 * span).values.length;
    assert.ok(n >= 3 && n <= 7, `${n} ticks for a span of ${span}`);
  }
  const small = niceTicks(0.12, 0.48);
  assert.deepEqual(small.values, [0.1, 0.2, 0.3, 0.4, 0.5], 'no 0.30000000000000004');
  assert.deepEqual(small.labels, ['0.1', '0.2', '0.3', '0.4', '0.5']);
  assert.deepEqual(niceTicks(-1, 1).labels, ['\u22121.0', '\u22120.5', '0.0', '0.5', '1.0']);
  assert.equal(tickLabel(-1e-17, 0.5), '0.0', 'no minus zero');
  assert.equal(tickLabel(1500, 500), '1500');
  // A range of one value still gets an axis round it.
  const flat = niceTicks(2, 2);
  assert.ok(flat.values.length >= 2 && flat.lo < 2 && flat.hi > 2);
  // Per scene axis, over the points' range; 2 scene dims: no z axis.
  const pos = Float32Array.from([0.5, -10, 0, 3.5, 40, 0]);
  const two = axisTicks(pos, 2);
  assert.equal(two.length, 2);
  assert.deepEqual([two[0]!.lo, two[0]!.hi, two[1]!.lo, two[1]!.hi], [0, 4, -10, 40]);
  assert.equal(axisTicks(Float32Array.from([0, 0, -1, 0, 0, 7]), 3)[2]!.hi, 8);
});

test('uncertainty: σ is the geometric mean of the dims’ posterior σ; size and opacity scale against the median', () => {
  // latentDim 2. σ: e^0 = 1; e^1; e^−1; (e^(2/2)·e^(0/2))^(1/2) = e^0.5; e^2 (beyond the clamps).
  const logVar = Float32Array.from([0, 0, 2, 2, -2, -2, 2, 0, 4, 4]);
  const sigma = posteriorSigma(logVar, 5, 2);
  const close = (a: ArrayLike<number>, b: number[], what: string) =>
    b.forEach((v, i) => assert.ok(Math.abs(a[i]! - v) < 1e-5, `${what}[${i}] = ${a[i]}, not ${v}`));
  close(sigma, [1, Math.E, 1 / Math.E, Math.exp(0.5), Math.exp(2)], 'σ');
  // The median σ is e^0.5.
  const m = Math.exp(0.5);
  const size = uncertaintyScales(logVar, 5, 2, 'size');
  assert.equal(size.alpha, null);
  close(size.size!, [1 / m, Math.E / m, 0.3, 1, 3], 'size');
  const fade = uncertaintyScales(logVar, 5, 2, 'opacity');
  assert.equal(fade.size, null);
  close(fade.alpha!, [1, m / Math.E, 1, 1, Math.max(0.1, m / Math.exp(2))], 'opacity');
  assert.deepEqual(uncertaintyScales(logVar, 5, 2, 'none'), { size: null, alpha: null });
});

test('the selection drawn: image numbers to the rows shown, images not shown left out', () => {
  // Rows 0–3 show images 10–13 (say, training images after 10 test images).
  assert.deepEqual(Array.from(chosenRows([3, 11, 13, 14], 10, 4)!), [0, 1, 0, 1]);
  assert.equal(chosenRows([3, 14], 10, 4), null, 'none of them shown: nothing to highlight');
  assert.equal(chosenRows([], 0, 4), null);
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

/** Points already on screen: x, y in CSS px and a depth (smaller is nearer), as a ScreenIndex holds them. */
function onScreen(points: [number, number, number][], rows = points.map((_, i) => i)) {
  return { rows, xy: points.flatMap(([x, y]) => [x, y]), depth: points.map(([, , d]) => d) };
}

test('thumbnails: one per spot on screen, the nearer winning where two would overlap', () => {
  // Rows 0 and 1 overlap (10 px apart, thumbnails 32 px): the nearer, row 1, wins; row 2 is clear of both.
  const pts = onScreen([
    [100, 100, 0.5],
    [110, 105, 0.2],
    [200, 100, 0.9],
  ]);
  assert.deepEqual(chooseThumbnails(pts, 400, 300, 32, 10), [1, 2]);
  // Just far enough apart along x: both.
  assert.deepEqual(
    chooseThumbnails(
      onScreen([
        [100, 100, 0.5],
        [132, 100, 0.2],
      ]),
      400,
      300,
      32,
      10,
    ),
    [1, 0],
  );
  // Smaller thumbnails make room for all three.
  assert.deepEqual(new Set(chooseThumbnails(pts, 400, 300, 8, 10)), new Set([0, 1, 2]));
  // Rows are the points' rows, not their places in the index.
  assert.deepEqual(chooseThumbnails(onScreen([[50, 50, 0]], [7]), 400, 300, 32, 10), [7]);
});

test('thumbnails: at most the cap, the nearest first, and only points in view', () => {
  const grid: [number, number, number][] = [];
  for (let i = 0; i < 100; i++) grid.push([20 + (i % 10) * 40, 20 + Math.floor(i / 10) * 40, 1 - i / 100]);
  const all = chooseThumbnails(onScreen(grid), 400, 400, 32, 1000);
  assert.equal(all.length, 100, 'none overlap: all fit');
  const capped = chooseThumbnails(onScreen(grid), 400, 400, 32, 25);
  assert.equal(capped.length, 25);
  // Depth falls with the row: the 25 nearest are the last 25 rows, nearest first.
  assert.deepEqual(
    capped,
    Array.from({ length: 25 }, (_, i) => 99 - i),
  );
  // A point outside the canvas is not in view, however near.
  assert.deepEqual(
    chooseThumbnails(
      onScreen([
        [-5, 50, 0],
        [50, 350, 0],
        [50, 50, 0.5],
      ]),
      400,
      300,
      32,
      10,
    ),
    [2],
  );
  assert.deepEqual(chooseThumbnails(onScreen([]), 400, 300, 32, 10), []);
});

test('thumbnails: hidden points are never chosen (they are not on screen)', () => {
  const positions = Float32Array.from([0, 0, 0, 0.5, 0, 0, -0.5, 0, 0]);
  const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  const shown = new ScreenIndex(positions, Float32Array.from([1, 1, 1]), identity, 400, 400);
  assert.deepEqual(new Set(chooseThumbnails(shown, 400, 400, 32, 10)), new Set([0, 1, 2]));
  const hidden = new ScreenIndex(positions, Float32Array.from([1, 0, 1]), identity, 400, 400);
  assert.deepEqual(new Set(chooseThumbnails(hidden, 400, 400, 32, 10)), new Set([0, 2]));
});

test('atlas: cells handed out once each, the least recently used taken back first, kept ones never', () => {
  const cells = new AtlasCells(3);
  const none = new Set<number>();
  assert.deepEqual(cells.place(10, none), { cell: 0, fresh: true });
  assert.deepEqual(cells.place(11, none), { cell: 1, fresh: true });
  assert.deepEqual(cells.place(12, none), { cell: 2, fresh: true });
  // Already placed: the same cell, nothing to write.
  assert.deepEqual(cells.place(10, none), { cell: 0, fresh: false });
  // Full: 11 is the least recently used (10 was just used again).
  assert.deepEqual(cells.place(13, none), { cell: 1, fresh: true });
  assert.equal(cells.get(11), undefined);
  // 12 is now the oldest, but kept: 10 goes instead.
  assert.deepEqual(cells.place(14, new Set([12, 13])), { cell: 0, fresh: true });
  assert.equal(cells.place(15, new Set([12, 13, 14])), null, 'every cell kept');
  assert.equal(cells.used, 3);
  assert.equal(cells.get(12), 2);
});

test('atlas layout: room for twice the thumbnails where it fits, never wider than the texture', () => {
  const mnist = atlasLayout(28, 1500);
  assert.ok(mnist.capacity >= 3000 && mnist.side <= 2048 && mnist.side === mnist.cols * 28, JSON.stringify(mnist));
  const big = atlasLayout(48, 1500);
  assert.ok(big.side <= 2048 && big.capacity >= 1500, JSON.stringify(big));
  assert.deepEqual(atlasLayout(256, 1500, 1024), { cols: 4, side: 1024, capacity: 16 });
});
