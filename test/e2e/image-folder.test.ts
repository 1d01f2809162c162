import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { answerConfirm, canvasesRgb, clickablePoint, labelColourCounts, startApp, waitStatus, type AppUnderTest } from './browser.js';
import { tempDir } from '../helpers/fixtures.js';
import { Rng } from '../../src/util/rng.js';

// A folder of colour images chosen in the app: it trains, names the file it
// skipped, and draws the images in colour wherever it shows them.
const OUT = path.resolve('test-output');
const COLOURS = { blue: [0, 0, 255], green: [0, 255, 0], red: [255, 0, 0] } as const;
let app: AppUnderTest;
let dir: string;

/** An 8×8 image: a 4×4 square of `rgb` in the middle of dim grey noise. */
async function writeSquare(file: string, rgb: readonly number[], rng: Rng): Promise<void> {
  const data = Buffer.alloc(8 * 8 * 3);
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const inside = x >= 2 && x < 6 && y >= 2 && y < 6;
      const noise = Math.floor(rng.next() * 60);
      data.set(inside ? rgb : [noise, noise, noise], (y * 8 + x) * 3);
    }
  }
  await sharp(data, { raw: { width: 8, height: 8, channels: 3 } })
    .png()
    .toFile(file);
}

before(async () => {
  mkdirSync(OUT, { recursive: true });
  // train/ and test/ hold the split, so every class is sure to be among the test points.
  dir = path.join(tempDir(), 'colour-squares');
  const rng = new Rng(7);
  for (const [split, n] of [
    ['train', 30],
    ['test', 10],
  ] as const) {
    for (const [name, rgb] of Object.entries(COLOURS)) {
      mkdirSync(path.join(dir, split, name), { recursive: true });
      for (let i = 0; i < n; i++) await writeSquare(path.join(dir, split, name, `${i}.png`), rgb, rng);
    }
  }
  writeFileSync(path.join(dir, 'train', 'red', 'broken.png'), 'this is not an image\n');
  app = await startApp();
});

after(async () => {
  await app?.close();
});

test('an image folder chosen in the form trains in colour, names the skipped file, and draws colour everywhere', async () => {
  const { page, engine } = app;
  await page.selectOption('[data-testid=dataset]', 'images');
  assert.match(await page.innerText('#image-folder-error'), /^Give the folder of images/);
  assert.equal(await page.isDisabled('[data-testid=train]'), true);
  await page.fill('[data-testid=image-folder]', dir);
  await page.fill('[data-testid=image-size]', '2');
  assert.equal(await page.innerText('#image-size-error'), 'The image size must be a whole number from 4 to 256.');
  assert.equal(await page.isDisabled('[data-testid=train]'), true);
  await page.fill('[data-testid=image-size]', '');
  await page.fill('[data-testid=hidden]', '64');
  await page.fill('[data-testid=epochs]', '1');
  await page.fill('[data-testid=batch]', '10');
  await page.fill('[data-testid=limit]', '0');
  await page.click('[data-testid=train]');
  await waitStatus(page, 'done', OUT);

  const s = await engine.getSession({});
  assert.deepEqual(s.dataset?.spec, { kind: 'images', path: dir, size: 8, channels: 3 });
  assert.match(await page.innerText('[data-testid=dataset-meta]'), /^colour-squares, 8×8, colour$/);

  await page.click('[data-testid=skipped] summary');
  const skipped = await page.innerText('[data-testid=skipped]');
  assert.match(skipped, /^1 file skipped in colour-squares/);
  assert.match(skipped, /broken\.png: \S/);

  // Labels follow the sorted class folders: blue 0, green 1, red 2.
  await page.waitForSelector('[data-testid=recon-strip]');
  await page.waitForFunction(() => document.querySelector('[data-testid=projection-note]')?.textContent?.includes('3 latent dims'));
  const counts = await labelColourCounts(page);
  assert.ok(
    counts.slice(0, 3).every((c) => c >= 5),
    `label colours seen: ${counts.join(', ')}`,
  );

  // A grey drawing has red = green = blue in every pixel; colour ones do not.
  const strip = await canvasesRgb(page, '[data-testid=recon-strip] canvas');
  assert.ok(strip.length >= 2 && strip.length % 2 === 0, `strip canvases: ${strip.length}`);
  const coloured = (px: [number, number, number][]) => px.some(([r, g, b]) => r !== g || g !== b);
  assert.ok(strip.filter((_, i) => i % 2 === 0).every(coloured), 'every original in the strip is in colour');
  assert.ok(strip.filter((_, i) => i % 2 === 1).some(coloured), 'the reconstructions are drawn in colour');

  const pts = await engine.latentPoints({});
  const red = pts.labels!.findIndex((l) => l === 2);
  const target = (await clickablePoint(page, red, pts.count)) ?? (await clickablePoint(page, 0, pts.count));
  assert.ok(target, 'some point can be clicked');
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction((i) => document.querySelector('[data-testid=decode-panel]')?.textContent?.includes(`Test image #${i},`), target.i);
  const [original] = await canvasesRgb(page, '[data-testid=original]');
  // The middle pixel lies in the square: it is its class's colour exactly, far from any grey.
  const [r, g, b] = original![4 * 8 + 4]!;
  const expected = COLOURS[(['blue', 'green', 'red'] as const)[pts.labels![target.i]!]!];
  assert.deepEqual([r, g, b], [...expected]);
  assert.ok(Math.max(r, g, b) - Math.min(r, g, b) > 200, `middle pixel ${r},${g},${b}`);
  await page.screenshot({ path: path.join(OUT, 'image-folder-colour.png') });
  await page.locator('[data-testid=recon-strip]').screenshot({ path: path.join(OUT, 'image-folder-recon-strip.png') });
});

test('a convolutional model with a learned σ is chosen in the form, trains on the colour folder and says what it is', async () => {
  const { page, engine } = app;
  await page.selectOption('[data-testid=arch]', 'conv');
  await page.fill('[data-testid=filters]', '8,x');
  assert.equal(await page.innerText('#filters-error'), 'Give the filters as whole numbers separated by commas, such as 32,64.');
  assert.equal(await page.isDisabled('[data-testid=train]'), true);
  await page.fill('[data-testid=filters]', '8,16');
  await page.selectOption('[data-testid=likelihood]', 'gaussian');
  await page.check('[data-testid=learn-sigma]');
  await page.click('[data-testid=train]');
  // The first model is unsaved: the app asks before replacing it.
  assert.match(await answerConfirm(page, 'ok'), /^Discard the unsaved model \(colour-squares, latent 3, hidden 64, 1 epoch\)\?/);
  await page.waitForFunction(() => document.querySelector('[data-testid=model-meta]')?.textContent?.includes('conv 8-16'));
  await waitStatus(page, 'done', OUT);
  const s = await engine.getSession({});
  assert.ok(s.model && s.model.arch === 'conv');
  assert.deepEqual(s.model.filters, [8, 16]);
  assert.equal(s.model.learnSigma, true);
  assert.notEqual(s.model.sigma, 0.1, 'σ moved from where it started');
  assert.match(await page.innerText('[data-testid=model-meta]'), /^latent 3, conv 8-16, hidden 64, gaussian σ [\d.]+ \(learned\)$/);
  assert.match(await page.inputValue('[data-testid=sigma]'), /^0\.\d{1,6}$/, 'the learned σ, without float32 noise');
  await page.waitForSelector('[data-testid=recon-strip]');
  await page.screenshot({ path: path.join(OUT, 'image-folder-conv.png') });
});
