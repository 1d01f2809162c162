// How long the scatter's projections take on this machine: PCA and UMAP of
// the test set (10,000 points) and of both sets (70,000), through the
// engine, as the app asks for them. A small MNIST model is trained first, so
// the points are real encodings. Figures only; nothing is asserted.
//
//   npm run bench:projection [-- --latent 16 --epochs 1 --seed 0 --neighbours 15]
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEngine } from '../src/engine/engine-service.js';
import { DEFAULT_MODEL, DEFAULT_TRAIN } from '../src/contract/defaults.js';
import type { PointSet, ProjectionSpec } from '../src/contract/shapes.js';

const { values } = parseArgs({
  options: {
    latent: { type: 'string', default: '16' },
    epochs: { type: 'string', default: '1' },
    seed: { type: 'string', default: '0' },
    neighbours: { type: 'string', default: '15' },
  },
});
const dataDir = mkdtempSync(path.join(tmpdir(), 'le-bench-projection-'));
// Its own data folder: the bench never touches the app's autosave.
const service = createEngine(() => undefined, { dataDir });
await service.init();
const started = performance.now();
await service.startTraining({
  data: { kind: 'mnist' },
  model: { ...DEFAULT_MODEL, latentDim: Number(values.latent) },
  training: { ...DEFAULT_TRAIN, epochs: Number(values.epochs) },
});
while ((await service.getSession({})).status === 'running') await new Promise((r) => setTimeout(r, 200));
console.log(`trained latent ${values.latent} for ${values.epochs} epoch(s) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const seed = Number(values.seed);
const neighbours = Number(values.neighbours);
const runs: [PointSet, ProjectionSpec][] = [
  ['test', { method: 'pca', dims: 3 }],
  ['both', { method: 'pca', dims: 3 }],
  ['test', { method: 'umap', dims: 2, seed, neighbours }],
  ['test', { method: 'umap', dims: 3, seed, neighbours }],
  ['both', { method: 'umap', dims: 3, seed, neighbours }],
];
const rows: string[] = [];
for (const [set, spec] of runs) {
  const t = performance.now();
  const pts = await service.latentPoints({ set, projection: spec });
  const wall = performance.now() - t;
  // A path of 16 points placed afterwards with the same projection (what an interpolation drawn in the scatter costs).
  const z = pts.mean.slice(0, 16 * pts.latentDim);
  const p = performance.now();
  await service.project({ z });
  const place = performance.now() - p;
  const what =
    spec.method === 'umap'
      ? `UMAP ${spec.dims}D (fitted on ${pts.projection.fittedOn!.toLocaleString('en-US')})`
      : `PCA ${spec.method === 'pca' ? spec.dims : ''}D`;
  rows.push(
    `| ${pts.count.toLocaleString('en-US').padStart(6)} | ${what.padEnd(28)} | ${(wall / 1000).toFixed(2).padStart(7)} s | ${(pts.projection.ms / 1000).toFixed(2).padStart(7)} s | ${place.toFixed(1).padStart(7)} ms |`,
  );
  console.log(rows.at(-1));
}
console.log('\n| points | projection                   | request   | placing   | 16 more  |');
console.log('|-------:|------------------------------|----------:|----------:|---------:|');
for (const r of rows) console.log(r);
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
