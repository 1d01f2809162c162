import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeIdx, parseIdx, toImages, toLabels } from '../../src/data/idx.js';
import { loadDataset, parseDataArg } from '../../src/data/load.js';
import { UserError } from '../../src/contract/errors.js';
import { tempDir, writeSyntheticFolder } from '../helpers/fixtures.js';

const rejects = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (e: unknown) => e instanceof UserError && pattern.test(e.message));

test('parses raw and gzip IDX files to the same values', () => {
  const bytes = encodeIdx([2, 3, 2], [0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  const raw = parseIdx(bytes, 'a');
  const gz = parseIdx(gzipSync(bytes), 'a.gz');
  assert.deepEqual(raw.dims, [2, 3, 2]);
  assert.deepEqual(Array.from(gz.values), Array.from(raw.values));
  const img = toImages(raw, 'a');
  assert.equal(img.count, 2);
  assert.equal(img.height, 3);
  assert.equal(img.width, 2);
  assert.equal(img.pixels[1], 1);
  assert.ok(Math.abs(img.pixels[2]! - 10 / 255) < 1e-7);
});

test('reads float32 images and rejects floats outside [0, 1]', () => {
  const ok = toImages(parseIdx(encodeIdx([1, 1, 2], [0.25, 1], 0x0d), 'f'), 'f');
  assert.deepEqual(Array.from(ok.pixels), [0.25, 1]);
  rejects(() => toImages(parseIdx(encodeIdx([1, 1, 2], [0.5, 2], 0x0d), 'f'), 'f'), /must lie in \[0, 1\]/);
});

test('a broken file is an error naming the file and the problem', () => {
  const good = encodeIdx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
  rejects(() => parseIdx(good.subarray(0, good.length - 1), 'cut.idx'), /cut\.idx.*declares 2×2×2.*holds 23 bytes/);
  rejects(() => parseIdx(new Uint8Array([...good, 0]), 'long.idx'), /long\.idx.*holds 25 bytes/);
  const badMagic = good.slice();
  badMagic[0] = 7;
  rejects(() => parseIdx(badMagic, 'm.idx'), /m\.idx.*magic number/);
  const badType = good.slice();
  badType[2] = 0x42;
  rejects(() => parseIdx(badType, 't.idx'), /unknown element type 0x42/);
  rejects(() => parseIdx(new Uint8Array([0, 0]), 'tiny'), /only 2 bytes/);
  rejects(() => parseIdx(new Uint8Array([0x1f, 0x8b, 1, 2, 3]), 'z.gz'), /gzip data is corrupt/);
  const header = good.slice(0, 6);
  rejects(() => parseIdx(header, 'h.idx'), /header is cut short/);
});

test('shapes are checked: images need three dims, labels one', () => {
  rejects(() => toImages(parseIdx(encodeIdx([4], [1, 2, 3, 4]), 'l'), 'l'), /count×height×width/);
  rejects(() => toLabels(parseIdx(encodeIdx([1, 2, 2], [1, 2, 3, 4]), 'i'), 'i'), /one-dimensional/);
});

test('loads a folder of the four standard files, raw or gzip, at any image size', async () => {
  for (const gzip of [false, true]) {
    const dir = writeSyntheticFolder({ train: 20, test: 10, h: 5, w: 7, gzip });
    const ds = await loadDataset(parseDataArg(dir));
    assert.equal(ds.train.count, 20);
    assert.equal(ds.test.count, 10);
    assert.equal(ds.train.height, 5);
    assert.equal(ds.train.width, 7);
    assert.equal(ds.train.pixels.length, 20 * 35);
    assert.equal(ds.train.labels?.length, 20);
  }
});

test('a label file whose count differs from the images is refused', async () => {
  const dir = writeSyntheticFolder({ train: 20, test: 10 });
  writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([9], new Uint8Array(9)));
  await assert.rejects(loadDataset({ kind: 'folder', path: dir }), /9 labels but t10k-images-idx3-ubyte holds 10 images/);
});

test('a folder missing files, a missing path and a single file all get clear answers', async () => {
  const empty = tempDir();
  await assert.rejects(loadDataset({ kind: 'folder', path: empty }), /lacks train-images-idx3-ubyte/);
  assert.throws(() => parseDataArg('/no/such/place'), /expected "mnist", "fashion", a folder/);
  const file = path.join(empty, 'imgs.idx');
  writeFileSync(file, encodeIdx([30, 4, 4], new Uint8Array(30 * 16).fill(9)));
  const ds = await loadDataset(parseDataArg(file));
  assert.equal(ds.train.count + ds.test.count, 30);
  assert.equal(ds.test.count, 3);
  assert.equal(ds.train.labels, null);
});

test('the built-in MNIST ships 60,000 training and 10,000 test images', async () => {
  const ds = await loadDataset({ kind: 'mnist' });
  assert.equal(ds.train.count, 60000);
  assert.equal(ds.test.count, 10000);
  assert.equal(ds.train.height, 28);
  assert.equal(ds.train.width, 28);
  assert.deepEqual(new Set(ds.test.labels), new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  let max = 0;
  for (const v of ds.test.pixels.subarray(0, 784 * 10)) max = Math.max(max, v);
  assert.equal(max, 1);
});

test('Fashion-MNIST loads from the Debian package folder', async () => {
  const ds = await loadDataset({ kind: 'fashion' });
  assert.equal(ds.name, 'Fashion-MNIST');
  assert.equal(ds.train.count, 60000);
  assert.equal(ds.test.count, 10000);
  assert.equal(ds.classNames?.[9], 'Ankle boot');
});
