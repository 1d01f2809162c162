import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { loadImageFolder } from '../../src/data/image-folder.js';
import { loadDataset, parseDataArg } from '../../src/data/load.js';
import { skippedFiles } from '../../src/data/dataset.js';
import { UserError } from '../../src/contract/errors.js';
import { DataSpecSchema } from '../../src/contract/shapes.js';
import type { ImageSet } from '../../src/data/dataset.js';
import { tempDir, writeSyntheticFolder } from '../helpers/fixtures.js';
import { writeBadFiles, writeClassFolder, writeCsvFolder, writeGrey, writeSolid } from '../helpers/image-fixtures.js';

/** The channel values of pixel (y, x) of image i. */
function pixel(set: ImageSet, i: number, y = 0, x = 0): number[] {
  const at = ((i * set.height + y) * set.width + x) * set.channels;
  return Array.from(set.pixels.subarray(at, at + set.channels));
}

const near = (a: number[], b: number[], tol = 0.02) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= tol);

test('class folders give sorted class names and matching labels', async () => {
  const dir = tempDir();
  await writeClassFolder(dir);
  const { dataset, skipped } = await loadImageFolder(dir, { seed: 1 });
  assert.deepEqual(skipped, []);
  assert.deepEqual(dataset.classNames, ['blue', 'green', 'red']);
  assert.equal(dataset.train.count + dataset.test.count, 12);
  assert.equal(dataset.test.count, 1);
  assert.deepEqual(dataset.spec, { kind: 'images', path: dir, size: 8, channels: 3 });
  assert.ok(DataSpecSchema.safeParse(dataset.spec).success);
  assert.equal(dataset.name, path.basename(dir));
  // Each image's colour must agree with its label: blue 0, green 1, red 2.
  const expected = [
    [0, 0, 1],
    [0, 1, 0],
    [1, 0, 0],
  ];
  for (const set of [dataset.train, dataset.test]) {
    for (let i = 0; i < set.count; i++) assert.ok(near(pixel(set, i, 3, 5), expected[set.labels![i]!]!), `image ${i}`);
  }
});

test('a folder too big to hold is refused before anything is decoded, naming the count and the cap', async () => {
  const dir = tempDir();
  await writeClassFolder(dir); // 12 colour images of 8×8: 2,304 values
  const refused = (e: unknown) =>
    e instanceof UserError && e.code === 'TOO_LARGE' && /holds 12 images, which at 8×8×3 would be 2304 values, more than the 2000/.test(e.message);
  await assert.rejects(loadImageFolder(dir, { maxValues: 2000 }), refused);
  // Grey images of the same folder fit: the sentence's advice works.
  const grey = await loadImageFolder(dir, { maxValues: 2000, channels: 1 });
  assert.equal(grey.dataset.train.count + grey.dataset.test.count, 12);
});

test('a flat folder is unlabelled and grey images stay one channel', async () => {
  const dir = tempDir();
  for (let i = 0; i < 5; i++) await writeGrey(path.join(dir, `g${i}.PNG`), i * 50);
  writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
  await writeSolid(path.join(dir, '.hidden.png'), [255, 0, 0, 255]);
  const { dataset, skipped } = await loadImageFolder(dir);
  assert.deepEqual(skipped, []);
  assert.equal(dataset.classNames, null);
  assert.equal(dataset.train.labels, null);
  assert.equal(dataset.train.count + dataset.test.count, 5);
  // A red hidden file would have made the set colour.
  assert.equal(dataset.train.channels, 1);
});

test('train/ and test/ folders are the split', async () => {
  const dir = tempDir();
  await writeClassFolder(path.join(dir, 'train'), 3);
  await writeSolid(path.join(dir, 'test', 'red', 'a.png'), [255, 0, 0, 255]);
  await writeSolid(path.join(dir, 'test', 'blue', 'b.jpg'), [0, 0, 255, 255]);
  const { dataset } = await loadImageFolder(dir);
  assert.equal(dataset.train.count, 9);
  assert.equal(dataset.test.count, 2);
  assert.deepEqual(dataset.classNames, ['blue', 'green', 'red']);
  // Files are read in name order: blue/b.jpg, then red/a.png.
  assert.deepEqual(Array.from(dataset.test.labels!), [0, 2]);
  assert.ok(near(pixel(dataset.test, 0), [0, 0, 1], 0.05), 'the JPEG decodes to blue');
});

test('the 90/10 split is the same for the same seed and differs for another', async () => {
  const dir = tempDir();
  for (let i = 0; i < 20; i++) await writeSolid(path.join(dir, `${String(i).padStart(2, '0')}.png`), [i * 12, 0, 0, 255]);
  const firstValues = async (seed: number) => {
    const { dataset } = await loadImageFolder(dir, { seed });
    assert.equal(dataset.test.count, 2);
    return Array.from({ length: dataset.test.count }, (_, i) => pixel(dataset.test, i)[0]);
  };
  const a = await firstValues(7);
  assert.deepEqual(await firstValues(7), a);
  const others = await Promise.all([1, 2, 3, 4].map(firstValues));
  assert.ok(
    others.some((o) => JSON.stringify(o) !== JSON.stringify(a)),
    'some other seed picks other test images',
  );
});

test('red stays red in RGB, and turns a luminance grey in one channel', async () => {
  const dir = tempDir();
  for (let i = 0; i < 3; i++) await writeSolid(path.join(dir, `r${i}.png`), [255, 0, 0, 255]);
  const rgb = (await loadImageFolder(dir, { channels: 3 })).dataset;
  assert.equal(rgb.train.channels, 3);
  assert.ok(near(pixel(rgb.train, 0), [1, 0, 0]), String(pixel(rgb.train, 0)));
  const grey = (await loadImageFolder(dir, { channels: 1 })).dataset;
  assert.equal(grey.train.channels, 1);
  const [g] = pixel(grey.train, 0);
  assert.ok(g! >= 0.2126 && g! <= 0.3, `grey of red is ${g}`);
});

test('transparency is laid on the background and images are resized', async () => {
  const dir = tempDir();
  await writeSolid(path.join(dir, 'clear.png'), [255, 0, 0, 0], 16);
  await writeSolid(path.join(dir, 'half.png'), [0, 0, 0, 128], 16);
  const white = (await loadImageFolder(dir, { size: 6, channels: 3 })).dataset;
  assert.equal(white.train.height, 6);
  assert.equal(white.train.width, 6);
  assert.equal(white.train.pixels.length, white.train.count * 6 * 6 * 3);
  const all = [white.train, white.test].flatMap((s) => Array.from({ length: s.count }, (_, i) => pixel(s, i, 2, 2)));
  assert.ok(
    all.some((p) => near(p, [1, 1, 1])),
    `fully clear shows white: ${JSON.stringify(all)}`,
  );
  assert.ok(
    all.some((p) => near(p, [0.5, 0.5, 0.5], 0.03)),
    `half-clear black shows grey: ${JSON.stringify(all)}`,
  );
  const blue = (await loadImageFolder(dir, { size: 6, channels: 3, background: '#0000ff' })).dataset;
  const onBlue = [blue.train, blue.test].flatMap((s) => Array.from({ length: s.count }, (_, i) => pixel(s, i)));
  assert.ok(onBlue.some((p) => near(p, [0, 0, 1])));
});

test('images of mixed sizes default to 32×32; contain pads with the background', async () => {
  const dir = tempDir();
  await writeSolid(path.join(dir, 'a.png'), [0, 0, 0, 255], 8);
  await writeSolid(path.join(dir, 'b.png'), [0, 0, 0, 255], 10);
  const { dataset } = await loadImageFolder(dir, { channels: 1 });
  assert.equal(dataset.train.height, 32);
  const wide = tempDir();
  await writeSolid(path.join(wide, 'a.png'), [0, 0, 0, 255], 8);
  // A 16×4 black strip: contained in 8×8, its top rows are background white.
  await sharp({ create: { width: 16, height: 4, channels: 3, background: '#000000' } }).toFile(path.join(wide, 'strip.png'));
  const c = (await loadImageFolder(wide, { size: 8, channels: 1, fit: 'contain' })).dataset;
  const tops = [c.train, c.test].flatMap((s) => Array.from({ length: s.count }, (_, i) => pixel(s, i, 0, 0)[0]!));
  assert.ok(
    tops.some((v) => v > 0.95),
    `some image has a white top row: ${tops}`,
  );
});

test('unreadable files are skipped with reasons, and a FIFO never blocks', { timeout: 20000 }, async () => {
  const dir = tempDir();
  await writeClassFolder(dir, 2);
  await writeBadFiles(path.join(dir, 'red'));
  const { dataset, skipped } = await loadImageFolder(dir);
  assert.equal(dataset.train.count + dataset.test.count, 6);
  const byName = new Map(skipped.map((s) => [path.basename(s.file), s.reason]));
  assert.deepEqual([...byName.keys()].sort(), ['cut.png', 'x.png', 'y.png']);
  assert.match(byName.get('y.png')!, /FIFO/);
  for (const reason of byName.values()) assert.ok(reason.length > 0);
});

test('a folder with no usable image is refused, naming what it found', { timeout: 20000 }, async () => {
  const empty = tempDir();
  await assert.rejects(
    loadImageFolder(empty),
    (e: unknown) => e instanceof UserError && e.code === 'NOT_FOUND' && e.message.includes(empty) && /empty/.test(e.message),
  );
  const bad = tempDir();
  await writeBadFiles(bad);
  writeFileSync(path.join(bad, 'readme.md'), '#');
  await assert.rejects(loadImageFolder(bad), (e: unknown) => e instanceof UserError && /3 unreadable/.test(e.message) && /1 other file/.test(e.message));
});

test('an aborted load stops with STOPPED and reports progress as it goes', async () => {
  const dir = tempDir();
  await writeClassFolder(dir, 4);
  const seen: [number, number][] = [];
  await loadImageFolder(dir, { onProgress: (done, total) => seen.push([done, total]) });
  assert.deepEqual(seen.at(-1), [12, 12]);
  assert.equal(seen.length, 12);
  const ctl = new AbortController();
  const run = loadImageFolder(dir, { signal: ctl.signal, onProgress: (done) => done === 2 && ctl.abort() });
  await assert.rejects(run, (e: unknown) => e instanceof UserError && e.code === 'STOPPED');
  ctl.abort();
  await assert.rejects(loadImageFolder(dir, { signal: ctl.signal }), (e: unknown) => e instanceof UserError && e.code === 'STOPPED');
});

test('parseDataArg keeps IDX folders and reads any other folder as images; loadDataset records skips', async () => {
  const idx = writeSyntheticFolder({ train: 8, test: 4 });
  assert.deepEqual(parseDataArg(idx), { kind: 'folder', path: idx });
  const dir = tempDir();
  await writeClassFolder(dir, 2);
  writeFileSync(path.join(dir, 'red', 'x.png'), 'not an image');
  assert.deepEqual(parseDataArg(dir), { kind: 'images', path: dir });
  const ds = await loadDataset({ kind: 'images', path: dir, size: 5, channels: 1 });
  assert.equal(ds.train.height, 5);
  assert.equal(ds.train.channels, 1);
  assert.deepEqual(
    skippedFiles(ds).map((s) => path.basename(s.file)),
    ['x.png'],
  );
  assert.ok(!DataSpecSchema.safeParse({ kind: 'images', path: dir, size: 3 }).success);
});

const BIN = fileURLToPath(new URL('../../bin/latent-explorer.js', import.meta.url));
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

test(
  'the CLI trains on an image folder and records three channels',
  { timeout: 120000, skip: !existsSync(new URL('../../dist/cli/main.mjs', import.meta.url)) },
  async () => {
    const data = tempDir();
    await writeClassFolder(data, 4);
    writeFileSync(path.join(data, 'green', 'x.png'), 'not an image');
    const out = path.join(tempDir(), 'model');
    const r = await cli(['train', '--out', out, '--data', data, '--image-size', '8', '--channels', '3', '--epochs', '1', '--batch', '4', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`Loaded 12 images \\(3 classes\\) from ${data.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; skipped 1 file \\(first: x\\.png: `),
    );
    for (const line of r.stdout.trim().split('\n')) JSON.parse(line);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    assert.equal(manifest.config.channels, 3);
    assert.equal(manifest.config.height, 8);
    assert.equal(manifest.dataset.spec.kind, 'images');

    const refused = await cli(['train', '--out', path.join(tempDir(), 'm'), '--data', writeSyntheticFolder({ train: 8, test: 4 }), '--image-size', '8']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /--image-size applies to a folder of images only/);
  },
);

test(
  'the CLI takes classes from --labels-csv and says what it loaded',
  { timeout: 120000, skip: !existsSync(new URL('../../dist/cli/main.mjs', import.meta.url)) },
  async () => {
    const { dir, csv } = await writeCsvFolder();
    const out = path.join(tempDir(), 'model');
    const args = ['train', '--out', out, '--data', dir, '--labels-csv', csv, '--label-column', 'colour', '--epochs', '1', '--batch', '2', '--json'];
    const r = await cli(args);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stderr.includes(`Loaded 5 images (3 classes) from ${dir}; skipped 1 file (first: extra.png: not in the labels CSV).`), r.stderr);
    for (const line of r.stdout.trim().split('\n')) JSON.parse(line);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    assert.equal(manifest.dataset.spec.labels, csv);
    assert.equal(manifest.dataset.spec.labelColumn, 'colour');
    // The same load again is read from the cache.
    const again = await cli([...args.slice(0, 2), path.join(tempDir(), 'm2'), ...args.slice(3)]);
    assert.equal(again.code, 0, again.stderr);
    assert.ok(again.stderr.includes(`from ${dir} from the cache; skipped 1 file`), again.stderr);

    const refused = await cli(['train', '--out', path.join(tempDir(), 'm'), '--data', 'mnist', '--labels-csv', csv]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /--labels-csv applies to a folder of images only/);
  },
);
