/// <reference types="svelte" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Input } from '../../src/contract/index.js';
import { registerSvelteRunes } from '../helpers/svelte-runes.js';
import { FakeEngine, settle, wire } from './fake-engine.js';

// Decoded points in the scatter: the picked point's sampled z, each a ray
// from its mean, and a point moved along a vector, placed with the
// projection shown by the engine's `project`.
registerSvelteRunes();
const { AppState } = await import('../../renderer/src/lib/state/app-state.js');

/** Places each latent point at (its first value, 0, 0), so a test can tell which z went where. */
class PlacingEngine extends FakeEngine {
  override project = async (input: Input<'project'>) => {
    this.received.push({ method: 'project', input });
    if ('prior' in input) return { positions: new Float32Array(input.prior * 3) };
    const k = 3;
    const out = new Float32Array((input.z.length / k) * 3);
    for (let i = 0; i < input.z.length / k; i++) out[i * 3] = input.z[i * k]!;
    return { positions: out };
  };
  override reconstruct = async (input: Input<'reconstruct'>) => {
    this.received.push({ method: 'reconstruct', input });
    const image = { count: 1, height: 2, width: 2, channels: 1, pixels: new Float32Array(4) };
    return {
      index: input.index,
      label: 1,
      original: image,
      mean: { z: Float32Array.from([10, 0, 0]), image },
      samples: {
        z: Float32Array.from({ length: 3 * input.samples }, (_, i) => (i % 3 === 0 ? 11 + i / 3 : 0)),
        images: { ...image, count: input.samples, pixels: new Float32Array(4 * input.samples) },
      },
    };
  };
}

test("a picked point's sampled z are rays from its mean, placed by the engine; nothing picked, no rays", async () => {
  const engine = new PlacingEngine();
  const w = wire(engine);
  const app = new AppState(w.client, { modelTag: w.modelTag });
  await app.init();
  await settle();
  await app.decoded.update();
  assert.equal(app.decoded.pairs, null, 'no rays before anything is picked');
  await app.selection.selectPoint(3);
  await app.decoded.update();
  const pairs = app.decoded.pairs!;
  assert.equal(pairs.length, 4 * 2 * 3, 'four rays of two scene points each');
  // From the mean (x 10) to each sample (x 11, 12, 13, 14), in order.
  assert.deepEqual(
    Array.from({ length: 8 }, (_, i) => pairs[i * 3]),
    [10, 11, 10, 12, 10, 13, 10, 14],
  );
  const asked = engine.inputs('project').at(-1)!;
  assert.ok('z' in asked && asked.z.length === 8 * 3, 'one request for all of them');
  app.selection.clear();
  await app.decoded.update();
  assert.equal(app.decoded.pairs, null);
  app.dispose();
});

test('leaving a UMAP still being fitted asks the engine to stop it; a finished one, or another projection, is left alone', async () => {
  const engine = new FakeEngine();
  const w = wire(engine);
  const app = new AppState(w.client, { modelTag: w.modelTag });
  await app.init();
  await settle();
  const umap = { method: 'umap' as const, dims: 2 as const, seed: 1, neighbours: 15 };
  const release = engine.holdNext('latentPoints');
  const fitting = app.latent.choose('test', umap);
  await settle();
  await app.latent.choose('test', { method: 'pca', dims: 3 });
  release();
  await fitting;
  assert.equal(engine.inputs('stopProjecting').length, 1, 'the UMAP left mid-fit is stopped');
  assert.notEqual(app.latent.points?.projection.method, 'umap', 'the projection chosen last is shown, not the stopped UMAP');
  await app.latent.choose('test', umap);
  await app.latent.choose('test', { method: 'auto' });
  assert.equal(engine.inputs('stopProjecting').length, 1, 'a UMAP already fitted has nothing to stop');
  app.dispose();
});
