import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { IMAGE_EXTENSIONS, loadImageFolder } from '../../src/data/image-folder.js';
import type { Dataset } from '../../src/data/dataset.js';
import { tempDir } from '../helpers/fixtures.js';
import { writeFormatsFolder, writeGrey, writeShapesFolder, type ShapeImage } from '../helpers/image-fixtures.js';

/** One decoded image: its class, its size, its values (y, x, channel) and the mean of each channel. */
interface Loaded {
  label: number | null;
  size: number;
  channels: number;
  pixels: Float32Array;
  mean: number[];
}

/** Every image of the train and then the test set. */
function imagesOf(ds: Dataset): Loaded[] {
  const out: Loaded[] = [];
  for (const set of [ds.train, ds.test]) {
    const d = set.height * set.width * set.channels;
    for (let i = 0; i < set.count; i++) {
      const pixels = set.pixels.subarray(i * d, (i + 1) * d);
      out.push({ label: set.labels?.[i] ?? null, size: set.width, channels: set.channels, pixels, mean: meanOf(pixels, set.channels) });
    }
  }
  return out;
}

function meanOf(pixels: Float32Array, channels: number): number[] {
  const sum = new Array<number>(channels).fill(0);
  pixels.forEach((v, i) => (sum[i % channels]! += v));
  return sum.map((s) => s / (pixels.length / channels));
}

/** The mean colour of the left and of the right half of a square image. */
function halves(img: Loaded): { left: number[]; right: number[] } {
  const { size, channels } = img;
  const left: number[] = [];
  const right: number[] = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const px = img.pixels.subarray((y * size + x) * channels, (y * size + x + 1) * channels);
      (x < size / 2 ? left : right).push(...px);
    }
  }
  return { left: meanOf(Float32Array.from(left), channels), right: meanOf(Float32Array.from(right), channels) };
}

/** The image of each class, by class name (each class folder holds one image). */
function byClass(ds: Dataset): Map<string, Loaded> {
  const out = new Map<string, Loaded>();
  for (const img of imagesOf(ds)) {
    const name = ds.classNames![img.label!]!;
    assert.ok(!out.has(name), `class ${name} holds one image`);
    out.set(name, img);
  }
  return out;
}

const close = (got: number[], want: number[], tol: number, what: string) =>
  assert.ok(
    got.length === want.length && got.every((v, i) => Math.abs(v - want[i]!) <= tol),
    `${what}: got ${got.map((v) => v.toFixed(3))}, want ${want.map((v) => v.toFixed(3))} ±${tol}`,
  );

/** The bit depth and colour type of a PNG, from its IHDR chunk. */
function pngHeader(file: string): { bitDepth: number; colourType: number } {
  const b = readFileSync(file);
  assert.equal(b.toString('latin1', 12, 16), 'IHDR');
  return { bitDepth: b[24]!, colourType: b[25]! };
}

/** A size×size PNG of one 16-bit colour (3 or 4 values of 0-65535, or 1 for grey). */
async function writePng16(file: string, values: number[], size = 8): Promise<void> {
  const data = new Uint16Array(size * size * values.length);
  for (let i = 0; i < size * size; i++) data.set(values, i * values.length);
  await sharp(data, { raw: { width: size, height: size, channels: values.length as 1 | 3 | 4 } })
    .toColourspace(values.length === 1 ? 'grey16' : 'rgb16')
    .png()
    .toFile(file);
}

/** Raw 8-bit pixels of a size×size image, each pixel's values (3 or 4) given by `at`. */
function rawImage(size: number, at: (x: number, y: number) => number[]): { data: Buffer; raw: { width: number; height: number; channels: 3 | 4 } } {
  const channels = at(0, 0).length as 3 | 4;
  const data = Buffer.alloc(size * size * channels);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.set(at(x, y), (y * size + x) * channels);
  return { data, raw: { width: size, height: size, channels } };
}

/** Red in the left half, blue in the right. */
const redBlue = (size: number) => rawImage(size, (x) => (x < size / 2 ? [255, 0, 0] : [0, 0, 255]));

test('every image format the loader accepts decodes, none skipped, to the colour written', async () => {
  const dir = tempDir();
  const written = await writeFormatsFolder(dir);
  assert.deepEqual(written.map((w) => `.${w.ext}`).sort(), [...IMAGE_EXTENSIONS].sort(), 'one file for each accepted extension');
  const { dataset, skipped } = await loadImageFolder(dir, { size: 8, channels: 3 });
  assert.deepEqual(skipped, []);
  assert.deepEqual(dataset.classNames, written.map((w) => w.ext).sort());
  assert.equal(dataset.train.count + dataset.test.count, written.length);
  assert.equal(dataset.train.channels, 3);
  assert.equal(dataset.train.height, 8);
  const got = byClass(dataset);
  for (const w of written) {
    const img = got.get(w.ext);
    assert.ok(img, `${w.ext} was loaded`);
    close(
      img.mean,
      w.rgb.map((v) => v / 255),
      w.lossy ? 0.03 : 0.006,
      `mean colour of ${path.basename(w.file)}`,
    );
  }
});

test('PNG variants: alpha on the background, 16-bit, palette and grey decode to the values written', async () => {
  const dir = tempDir();
  const file = (cls: string) => {
    mkdirSync(path.join(dir, cls), { recursive: true });
    return path.join(dir, cls, 'a.png');
  };
  // Half-transparent red: an 8-bit RGBA PNG and a palette PNG with a tRNS chunk.
  const half = rawImage(8, () => [255, 0, 0, 128]);
  await sharp(half.data, { raw: half.raw }).png().toFile(file('alpha'));
  await sharp(half.data, { raw: half.raw }).png({ palette: true }).toFile(file('alpha-palette'));
  await writePng16(file('rgb16'), [0xc000, 0x4000, 0x8000]);
  await writePng16(file('grey16'), [0x8000]);
  await writePng16(file('clear16'), [0xffff, 0, 0, 0]);
  const rb = redBlue(8);
  await sharp(rb.data, { raw: rb.raw }).png({ palette: true, colours: 2 }).toFile(file('palette'));
  await writeGrey(file('grey'), 64);

  // The files are what they claim to be before the loader sees them.
  const meta = async (cls: string) => sharp(file(cls)).metadata();
  for (const cls of ['rgb16', 'grey16', 'clear16']) {
    assert.equal((await meta(cls)).depth, 'ushort', `${cls} is 16-bit`);
    assert.equal(pngHeader(file(cls)).bitDepth, 16, `${cls} has a 16-bit IHDR`);
  }
  for (const cls of ['palette', 'alpha-palette']) {
    assert.equal((await meta(cls)).isPalette, true, `${cls} is palette-based`);
    assert.equal(pngHeader(file(cls)).colourType, 3, `${cls} has an indexed IHDR`);
  }
  assert.equal(pngHeader(file('palette')).bitDepth, 1, 'two colours pack in 1 bit per pixel');
  assert.equal((await meta('alpha-palette')).hasAlpha, true);
  assert.deepEqual(pngHeader(file('grey')), { bitDepth: 8, colourType: 0 });
  assert.equal(pngHeader(file('alpha')).colourType, 6);

  const load = async (background?: string) => {
    const { dataset, skipped } = await loadImageFolder(dir, { size: 8, channels: 3, ...(background && { background }) });
    assert.deepEqual(skipped, []);
    return byClass(dataset);
  };
  const onWhite = await load();
  const onBlue = await load('#0000ff');
  const tol = 0.01;
  close(onWhite.get('alpha')!.mean, [1, 127 / 255, 127 / 255], 0.02, 'half-clear red on white');
  close(onBlue.get('alpha')!.mean, [128 / 255, 0, 127 / 255], 0.02, 'half-clear red on blue');
  close(onWhite.get('alpha-palette')!.mean, [1, 127 / 255, 127 / 255], 0.02, 'half-clear palette red on white');
  close(onBlue.get('alpha-palette')!.mean, [128 / 255, 0, 127 / 255], 0.02, 'half-clear palette red on blue');
  close(onWhite.get('clear16')!.mean, [1, 1, 1], tol, 'clear 16-bit on white');
  close(onBlue.get('clear16')!.mean, [0, 0, 1], tol, 'clear 16-bit on blue');
  for (const ds of [onWhite, onBlue]) {
    close(ds.get('rgb16')!.mean, [0.75, 0.25, 0.5], tol, '16-bit colour');
    close(ds.get('grey16')!.mean, [0.5, 0.5, 0.5], tol, '16-bit mid grey');
    close(ds.get('grey')!.mean, [64 / 255, 64 / 255, 64 / 255], tol, '8-bit grey');
    const { left, right } = halves(ds.get('palette')!);
    close(left, [1, 0, 0], tol, 'palette left half is red');
    close(right, [0, 0, 1], tol, 'palette right half is blue');
  }
});

test('a 4000×4000 image loads resized, the right colours on the right sides, in seconds', { timeout: 20_000 }, async () => {
  const dir = tempDir();
  const big = path.join(dir, 'big', 'a.png');
  mkdirSync(path.dirname(big), { recursive: true });
  await sharp({ create: { width: 2000, height: 4000, channels: 3, background: '#ff0000' } })
    .extend({ right: 2000, background: '#0000ff' })
    .png()
    .toFile(big);
  assert.deepEqual(
    await sharp(big)
      .metadata()
      .then((m) => [m.width, m.height]),
    [4000, 4000],
  );
  await writeGrey(path.join(dir, 'small', 'a.png'), 200);
  const started = Date.now();
  const { dataset, skipped } = await loadImageFolder(dir, { size: 16, channels: 3 });
  assert.ok(Date.now() - started < 15_000, `loading took ${Date.now() - started} ms`);
  assert.deepEqual(skipped, []);
  assert.equal(dataset.train.width, 16);
  assert.equal(dataset.train.pixels.length, dataset.train.count * 16 * 16 * 3);
  const got = byClass(dataset);
  const { left, right } = halves(got.get('big')!);
  close(left, [1, 0, 0], 0.02, 'left half of the big image');
  close(right, [0, 0, 1], 0.02, 'right half of the big image');
  close(got.get('small')!.mean, [200 / 255, 200 / 255, 200 / 255], 0.01, 'the small grey image');
});

/** What a decoded shape image shows: its class, its strongest channel, its brighter half and how many pixels are lit. */
function describeShape(img: Loaded, classNames: string[]): string {
  const colour = ['red', 'green', 'blue'][img.mean.indexOf(Math.max(...img.mean))]!;
  const { left, right } = halves(img);
  const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
  let lit = 0;
  for (let i = 0; i < img.pixels.length; i += 3) if (Math.max(...img.pixels.subarray(i, i + 3)) > 0.5) lit++;
  return `${classNames[img.label!]} ${colour} ${sum(left) > sum(right) ? 'left' : 'right'} ${lit}px`;
}

test('coloured shapes keep their class, colour, side and area, image by image', async () => {
  const dir = tempDir();
  const train = await writeShapesFolder(path.join(dir, 'train'));
  const want = (ws: ShapeImage[]) => ws.map((w) => `${w.shape} ${w.colour} ${w.side} ${w.lit}px`);
  assert.equal(new Set(want(train)).size, 12, 'every image differs in its factors');
  assert.equal(new Set(train.map((w) => `${w.shape} ${w.lit}`)).size, 2, 'a circle and a square light different areas');

  // The class folders alone: a seeded 90/10 split, so only the whole set can be compared.
  const one = await loadImageFolder(path.join(dir, 'train'), { channels: 3, seed: 3 });
  assert.deepEqual(one.skipped, []);
  assert.deepEqual(one.dataset.classNames, ['circle', 'square']);
  assert.deepEqual([one.dataset.train.count, one.dataset.test.count], [11, 1]);
  assert.equal(one.dataset.train.height, 32, 'the images keep their own size');
  const images = imagesOf(one.dataset);
  assert.deepEqual(
    [0, 1].map((c) => images.filter((img) => img.label === c).length),
    [6, 6],
  );
  assert.deepEqual(images.map((img) => describeShape(img, one.dataset.classNames!)).sort(), want(train).sort());

  // With train/ and test/ each part keeps the files' order (class, then name), so each image is checked against its file.
  const testPart = await writeShapesFolder(path.join(dir, 'test'));
  const both = await loadImageFolder(dir, { channels: 3 });
  assert.deepEqual(both.skipped, []);
  assert.deepEqual([both.dataset.train.count, both.dataset.test.count], [12, 12]);
  const inOrder = (ws: ShapeImage[]) => [...ws].sort((a, b) => (a.file < b.file ? -1 : 1));
  assert.deepEqual(
    imagesOf(both.dataset).map((img) => describeShape(img, both.dataset.classNames!)),
    want([...inOrder(train), ...inOrder(testPart)]),
  );
});

test('a grey PNG with transparency is laid on a coloured background', async () => {
  const dir = tempDir();
  const clear = rawImage(8, () => [0, 0, 0, 0]);
  for (const name of ['a.png', 'b.png']) {
    // Two channels, grey and alpha, all fully transparent.
    const grey = Buffer.from(clear.data.filter((_, i) => i % 4 === 0 || i % 4 === 3));
    await sharp(grey, { raw: { width: 8, height: 8, channels: 2 } })
      .toColourspace('b-w')
      .png()
      .toFile(path.join(dir, name));
  }
  assert.equal(pngHeader(path.join(dir, 'a.png')).colourType, 4, 'grey with alpha');
  const { dataset } = await loadImageFolder(dir, { size: 8, channels: 3, background: '#0000ff' });
  close(imagesOf(dataset)[0]!.mean, [0, 0, 1], 0.01, 'a clear grey pixel shows the blue background');
});
