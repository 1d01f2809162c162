import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { loadModel, readManifest, type SavedModel } from '../../src/model/folder.js';
import { loadDataset } from '../../src/data/load.js';
import type { Dataset } from '../../src/data/dataset.js';
import { decodeZ, encodeSet, reconstruct } from '../../src/latent/ops.js';
import { subset } from '../../src/data/dataset.js';
import { addNoise, interpolate, manifoldGrid, priorSamples, traverse } from '../../src/latent/explore.js';
import { nearest } from '../../src/latent/neighbours.js';
import { decodePng, toByte, type GreyImage } from '../../src/io/png.js';
import { setupTf } from '../helpers/tf.js';
import { tempDir, writeSyntheticFolder, QUICK_TRAIN_FLAGS } from '../helpers/fixtures.js';

const BIN = fileURLToPath(new URL('../../bin/latent-explorer.js', import.meta.url));
const H = 7;
const W = 5;

function cli(...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }));
  });
}

let work: string;
let modelDir: string;
let model: SavedModel;
let ds: Dataset;
before(async () => {
  await setupTf();
  const data = writeSyntheticFolder({ train: 300, test: 40, h: H, w: W });
  work = tempDir('le-explore-');
  modelDir = path.join(work, 'model');
  const r = await cli('train', '--out', modelDir, '--data', data, '--latent', '3', '--hidden', '32', ...QUICK_TRAIN_FLAGS);
  assert.equal(r.code, 0, r.stderr);
  model = await loadModel(modelDir);
  ds = await loadDataset({ kind: 'folder', path: data });
});

/** Tile t of a grid PNG (1-pixel gaps, scale 1) as bytes. */
function tile(img: GreyImage, t: number, cols: number): number[] {
  const ox = (t % cols) * (W + 1);
  const oy = Math.floor(t / cols) * (H + 1);
  const out: number[] = [];
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out.push(img.data[(oy + y) * img.width + ox + x]!);
  return out;
}

/** Asserts every tile of the PNG equals the engine's pixels, quantised as the export quantises them. */
function assertTiles(file: string, pixels: Float32Array, count: number, cols: number): void {
  const img = decodePng(readFileSync(file));
  assert.equal(img.width, cols * (W + 1) - 1);
  assert.equal(img.height, Math.ceil(count / cols) * (H + 1) - 1);
  for (let t = 0; t < count; t++) {
    assert.deepEqual(tile(img, t, cols), Array.from(pixels.subarray(t * H * W, (t + 1) * H * W), toByte), `tile ${t}`);
  }
}

const means = async (indices: number[]) => (await encodeSet(model.vae, subset(ds.test, indices))).mean;

test('interpolate: the strip is the decode of the path between two test means (linear and spherical)', async () => {
  for (const spherical of [false, true]) {
    const out = path.join(work, `interp-${spherical}.png`);
    const r = await cli('interpolate', '--model', modelDir, '--from', '3', '--to', '17', '--steps', '6', '--out', out, ...(spherical ? ['--spherical'] : []));
    assert.equal(r.code, 0, r.stderr);
    const m = await means([3, 17]);
    const z = interpolate(m.subarray(0, 3), m.subarray(3), 6, spherical ? 'spherical' : 'linear');
    assertTiles(out, await decodeZ(model.vae, z), 6, 6);
  }
});

test('traverse: one row per latent dim', async () => {
  const out = path.join(work, 'traverse.png');
  const r = await cli('traverse', '--model', modelDir, '--index', '5', '--range', '2', '--steps', '4', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assertTiles(out, await decodeZ(model.vae, traverse(await means([5]), 2, 4)), 12, 4);
});

test('sample: prior draws for a seed, reproducible', async () => {
  const out = path.join(work, 'sample.png');
  const r = await cli('sample', '--model', modelDir, '--n', '9', '--seed', '4', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`^Wrote ${out.replace(/[/.]/g, '\\$&')}: 9 images in 3 rows of 3, \\d+×\\d+ pixels\\.\n$`), 'it says what it wrote');
  assertTiles(out, await decodeZ(model.vae, priorSamples(9, 3, 4)), 9, 3);
});

test('manifold: a grid over two dims, the rest held at a test mean', async () => {
  const out = path.join(work, 'manifold.png');
  const r = await cli('manifold', '--model', modelDir, '--dims', '0,2', '--grid', '4', '--range', '1.5', '--at', '2', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assertTiles(out, await decodeZ(model.vae, manifoldGrid(await means([2]), [0, 2], 4, 1.5)), 16, 4);
});

test('denoise: noisy inputs, their reconstructions, the clean originals', async () => {
  const out = path.join(work, 'denoise.png');
  const r = await cli('denoise', '--model', modelDir, '--noise', 'saltpepper:0.2', '--n', '5', '--seed', '3', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const clean = subset(ds.test, [0, 1, 2, 3, 4]);
  const noisy = addNoise(clean.pixels, { kind: 'saltpepper', p: 0.2 }, 3);
  const rec = await reconstruct(model.vae, { ...clean, pixels: noisy }, 'mean');
  const all = new Float32Array(noisy.length * 3);
  all.set(noisy, 0);
  all.set(rec.pixels, noisy.length);
  all.set(clean.pixels, 2 * noisy.length);
  assertTiles(out, all, 15, 5);
});

test('reconstruct --stochastic decodes sampled z: the seed decides the picture', async () => {
  const a = path.join(work, 'sto-a.png');
  const b = path.join(work, 'sto-b.png');
  const c = path.join(work, 'sto-c.png');
  for (const [file, seed] of [
    [a, '1'],
    [b, '2'],
    [c, '1'],
  ] as const) {
    assert.equal((await cli('reconstruct', '--model', modelDir, '--n', '4', '--stochastic', '--seed', seed, '--out', file)).code, 0);
  }
  assert.deepEqual(readFileSync(a), readFileSync(c));
  assert.notDeepEqual(readFileSync(a), readFileSync(b));
});

test("history: the CSV holds the manifest's figures", async () => {
  const out = path.join(work, 'history.csv');
  const r = await cli('history', '--model', modelDir, '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const rows = parse(readFileSync(out), { columns: true }) as Record<string, string>[];
  const history = (await readManifest(modelDir)).history;
  assert.equal(rows.length, history.length);
  rows.forEach((row, i) => {
    assert.equal(Number(row.epoch), history[i]!.epoch);
    assert.equal(Number(row.test_total), history[i]!.test.total);
    assert.equal(Number(row.train_kl), history[i]!.train.kl);
    assert.equal(Number(row.seconds), history[i]!.seconds);
  });
});

test('bad explore options and unwritable paths: one line, non-zero exit, nothing written', async () => {
  const out = path.join(work, 'never.png');
  const cases: [string[], RegExp][] = [
    [['interpolate', '--model', modelDir, '--from', '0', '--to', '400', '--out', out], /--to 400: the test set has images 0 to 39/],
    [['manifold', '--model', modelDir, '--dims', '0,7', '--out', out], /two different dims from 0 to 2/],
    [['denoise', '--model', modelDir, '--noise', 'fog:1', '--out', out], /write gaussian:σ or saltpepper:p/],
    [['sample', '--model', modelDir, '--n', '0', '--out', out], /The number of samples must be a whole number from 1 to 1,024\./],
    [['sample', '--model', modelDir, '--out', '/proc/no-such-dir/x.png'], /Cannot write \/proc\/no-such-dir\/x\.png/],
  ];
  for (const [args, pattern] of cases) {
    const r = await cli(...args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.ok(!existsSync(out));
});

test('neighbours: the nearest test images in latent space as CSV, nearest first, of a test image (left out) or of a z', async () => {
  const enc = await encodeSet(model.vae, ds.test);
  const out = path.join(work, 'near.csv');
  const r = await cli('neighbours', '--model', modelDir, '--index', '5', '--k', '6', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^Wrote .*near\.csv: the 6 nearest test images, nearest at \d+\.\d{3}\.\n$/);
  const rows = parse(readFileSync(out), { columns: true }) as Record<string, string>[];
  const want = nearest(enc.mean, 3, enc.mean.subarray(15, 18), 6, 5);
  assert.deepEqual(
    rows.map((row) => [Number(row.rank), Number(row.index)]),
    want.map((n, i) => [i + 1, n.index]),
  );
  rows.forEach((row, i) => assert.ok(Math.abs(Number(row.distance) - want[i]!.distance) < 1e-5));
  assert.ok(!rows.some((row) => row.index === '5'));
  assert.equal(rows[0]!.label, String(ds.test.labels![want[0]!.index]));
  const byZ = await cli('neighbours', '--model', modelDir, '--z', '0,0,0', '--k', '3', '--out', out);
  assert.equal(byZ.code, 0, byZ.stderr);
  assert.deepEqual(
    (parse(readFileSync(out), { columns: true }) as Record<string, string>[]).map((row) => Number(row.index)),
    nearest(enc.mean, 3, [0, 0, 0], 3).map((n) => n.index),
  );
  for (const [args, pattern] of [
    [['--k', '3'], /Give either --index I \(a test image\) or --z a,b,… \(a latent point\)\./],
    [['--index', '2', '--z', '0,0,0'], /Give either --index/],
    [['--z', '0,0'], /--z has 2 values; this model's latent space has 3 dims\./],
    [['--index', '40'], /--index 40: the test set has images 0 to 39\./],
    [['--index', '1', '--k', '0'], /--k 0: list from 1 to 100 neighbours\./],
  ] as const) {
    const bad = await cli('neighbours', '--model', modelDir, ...args, '--out', path.join(work, 'never.csv'));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, pattern);
  }
  assert.ok(!existsSync(path.join(work, 'never.csv')));
});
