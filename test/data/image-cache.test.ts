import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, statSync, truncateSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { loadImageFolder, type ImageFolderResult } from '../../src/data/image-folder.js';
import { CACHE_KEEP } from '../../src/data/image-cache.js';
import { tempDir } from '../helpers/fixtures.js';
import { writeBadFiles, writeClassFolder, writeSolid } from '../helpers/image-fixtures.js';

const cacheFiles = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.bin'));

function assertSame(a: ImageFolderResult, b: ImageFolderResult): void {
  assert.deepEqual(b.dataset.spec, a.dataset.spec);
  assert.deepEqual(b.dataset.classNames, a.dataset.classNames);
  assert.deepEqual(b.skipped, a.skipped);
  for (const split of ['train', 'test'] as const) {
    const [x, y] = [a.dataset[split], b.dataset[split]];
    assert.deepEqual([y.count, y.height, y.width, y.channels], [x.count, x.height, x.width, x.channels]);
    assert.deepEqual(y.pixels, x.pixels);
    assert.deepEqual(y.labels, x.labels);
  }
}

test('the second load comes from the cache with identical pixels, labels and skips', async () => {
  const dir = tempDir();
  const cacheDir = path.join(tempDir(), 'cache');
  await writeClassFolder(dir, 3);
  await writeBadFiles(path.join(dir, 'red'));
  const first = await loadImageFolder(dir, { seed: 3, cacheDir });
  assert.equal(first.fromCache, false);
  assert.equal(cacheFiles(cacheDir).length, 1);
  let progress = 0;
  const second = await loadImageFolder(dir, { seed: 3, cacheDir, onProgress: () => progress++ });
  assert.equal(second.fromCache, true);
  assert.equal(progress, 0, 'nothing was decoded');
  assertSame(first, second);
  assert.equal(second.skipped.length, 3);
  // Without a cache folder nothing is read or written.
  assert.equal((await loadImageFolder(dir, { seed: 3 })).fromCache, false);
  assert.equal((await loadImageFolder(dir, { seed: 3, cacheDir: null })).fromCache, false);
});

test('a changed, added or removed file, or other settings, miss the cache', async () => {
  const dir = tempDir();
  const cacheDir = tempDir();
  await writeClassFolder(dir, 3);
  const load = (size = 8, seed = 0) => loadImageFolder(dir, { size, seed, cacheDir });
  assert.equal((await load()).fromCache, false);
  assert.equal((await load()).fromCache, true);

  const file = path.join(dir, 'red', '0.png');
  const later = new Date(statSync(file).mtimeMs + 60_000);
  utimesSync(file, later, later);
  assert.equal((await load()).fromCache, false, 'a new mtime misses');
  assert.equal((await load()).fromCache, true);

  assert.equal((await load(6)).fromCache, false, 'another size misses');
  assert.equal((await load(6)).fromCache, true);
  assert.equal((await load(8, 1)).fromCache, false, 'another seed misses');

  await writeSolid(path.join(dir, 'red', 'new.png'), [255, 0, 0, 255]);
  const added = await load();
  assert.equal(added.fromCache, false, 'an added file misses');
  assert.equal(added.dataset.train.count + added.dataset.test.count, 10);
  rmSync(path.join(dir, 'blue', '1.png'));
  const removed = await load();
  assert.equal(removed.fromCache, false, 'a removed file misses');
  assert.equal(removed.dataset.train.count + removed.dataset.test.count, 9);
  // An empty class folder adds a class without adding a file.
  mkdirSync(path.join(dir, 'yellow'));
  const withClass = await load();
  assert.equal(withClass.fromCache, false);
  assert.deepEqual(withClass.dataset.classNames, ['blue', 'green', 'red', 'yellow']);
});

test('a truncated cache, or a folder in its place, is ignored and rebuilt', async () => {
  const dir = tempDir();
  const cacheDir = tempDir();
  await writeClassFolder(dir, 2);
  const first = await loadImageFolder(dir, { cacheDir });
  const [name] = cacheFiles(cacheDir);
  const file = path.join(cacheDir, name!);
  const size = statSync(file).size;
  truncateSync(file, size - 4);
  const rebuilt = await loadImageFolder(dir, { cacheDir });
  assert.equal(rebuilt.fromCache, false);
  assertSame(first, rebuilt);
  assert.equal(statSync(file).size, size, 'the cache was written again');
  assert.equal((await loadImageFolder(dir, { cacheDir })).fromCache, true);

  truncateSync(file, 6);
  assert.equal((await loadImageFolder(dir, { cacheDir })).fromCache, false);

  // A folder where the cache file goes can be neither read nor replaced; the load still succeeds.
  rmSync(file);
  mkdirSync(file);
  const beside = await loadImageFolder(dir, { cacheDir });
  assert.equal(beside.fromCache, false);
  assertSame(first, beside);
  assert.ok(statSync(file).isDirectory());
});

test(`only the ${CACHE_KEEP} most recently used caches are kept`, async () => {
  const dir = tempDir();
  const cacheDir = tempDir();
  await writeClassFolder(dir, 1);
  const sizes = [4, 5, 6, 7, 8, 9, 10];
  // Each new cache gets its own mtime a second apart, so that the order holds on file systems with coarse timestamps.
  const base = Date.now() / 1000 - 100;
  const seen = new Set<string>();
  for (const [i, size] of sizes.entries()) {
    await loadImageFolder(dir, { size, cacheDir });
    for (const name of cacheFiles(cacheDir).filter((n) => !seen.has(n))) {
      seen.add(name);
      utimesSync(path.join(cacheDir, name), base + i, base + i);
    }
  }
  assert.equal(cacheFiles(cacheDir).length, CACHE_KEEP);
  assert.equal((await loadImageFolder(dir, { size: 10, cacheDir })).fromCache, true, 'the newest is kept');
  assert.equal((await loadImageFolder(dir, { size: 4, cacheDir })).fromCache, false, 'the oldest is gone');
  assert.equal(cacheFiles(cacheDir).length, CACHE_KEEP);
  assert.equal((await loadImageFolder(dir, { size: 4, cacheDir })).fromCache, true);
});
