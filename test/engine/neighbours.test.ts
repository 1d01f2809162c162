import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../src/engine/engine-service.js';
import { DEFAULT_TRAIN } from '../../src/contract/defaults.js';
import { nearest } from '../../src/latent/neighbours.js';
import { setupTf } from '../helpers/tf.js';
import { tempDir, writeSyntheticFolder } from '../helpers/fixtures.js';

// The engine's neighbours request: what the decode panel lists beside a picked point and under a dropped marker.
before(async () => {
  await setupTf();
});

test('the engine lists the nearest test images in latent space, with distances, labels and images; bad queries get sentences', async () => {
  const service = createEngine(() => undefined, { dataDir: tempDir('le-data-') });
  await service.init();
  await service.startTraining({
    data: { kind: 'folder', path: writeSyntheticFolder({ train: 200, test: 60, h: 8, w: 6 }) },
    model: { latentDim: 3, hidden: [16], activation: 'relu', likelihood: 'bernoulli', sigma: 0.1 },
    training: { ...DEFAULT_TRAIN, epochs: 2, batchSize: 32 },
  });
  while ((await service.getSession({})).status === 'running') await new Promise((r) => setTimeout(r, 20));
  const pts = await service.latentPoints({});
  const near = await service.neighbours({ of: { index: 3 }, k: 5 });
  const want = nearest(pts.mean, 3, pts.mean.subarray(9, 12), 5, 3);
  assert.deepEqual(
    near.indices,
    want.map((n) => n.index),
  );
  near.distances.forEach((d, i) => assert.ok(Math.abs(d - want[i]!.distance) < 1e-5));
  assert.deepEqual(
    near.labels,
    near.indices.map((i) => pts.labels![i]!),
  );
  assert.equal(near.images.count, 5);
  const atZ = await service.neighbours({ of: { z: Float32Array.from([0, 0, 0]) }, k: 1 });
  assert.equal(atZ.indices[0], nearest(pts.mean, 3, [0, 0, 0], 1)[0]!.index);
  await assert.rejects(service.neighbours({ of: { z: Float32Array.from([0, 0]) }, k: 1 }), /The point has 2 values; this model's latent space has 3 dims\./);
  await assert.rejects(service.neighbours({ of: { index: 60 }, k: 1 }), /Image 60 is not among the images searched \(0–59\)\./);
  await assert.rejects(
    service.neighbours({ of: { index: 260 }, k: 1 }),
    /Image 260 does not exist: test images are numbered 0–59, then training images 60–259\./,
  );
});
