import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { ExploreInput, Session } from '../../src/contract/schemas.js';
import { createEngine } from '../../src/engine/engine-service.js';
import { UserError } from '../../src/contract/errors.js';
import { setupTf } from '../helpers/tf.js';
import { tempDir, writeSyntheticFolder } from '../helpers/fixtures.js';
import { written } from '../helpers/imported-nets.js';

// The engine imports networks trained elsewhere and explores them as it does its own.
let dataFolder: string;
before(async () => {
  await setupTf();
  dataFolder = writeSyntheticFolder({ train: 64, test: 16, h: 8, w: 6 });
});

test('importModel makes the networks the current, unsaved model; decode, encode, explore views and save all work on it', { timeout: 60000 }, async () => {
  const sessions: Session[] = [];
  const engine = createEngine((name, payload) => void (name === 'session' && sessions.push(payload as Session)), { dataDir: tempDir() });
  await engine.init();
  const { req } = await written('keras', true);
  const s = await engine.importModel({
    encoder: req.encoder,
    decoder: req.decoder,
    data: { kind: 'folder', path: dataFolder },
    likelihood: 'bernoulli',
    sigma: 0.1,
  });
  assert.equal(s.model?.arch, 'imported');
  assert.equal(s.unsaved, true, 'an import is not a model folder until saved');
  assert.equal(s.model?.latentDim, 3);
  assert.equal(sessions.at(-1)?.modelId, s.modelId, 'every window hears of it');
  const points = await engine.latentPoints({});
  assert.equal(points.count, 16);
  const decoded = await engine.decode({ z: Float32Array.from([0, 0.5, -1]) });
  assert.equal(decoded.pixels.length, 48);
  assert.ok(Array.from(decoded.pixels).every((p) => p >= 0 && p <= 1));
  const view = await engine.explore({ kind: 'prior', n: 4, seed: 1 });
  assert.equal(view.images.count, 4);
  const views: ExploreInput[] = [
    { kind: 'interpolate', from: 0, to: 1, steps: 4, path: 'linear' },
    { kind: 'traverse', index: 0, range: 2, steps: 3 },
    { kind: 'manifold', dims: [0, 1], grid: 3, range: 2, at: null },
    { kind: 'denoise', noise: 'gaussian', amount: 0.3, n: 2, seed: 1, mode: 'mean' },
  ];
  for (const input of views) {
    const v = await engine.explore(input);
    assert.ok(v.images.count > 0, input.kind);
  }
  const strip = await engine.reconstructionStrip({ n: 4, mode: 'mean' });
  assert.equal(strip.reconstructions.count, 4);
  const csv = await engine.exportCsv({ what: 'latent' });
  assert.match(csv.text.split('\n')[0]!, /^index,label,mean_0,mean_1,mean_2,logvar_0,logvar_1,logvar_2,/);
  assert.equal(csv.text.trim().split('\n').length, 17);
  const saved = await engine.saveModel({ dir: path.join(tempDir(), 'kept') });
  assert.equal(saved.unsaved, false);
  // Another import while this one is saved needs no say; a relative path is refused.
  await assert.rejects(
    engine.importModel({ encoder: 'enc/model.json', decoder: req.decoder, data: { kind: 'folder', path: dataFolder }, likelihood: 'bernoulli', sigma: 0.1 }),
    (e: unknown) => e instanceof UserError && /is a relative path/.test(e.message),
  );
  const { req: unnamed } = await written('pair-unnamed', false);
  await assert.rejects(
    engine.importModel({ encoder: unnamed.encoder, decoder: unnamed.decoder, data: { kind: 'folder', path: dataFolder }, likelihood: 'bernoulli', sigma: 0.1 }),
    (e: unknown) => e instanceof UserError && /Roles in the app/.test(e.message),
  );
  const again = await engine.importModel({
    encoder: unnamed.encoder,
    decoder: unnamed.decoder,
    data: { kind: 'folder', path: dataFolder },
    roles: ['mean', 'logvar'],
    likelihood: 'bernoulli',
    sigma: 0.1,
  });
  assert.equal(again.model?.arch === 'imported' && again.model.imported.encoderOutputs, 'pair');
  assert.equal(again.modelId, s.modelId + 1);
});
