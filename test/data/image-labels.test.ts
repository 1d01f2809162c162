import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadImageFolder } from '../../src/data/image-folder.js';
import { UserError } from '../../src/contract/errors.js';
import { DataSpecSchema } from '../../src/contract/shapes.js';
import type { ImageSet } from '../../src/data/dataset.js';
import { tempDir } from '../helpers/fixtures.js';
import { writeCsvFolder } from '../helpers/image-fixtures.js';

/** The channel values of the first pixel of image i. */
function pixel(set: ImageSet, i: number): number[] {
  const at = i * set.height * set.width * set.channels;
  return Array.from(set.pixels.subarray(at, at + set.channels));
}

const near = (a: number[], b: number[], tol = 0.02) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= tol);

test('a labels CSV gives the classes; files it does not list are skipped', async () => {
  const { dir, csv } = await writeCsvFolder();
  const { dataset, skipped } = await loadImageFolder(dir, { labels: csv, channels: 3 });
  // Classes are every value of the column, sorted, even one whose file is missing.
  assert.deepEqual(dataset.classNames, ['black', 'blue', 'red']);
  assert.deepEqual(
    skipped.map((s) => [path.basename(s.file), s.reason]),
    [['extra.png', 'not in the labels CSV']],
  );
  assert.equal(dataset.train.count + dataset.test.count, 5);
  assert.deepEqual(dataset.spec, { kind: 'images', path: dir, size: 8, channels: 3, labels: csv });
  assert.ok(DataSpecSchema.safeParse(dataset.spec).success);
  const colourOf = [
    [0, 0, 0],
    [0, 0, 1],
    [1, 0, 0],
  ];
  for (const set of [dataset.train, dataset.test]) {
    for (let i = 0; i < set.count; i++) assert.ok(near(pixel(set, i), colourOf[set.labels![i]!]!), `image ${i} has label ${set.labels![i]}`);
  }
  const byShape = (await loadImageFolder(dir, { labels: csv, labelColumn: 'shape' })).dataset;
  assert.deepEqual(byShape.classNames, ['round', 'round, big', 'square', 'x']);
});

test('a labels CSV without a file column, naming a missing column, or not a file is refused', async () => {
  const { dir } = await writeCsvFolder();
  const noFile = path.join(tempDir(), 'l.csv');
  writeFileSync(noFile, 'path,label\na.png,red\n');
  await assert.rejects(
    loadImageFolder(dir, { labels: noFile }),
    (e: unknown) => e instanceof UserError && e.message.includes(noFile) && /no "file" column/.test(e.message),
  );
  const ok = path.join(tempDir(), 'ok.csv');
  writeFileSync(ok, 'file,label\na.png,red\n');
  await assert.rejects(
    loadImageFolder(dir, { labels: ok, labelColumn: 'colour' }),
    (e: unknown) => e instanceof UserError && /no "colour" column/.test(e.message) && /file, label/.test(e.message),
  );
  const folder = path.join(tempDir(), 'x.csv');
  mkdirSync(folder);
  await assert.rejects(loadImageFolder(dir, { labels: folder }), (e: unknown) => e instanceof UserError && /is a folder, not a file/.test(e.message));
  await assert.rejects(loadImageFolder(dir, { labelColumn: 'label' }), (e: unknown) => e instanceof UserError && /needs a labels CSV/.test(e.message));
});

test('a file column with nothing after it is refused unless a column is named', async () => {
  const { dir } = await writeCsvFolder();
  const last = path.join(tempDir(), 'last.csv');
  writeFileSync(last, 'colour,file\nred,one/a.png\nblue,one/b.png\n');
  await assert.rejects(loadImageFolder(dir, { labels: last }), (e: unknown) => e instanceof UserError && /no column after "file"/.test(e.message));
  const { dataset } = await loadImageFolder(dir, { labels: last, labelColumn: 'colour' });
  assert.deepEqual(dataset.classNames, ['blue', 'red']);
});

test('an edited labels CSV or another label column misses the cache', async () => {
  const { dir, csv } = await writeCsvFolder();
  const cacheDir = tempDir();
  const load = (labelColumn?: string) => loadImageFolder(dir, { labels: csv, labelColumn, cacheDir });
  assert.equal((await load()).fromCache, false);
  assert.equal((await load()).fromCache, true);
  assert.equal((await load('shape')).fromCache, false);
  writeFileSync(csv, 'file,colour\none/a.png,red\none/b.png,green\n');
  const edited = await load();
  assert.equal(edited.fromCache, false);
  assert.deepEqual(edited.dataset.classNames, ['green', 'red']);
  assert.equal(edited.skipped.length, 4);
});
