import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latentHealth } from '../../src/latent/health.js';
import { Rng } from '../../src/util/rng.js';

test('per-dim KL and active units: a dim whose mean moves with the image is active, one that sits on the prior is not', () => {
  const rng = new Rng(1);
  const n = 400;
  const k = 3;
  const mean = new Float32Array(n * k);
  const logVar = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    mean[i * k] = rng.normal(); // informative: the mean varies, σ small
    logVar[i * k] = -4;
    mean[i * k + 1] = 0; // collapsed: q(z|x) is the prior for every image
    logVar[i * k + 1] = 0;
    mean[i * k + 2] = 0.05 * rng.normal(); // nearly collapsed: variance 0.0025, below 0.01
    logVar[i * k + 2] = -0.1;
  }
  const h = latentHealth({ count: n, latentDim: k, mean, logVar });
  assert.equal(h.activeUnits, 1);
  assert.ok(h.varianceOfMeans[0]! > 0.5 && h.varianceOfMeans[1] === 0 && h.varianceOfMeans[2]! < 0.01);
  assert.ok(Math.abs(h.klPerDim[1]!) < 1e-9, 'the prior itself costs nothing');
  // KL of N(m, e^lv) from N(0, 1) is ½(e^lv + m² − 1 − lv); averaged over the images.
  let want = 0;
  for (let i = 0; i < n; i++) want += 0.5 * (Math.exp(-4) + mean[i * k]! ** 2 - 1 + 4);
  assert.ok(Math.abs(h.klPerDim[0]! - want / n) < 1e-6);
  assert.ok(h.klPerDim[0]! > h.klPerDim[2]!);
});
