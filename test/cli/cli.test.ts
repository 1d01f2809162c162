import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { loadModel, readManifest } from '../../src/model/folder.js';
import { loadDataset } from '../../src/data/load.js';
import { decodeZ, encodeSet, reconstruct } from '../../src/latent/ops.js';
import { subset } from '../../src/data/dataset.js';
import { decodePng, toByte } from '../../src/io/png.js';
import { setupTf } from '../helpers/tf.js';
import { tempDir, writeSyntheticFolder, writeUserFiles, QUICK_TRAIN_FLAGS } from '../helpers/fixtures.js';

const BIN = fileURLToPath(new URL('../../bin/latent-explorer.js', import.meta.url));

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let dataDir: string;
let work: string;
let modelDir: string;
before(async () => {
  await setupTf();
  dataDir = writeSyntheticFolder({ train: 300, test: 40, h: 7, w: 5 });
  work = tempDir('le-cli-');
  modelDir = path.join(work, 'model');
  const r = await cli('train', '--out', modelDir, '--data', dataDir, '--latent', '2', '--hidden', '32,16', ...QUICK_TRAIN_FLAGS);
  assert.equal(r.code, 0, r.stderr);
  trainOutput = r.stdout;
});
let trainOutput = '';

test('train --json prints one JSON object per epoch on stdout and nothing else', () => {
  const lines = trainOutput.trim().split('\n');
  assert.equal(lines.length, 2);
  lines.forEach((line, i) => {
    const rec = JSON.parse(line);
    assert.equal(rec.epoch, i + 1);
    assert.ok(Number.isFinite(rec.test.total) && Number.isFinite(rec.train.kl) && rec.seconds > 0);
    assert.equal(typeof rec.backend, 'string');
  });
  assert.ok(existsSync(path.join(modelDir, 'encoder', 'model.json')));
});

test('train without --json prints a line per epoch', async () => {
  const r = await cli('train', '--out', path.join(work, 'plain'), '--data', dataDir, '--epochs', '1', '--batch', '64', '--hidden', '16');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^epoch 1\/1 {2}train −ELBO [\d.]+ \(rec [\d.]+, KL [\d.]+\) {2}test −ELBO .* nats .* img\/s {2}\[\w+( \(\d threads\))?\]\n$/);
  // The test figure also in bits per dimension: nats over 7×5 values and ln 2.
  const [, nats, bits] = /test −ELBO ([\d.]+) .* nats = ([\d.]+) bits\/dim/.exec(r.stdout)!;
  assert.ok(Math.abs(Number(bits) - Number(nats) / (35 * Math.LN2)) < 0.002, r.stdout);
});

test('eval reports −ELBO, reconstruction, KL and the IWAE bound', async () => {
  const r = await cli('eval', '--model', modelDir, '--iwae', '16', '--json');
  assert.equal(r.code, 0, r.stderr);
  const e = JSON.parse(r.stdout);
  assert.ok(Math.abs(e.negElbo - (e.recon + e.kl)) < 1e-6);
  assert.equal(e.images, 40);
  assert.equal(e.iwaeK, 16);
  // How many latent dims are in use, and each one's KL.
  assert.equal(e.latentDims, 2);
  assert.equal(e.klPerDim.length, 2);
  assert.ok(Number.isInteger(e.activeUnits) && e.activeUnits >= 0 && e.activeUnits <= 2);
  assert.ok(
    Math.abs(e.klPerDim.reduce((a: number, b: number) => a + b, 0) - e.kl) < 0.05 * Math.max(1, e.kl),
    `KL per dim ${e.klPerDim} sums to about the KL ${e.kl}`,
  );
  assert.ok(Number.isFinite(e.iwae) && e.iwae < e.negElbo + 1);
  // Bits per dimension: nats per image over the values per image (7×5 grey here) and ln 2.
  assert.ok(Math.abs(e.negElboBitsPerDim - e.negElbo / (35 * Math.LN2)) < 1e-9);
  assert.ok(Math.abs(e.iwaeBitsPerDim - e.iwae / (35 * Math.LN2)) < 1e-9);
  const text = await cli('eval', '--model', modelDir);
  assert.match(text.stdout, /−ELBO +[\d.]+ nats \([\d.]+ bits per dimension\)/);
  assert.match(text.stdout, /active units +\d of 2 \(KL per dim: [\d.]+, [\d.]+ nats\)/);
});

test("encode writes index, label, means and log-variances equal to the engine's", async () => {
  const out = path.join(work, 'latent.csv');
  const r = await cli('encode', '--model', modelDir, '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const rows = parse(readFileSync(out), { columns: true }) as Record<string, string>[];
  assert.deepEqual(Object.keys(rows[0]!), ['index', 'label', 'mean_0', 'mean_1', 'logvar_0', 'logvar_1', 'scatter_x', 'scatter_y', 'scatter_z']);
  assert.equal(rows.length, 40);
  const { vae } = await loadModel(modelDir);
  const ds = await loadDataset({ kind: 'folder', path: dataDir });
  const enc = await encodeSet(vae, ds.test);
  rows.forEach((row, i) => {
    assert.equal(Number(row.index), i);
    assert.equal(Number(row.label), ds.test.labels![i]);
    assert.equal(Math.fround(Number(row.mean_1)), enc.mean[i * 2 + 1]);
    assert.equal(Math.fround(Number(row.logvar_0)), enc.logVar[i * 2]);
    // Two latent dims lie on the scatter's z = 0 plane.
    assert.deepEqual([Number(row.scatter_x), Number(row.scatter_y), Number(row.scatter_z)], [Number(row.mean_0), Number(row.mean_1), 0]);
  });
  vae.dispose();
});

test('encode --projection: chosen dims as axes, PCA in 2D, and a seeded UMAP of both splits that repeats itself; bad values are sentences', async () => {
  const read = (f: string) => parse(readFileSync(f), { columns: true }) as Record<string, string>[];
  const axes = path.join(work, 'axes.csv');
  const r = await cli('encode', '--model', modelDir, '--out', axes, '--projection', 'dims:1,0');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Latent dims z1, z0 as the axes/);
  for (const row of read(axes))
    assert.deepEqual([Number(row.scatter_x), Number(row.scatter_y), Number(row.scatter_z)], [Number(row.mean_1), Number(row.mean_0), 0]);
  const pca = path.join(work, 'pca.csv');
  assert.equal((await cli('encode', '--model', modelDir, '--out', pca, '--projection', 'pca', '--dims', '2')).code, 0);
  assert.ok(read(pca).every((row) => Number(row.scatter_z) === 0));
  const umap = (out: string, seed: string) =>
    cli('encode', '--model', modelDir, '--out', out, '--split', 'both', '--projection', 'umap', '--dims', '2', '--seed', seed);
  const [a, b] = [path.join(work, 'u-a.csv'), path.join(work, 'u-b.csv')];
  const ra = await umap(a, '4');
  assert.equal(ra.code, 0, ra.stderr);
  assert.match(ra.stderr, /Wrote 340 rows .*by UMAP in 2D \(seed 4, 15 neighbours, fitted on all 340 points;/);
  assert.equal((await umap(b, '4')).code, 0);
  assert.equal(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'), 'the same seed writes the same file');
  const rows = read(a);
  assert.deepEqual(
    rows.map((row) => Number(row.index)),
    Array.from({ length: 340 }, (_, i) => i),
    'test images first, then training images, numbered on',
  );
  for (const [args, want] of [
    [['--projection', 'tsne'], /--projection: expected auto, pca, umap or dims: with 2 or 3 latent dims \(dims:0,1,2\), got "tsne"\./],
    [['--projection', 'dims:0,5'], /Latent dim z5 does not exist: this model has 2 \(z0 to z1\)\./],
    [['--projection', 'umap', '--neighbours', '1'], /--neighbours 1: from 2 to 100\./],
    [['--projection', 'pca', '--dims', '4'], /--dims 4: a projection has 2 or 3 dims\./],
  ] as const) {
    const bad = await cli('encode', '--model', modelDir, '--out', path.join(work, 'bad.csv'), ...args);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, want);
  }
  assert.equal(existsSync(path.join(work, 'bad.csv')), false, 'nothing written for a refused command');
});

test("decode writes the PNG of the engine's decode, pixel for pixel, at a chosen scale", async () => {
  const out = path.join(work, 'z.png');
  const r = await cli('decode', '--model', modelDir, '--z', '0.1,-0.5', '--out', out, '--scale', '2');
  assert.equal(r.code, 0, r.stderr);
  const img = decodePng(readFileSync(out));
  assert.equal(img.width, 10);
  assert.equal(img.height, 14);
  const { vae } = await loadModel(modelDir);
  const px = await decodeZ(vae, Float32Array.from([0.1, -0.5]));
  for (let y = 0; y < 14; y++)
    for (let x = 0; x < 10; x++) {
      assert.equal(img.data[y * 10 + x], toByte(px[Math.floor(y / 2) * 5 + Math.floor(x / 2)]!));
    }
  vae.dispose();
});

test('reconstruct puts originals above their deterministic reconstructions', async () => {
  const out = path.join(work, 'recon.png');
  const r = await cli('reconstruct', '--model', modelDir, '--n', '4', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const img = decodePng(readFileSync(out));
  assert.equal(img.width, 4 * 5 + 3);
  assert.equal(img.height, 2 * 7 + 1);
  const { vae } = await loadModel(modelDir);
  const ds = await loadDataset({ kind: 'folder', path: dataDir });
  const few = subset(ds.test, [0, 1, 2, 3]);
  const rec = await reconstruct(vae, few, 'mean');
  const tile = 2; // third image
  for (let y = 0; y < 7; y++)
    for (let x = 0; x < 5; x++) {
      assert.equal(img.data[y * img.width + tile * 6 + x], toByte(few.pixels[tile * 35 + y * 5 + x]!));
      assert.equal(img.data[(y + 8) * img.width + tile * 6 + x], toByte(rec.pixels[tile * 35 + y * 5 + x]!));
    }
  vae.dispose();
});

test('train --from continues a saved model', async () => {
  const r = await cli('train', '--from', modelDir, '--out', modelDir, '--data', dataDir, '--epochs', '1', '--batch', '32', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout.trim()).epoch, 3);
});

test('wrong options, missing files and broken models get one line, a non-zero exit, and nothing written', async () => {
  const out = path.join(work, 'never.png');
  const broken = path.join(work, 'broken');
  mkdirSync(broken);
  writeFileSync(path.join(broken, 'manifest.json'), '{');
  const cases: [string[], RegExp][] = [
    [['train', '--out', path.join(work, 'x1'), '--latent', 'three'], /--latent: expected a whole number, got "three"/],
    [['train', '--out', path.join(work, 'x2'), '--latent', '257'], /--latent: Latent dims must be a whole number from 1 to 256\./],
    [['train', '--out', path.join(work, 'x3'), '--hidden', '512,0'], /--hidden: Each hidden size must be a whole number from 1 to 8,192\./],
    [['train', '--out', path.join(work, 'x4'), '--likelihood', 'poisson'], /--likelihood: expected one of bernoulli, gaussian/],
    [['train', '--out', path.join(work, 'x5'), '--data', '/missing/data'], /--data \/missing\/data: expected/],
    [['train', '--out', modelDir, '--epochs', '1'], /--out: .* already holds a model \(.*latent 2.*\)\. Add --force to replace it\./],
    [['train', '--out', path.join(work, 'x6'), '--frobnicate'], /unknown option '--frobnicate'/],
    [['train', '--out', path.join(work, 'x7'), '--filters', '8,16'], /--filters sizes the convolutions of a conv model; add --arch conv\./],
    [['train', '--out', path.join(work, 'x8'), '--learn-sigma'], /--learn-sigma learns the σ of a Gaussian likelihood; add --likelihood gaussian\./],
    [['train', '--out', path.join(work, 'x9'), '--arch', 'rnn'], /--arch: expected one of mlp, conv, got "rnn"/],
    [['train', '--out', path.join(work, 'x10'), '--data', dataDir, '--arch', 'conv'], /needs images whose height and width divide by 4, and these are 7×5/],
    [['train', '--out', path.join(work, 'x11'), '--lr', '5'], /--lr: The learning rate must be above 0 and at most 1\./],
    [['train', '--out', path.join(work, 'x12'), '--epochs', '100000'], /--epochs: Epochs must be a whole number from 1 to 5,000\./],
    [['decode', '--model', modelDir, '--z', '1,2,3', '--out', out], /this model has 2 latent dims/],
    [['decode', '--model', modelDir, '--z', '1,x', '--out', out], /--z: expected a number, got "x"/],
    [['decode', '--model', path.join(work, 'nope'), '--z', '1,2', '--out', out], /is not a model folder/],
    [['decode', '--model', broken, '--z', '1,2', '--out', out], /manifest\.json is not valid JSON/],
    [['reconstruct', '--model', modelDir, '--n', '0', '--out', out], /--n: choose from 1 to 1000/],
    [['eval'], /required option '--model <dir>' not specified/],
    [['frob'], /unknown command 'frob'/],
  ];
  for (const [args, pattern] of cases) {
    const r = await cli(...args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.stderr, pattern, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
  for (const d of ['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9', 'x10', 'x11', 'x12', 'never.png'])
    assert.ok(!existsSync(path.join(work, d)), `${d} was not written`);
});

test('train --force replaces a model folder and nothing else: user files and files stay byte for byte', async () => {
  const user = writeUserFiles(tempDir());
  for (const target of [user.folder, user.file]) {
    const r = await cli('train', '--out', target, '--force', '--data', dataDir, '--epochs', '1', '--batch', '32');
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      target === user.file
        ? /is a file, not a folder; it was left as it is/
        : /holds taxes, thesis\.tex, which is not a Latent Explorer model; nothing in it was touched/,
    );
  }
  user.assertUnchanged();
  // A model folder with a file of the user's in it is not replaced either.
  const copy = path.join(work, 'model-with-notes');
  cpSync(modelDir, copy, { recursive: true });
  writeFileSync(path.join(copy, 'notes.txt'), 'keep me');
  const r = await cli('train', '--out', copy, '--force', '--data', dataDir, '--epochs', '1', '--batch', '32');
  assert.match(r.stderr, /holds a model but also notes\.txt/);
  assert.equal(readFileSync(path.join(copy, 'notes.txt'), 'utf8'), 'keep me');
  // --force on a model folder replaces it.
  rmSync(path.join(copy, 'notes.txt'));
  const ok = await cli('train', '--out', copy, '--force', '--data', dataDir, '--epochs', '1', '--batch', '32', '--latent', '3', '--json');
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(readFileSync(path.join(copy, 'manifest.json'), 'utf8')).config.latentDim, 3);
});

test('--help lists the commands', async () => {
  const r = await cli('--help');
  assert.equal(r.code, 0);
  for (const c of ['train', 'eval', 'encode', 'decode', 'reconstruct']) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
});

test('train --denoise trains a denoising VAE and records its noise; a noise it cannot read is a sentence', async () => {
  const out = path.join(work, 'denoiser');
  const r = await cli('train', '--out', out, '--data', dataDir, '--epochs', '1', '--batch', '64', '--hidden', '16', '--denoise', 'gaussian:0.3', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((await readManifest(out)).training.denoise, { noise: 'gaussian', amount: 0.3 });
  const bad = await cli('train', '--out', path.join(work, 'never'), '--data', dataDir, '--denoise', 'fog:1');
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--denoise: Noise "fog:1": write gaussian:σ or saltpepper:p, e\.g\. gaussian:0\.3\./);
});
