import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { createEngine } from '../../src/engine/engine-service.js';
import { DEFAULT_TRAIN } from '../../src/contract/defaults.js';
import type { EventName, Payload } from '../../src/contract/index.js';
import { setupTf } from '../helpers/tf.js';
import { nearest } from '../../src/latent/neighbours.js';
import { tempDir, writeSyntheticFolder } from '../helpers/fixtures.js';
import { writeClassFolder } from '../helpers/image-fixtures.js';

// Which images the scatter shows and how they are placed: the test set, the
// training set or both (numbered test first), by any projection, and later
// points placed the same way.
before(async () => {
  await setupTf();
});

async function trained(events: { name: EventName; payload: unknown }[] = []) {
  const emit = <E extends EventName>(name: E, payload: Payload<E>) => void events.push({ name, payload });
  const service = createEngine(emit, { dataDir: tempDir('le-data-') });
  await service.init();
  await service.startTraining({
    data: { kind: 'folder', path: writeSyntheticFolder({ train: 200, test: 60, h: 8, w: 6 }) },
    model: { latentDim: 5, hidden: [16], activation: 'relu', likelihood: 'bernoulli', sigma: 0.1 },
    training: { ...DEFAULT_TRAIN, epochs: 2, batchSize: 32 },
  });
  while ((await service.getSession({})).status === 'running') await new Promise((r) => setTimeout(r, 20));
  return service;
}

test('both sets: test images first, then training images, each numbered so; any of them can be opened, searched and reconstructed', async () => {
  const service = await trained();
  const test = await service.latentPoints({});
  const train = await service.latentPoints({ set: 'train', projection: { method: 'axes', axes: [0, 1, 2] } });
  const both = await service.latentPoints({ set: 'both', projection: { method: 'axes', axes: [0, 1, 2] } });
  assert.deepEqual([test.first, test.count, train.first, train.count, both.first, both.count], [0, 60, 60, 200, 0, 260]);
  assert.deepEqual(Array.from(both.mean.subarray(60 * 5)), Array.from(train.mean), 'training rows follow the test rows');
  assert.deepEqual(Array.from(both.labels!.subarray(0, 60)), Array.from(test.labels!));
  // Training image 7 is image number 67: its reconstruction starts from its own mean.
  const r = await service.reconstruct({ index: 67, samples: 0 });
  assert.deepEqual(Array.from(r.mean.z), Array.from(train.mean.subarray(7 * 5, 8 * 5)));
  assert.equal(r.label, train.labels![7]);
  const near = await service.neighbours({ of: { index: 67 }, k: 3, among: 'both' });
  assert.ok(!near.indices.includes(67) && near.indices.every((i) => i >= 0 && i < 260));
  await assert.rejects(service.testImages({ indices: [259, 260] }), /Image 260 does not exist: test images are numbered 0–59, then training images 60–259\./);
});

test('chosen axes place later points exactly as the scatter; PCA carries what maps a scene point back; project before any points says null', async () => {
  const service = await trained();
  const fresh = await trained();
  assert.equal((await fresh.project({ z: new Float32Array(5) })).positions, null);
  const pts = await service.latentPoints({ projection: { method: 'axes', axes: [3, 1] } });
  assert.deepEqual(pts.projection.axisNames, ['z3', 'z1']);
  const z = Float32Array.from([9, 8, 7, 6, 5]);
  assert.deepEqual(Array.from((await service.project({ z })).positions!), [6, 8, 0]);
  await assert.rejects(service.project({ z: new Float32Array(7) }), /A latent point has 5 values; 7 is not a whole number of points\./);
  // The prior's samples, placed the same way: the same seed, the same samples.
  const prior = (await service.project({ prior: 100, seed: 2 })).positions!;
  assert.equal(prior.length, 300);
  assert.deepEqual(Array.from((await service.project({ prior: 100, seed: 2 })).positions!), Array.from(prior));
  assert.ok(Math.abs(prior.reduce((a, v, i) => a + (i % 3 === 0 ? v * v : 0), 0) / 100 - 1) < 0.5, 'z3 of N(0, I) has variance near 1');
  await assert.rejects(service.latentPoints({ projection: { method: 'axes', axes: [0, 5] } }), /Latent dim z5 does not exist: this model has 5 \(z0 to z4\)\./);
  const pca = await service.latentPoints({ projection: { method: 'pca', dims: 3 } });
  assert.equal(pca.projection.components!.length, 3);
  const back = (await service.project({ z: pca.mean.subarray(0, 5) })).positions!;
  assert.ok(
    [0, 1, 2].every((c) => Math.abs(back[c]! - pca.positions[c]!) < 1e-4),
    'a point placed later lands on its scatter position',
  );
});

test('a UMAP reports its progress, and a newer request stops one still fitting', async () => {
  const events: { name: EventName; payload: unknown }[] = [];
  const service = await trained(events);
  const first = service.latentPoints({ set: 'both', projection: { method: 'umap', dims: 2, seed: 3, neighbours: 10 } });
  const firstDone = first.then(
    () => 'finished',
    (e: Error & { code?: string }) => e.code,
  );
  await new Promise((r) => setTimeout(r, 50));
  const second = await service.latentPoints({ projection: { method: 'umap', dims: 3, seed: 3, neighbours: 10 } });
  assert.equal(await firstDone, 'STOPPED');
  assert.equal(second.projection.method, 'umap');
  assert.equal(second.projection.fittedOn, 60);
  assert.equal(second.projection.sceneDims, 3);
  const stages = events.filter((e) => e.name === 'projecting').map((e) => (e.payload as Payload<'projecting'>).stage);
  assert.ok(stages.includes('encoding') && stages.includes('fitting'), `stages: ${[...new Set(stages)].join(', ')}`);
  // A path drawn after the fit is placed through the same UMAP.
  const path = await service.explore({ kind: 'interpolate', from: 0, to: 1, steps: 4, path: 'linear' });
  assert.equal(path.positions!.length, 12);
  assert.ok(Array.from(path.positions!).every(Number.isFinite));
});

test('a selection exports as CSV: one row per image number, with the scatter positions of the projection shown', async () => {
  const service = await trained();
  const pts = await service.latentPoints({ set: 'both', projection: { method: 'axes', axes: [0, 1, 2] } });
  const out = await service.exportCsv({ what: 'selection', indices: [70, 3, 70, 250] });
  const rows = parse(out.text, { columns: true }) as Record<string, string>[];
  assert.deepEqual(
    rows.map((r) => Number(r.index)),
    [3, 70, 250],
  );
  assert.match(out.filename, /-selection-3\.csv$/);
  for (const r of rows) {
    const i = Number(r.index);
    assert.ok(Math.abs(Number(r.scatter_x) - pts.positions[i * 3]!) < 1e-4, 'x as the scatter placed it');
    assert.equal(Number(r.label), pts.labels![i]);
  }
  await assert.rejects(service.exportCsv({ what: 'selection', indices: [] }), /The selection is empty/);
  await assert.rejects(
    service.exportCsv({ what: 'selection', indices: [3, 260] }),
    /Image 260 does not exist: test images are numbered 0–59, then training images 60–259\./,
  );
  await assert.rejects(service.findImages({ contains: 'x', among: 'test' }), /has no file names to search/);
  const all = await service.exportCsv({ what: 'latent' });
  assert.match(all.filename, /-all-latent\.csv$/);
  assert.equal((parse(all.text, { columns: true }) as unknown[]).length, 260);
});

test('images read from a folder can be found by their file name, among the points shown; data with no names says so', async () => {
  const idx = await trained();
  assert.equal((await idx.getSession({})).dataset!.files, false);
  await assert.rejects(idx.findImages({ contains: 'a', among: 'test' }), /has no file names to search: only data read from an image folder has them\./);
  const dir = tempDir('le-images-');
  await writeClassFolder(dir, 10);
  const service = createEngine(() => undefined, { dataDir: tempDir('le-data-') });
  await service.init();
  await service.startTraining({
    data: { kind: 'images', path: dir, size: 8, channels: 3 },
    model: { latentDim: 2, hidden: [8], activation: 'relu', likelihood: 'bernoulli', sigma: 0.1 },
    training: { ...DEFAULT_TRAIN, epochs: 1, batchSize: 8 },
  });
  while ((await service.getSession({})).status === 'running') await new Promise((r) => setTimeout(r, 20));
  const ds = (await service.getSession({})).dataset!;
  assert.equal(ds.files, true);
  const all = await service.findImages({ contains: '.PNG', among: 'both' });
  assert.equal(all.searched, 30);
  assert.equal(all.numbers.length, 30, 'every file, whatever the case');
  const green = await service.findImages({ contains: 'green', among: 'both' });
  assert.equal(green.numbers.length, 10);
  // The CSV names each row's file: the numbers found are the rows whose file holds the text.
  const csv = parse((await service.exportCsv({ what: 'selection', indices: all.numbers })).text, { columns: true }) as Record<string, string>[];
  assert.deepEqual(
    csv.filter((r) => r.file!.includes('green')).map((r) => Number(r.index)),
    green.numbers,
  );
  const inTest = (await service.findImages({ contains: 'green', among: 'test' })).numbers;
  assert.ok(inTest.every((n) => n < ds.testCount) && inTest.length < 10);
});

test('windows showing different views each place later points with their own; a view not placed gives none', async () => {
  const service = await trained();
  const a = { set: 'test' as const, projection: { method: 'axes' as const, axes: [0, 1] } };
  const b = { set: 'test' as const, projection: { method: 'axes' as const, axes: [4, 2, 3] } };
  await service.latentPoints(a);
  await service.latentPoints(b);
  const z = Float32Array.from([1, 2, 3, 4, 5]);
  assert.deepEqual(Array.from((await service.project({ z, view: a })).positions!), [1, 2, 0], 'the first window, after the second placed its own');
  assert.deepEqual(Array.from((await service.project({ z, view: b })).positions!), [5, 3, 4]);
  assert.deepEqual(Array.from((await service.project({ z })).positions!), [5, 3, 4], 'by default, the latest placed');
  assert.equal((await service.project({ z, view: { set: 'both', projection: a.projection } })).positions, null, 'a view nobody placed');
  const path = await service.explore({ kind: 'interpolate', from: 0, to: 1, steps: 3, path: 'linear', view: a });
  for (let i = 0; i < 3; i++) assert.equal(path.positions![i * 3 + 2], 0, 'the path lies on the first window’s plane');
  // A few views are kept; the oldest goes.
  for (const axes of [
    [0, 2],
    [0, 3],
    [0, 4],
    [1, 2],
  ])
    await service.latentPoints({ projection: { method: 'axes', axes } });
  assert.equal((await service.project({ z, view: a })).positions, null, 'the oldest view was let go');
});

test('encodings kept while the weights stand still are let go when training changes them: neighbours after Continue are of the new weights', async () => {
  const service = await trained();
  const before = await service.latentPoints({});
  const near = await service.neighbours({ of: { index: 3 }, k: 4 });
  assert.deepEqual(
    near.indices,
    nearest(before.mean, 5, before.mean.subarray(15, 20), 4, 3).map((n) => n.index),
  );
  await service.continueTraining({ epochs: 1 });
  while ((await service.getSession({})).status === 'running') await new Promise((r) => setTimeout(r, 20));
  const after = await service.latentPoints({});
  assert.notDeepEqual(Array.from(after.mean), Array.from(before.mean), 'another epoch moved the means');
  const again = await service.neighbours({ of: { index: 3 }, k: 4 });
  const want = nearest(after.mean, 5, after.mean.subarray(15, 20), 4, 3);
  assert.deepEqual(
    again.indices,
    want.map((n) => n.index),
  );
  again.distances.forEach((d, i) => assert.ok(Math.abs(d - want[i]!.distance) < 1e-5, 'distances of the new means'));
});

test('stopProjecting ends a UMAP being fitted: its request is refused as stopped, and there is then nothing to stop', async () => {
  const service = await trained();
  const fit = service.latentPoints({ set: 'both', projection: { method: 'umap', dims: 2, seed: 1, neighbours: 10 } });
  const outcome = fit.then(
    () => 'finished',
    (e: Error & { code?: string }) => e.code,
  );
  // Once the encoding is done and the thread fits.
  while (!(await service.stopProjecting({})).stopped) await new Promise((r) => setTimeout(r, 5));
  assert.equal(await outcome, 'STOPPED');
  assert.deepEqual(await service.stopProjecting({}), { stopped: false });
});
