import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import type { Client } from '../../src/rpc/client.js';
import type { Output } from '../../src/contract/index.js';
import { canvasBytes, pageErrors, startApp, toBytes, trainFromForm, waitStatus, type AppUnderTest } from './browser.js';

// The selection panel in the browser mode: the real server and engine, a
// tiny model trained from the form, Chromium on the built renderer.
// Screenshots land in test-output/selection-*.png.
const OUT = path.resolve('test-output');
let app: AppUnderTest;
let page: Page;
let engine: Client;
let points: Output<'latentPoints'>;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  app = await startApp();
  ({ page, engine } = app);
  await trainFromForm(page, 1, 3000);
  await waitStatus(page, 'done', OUT);
  await page.waitForSelector('[data-testid=legend-3]');
  await page.waitForSelector('[data-testid=select-label-3]');
  points = await engine.latentPoints({});
});

after(async () => {
  await app?.close();
});

/** The whole numbers in a text, commas and all: "1,010 images" is 1010. */
const numberIn = (text: string): number => Number(/[\d,]+/.exec(text)![0].replaceAll(',', ''));

/** Image numbers of the shown points with this label, ascending. */
function withLabel(label: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < points.count; r++) if (points.labels![r] === label) out.push(points.first + r);
  return out;
}

async function search(text: string): Promise<void> {
  await page.fill('[data-testid=selection-search]', text);
  await page.press('[data-testid=selection-search]', 'Enter');
}

test('with nothing selected the panel says how to select, and its buttons say why they wait', async () => {
  assert.equal(await page.innerText('[data-testid=selection-empty]'), 'Drag a box or lasso in the scatter, or select by label or search.');
  assert.equal(await page.isDisabled('[data-testid=selection-export]'), true);
  assert.equal(await page.getAttribute('[data-testid=selection-export]', 'title'), 'Select some images first');
  assert.equal(await page.getAttribute('[data-testid=selection-clear]', 'title'), 'Nothing is selected');
  await page.locator('[data-testid=selection-panel]').screenshot({ path: path.join(OUT, 'selection-empty.png') });
});

test("selecting a label selects as many images as the legend counts, draws the first of them and decodes the selection's mean", async () => {
  await page.click('[data-testid=select-label-3]');
  const legend = numberIn(await page.innerText('[data-testid=legend-3] .count'));
  const expected = withLabel(3);
  assert.equal(legend, expected.length);
  await page.waitForSelector('[data-testid=selection-count]');
  assert.equal(numberIn(await page.innerText('[data-testid=selection-count]')), legend);
  assert.equal(await page.innerText('[data-testid=selection-how]'), 'label 3');
  // Only label 3 is counted, with all of them.
  assert.equal((await page.innerText('[data-testid=selection-labels]')).replace(/\s+/g, ' ').trim(), `3 ${legend.toLocaleString('en-US')}`);

  await page.waitForFunction(() => document.querySelectorAll('[data-testid=selection-images] canvas').length === 48);
  const labels = await page.locator('[data-testid=selection-images] canvas').evaluateAll((cs) => cs.map((c) => c.getAttribute('aria-label')));
  assert.deepEqual(
    labels,
    expected.slice(0, 48).map((n) => `image #${n}`),
  );
  // The first thumbnail is that test image, pixel for pixel.
  const first = await engine.testImages({ indices: [expected[0]!] });
  const thumb = await page.evaluate(() => {
    const c = document.querySelector('[data-testid=selection-images] canvas') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    return Array.from({ length: c.width * c.height }, (_, i) => d[i * 4]!);
  });
  assert.deepEqual(thumb, toBytes(first.pixels));

  // The mean decoded is the engine's decode of the mean of these images' latent means.
  await page.waitForSelector('[data-testid=selection-mean]');
  const k = points.latentDim;
  const sum = new Float64Array(k);
  for (const n of expected) for (let d = 0; d < k; d++) sum[d]! += points.mean[(n - points.first) * k + d]!;
  const decoded = await engine.decode({ z: Float32Array.from(sum, (v) => v / expected.length) });
  const drawn = await canvasBytes(page, 'selection-mean');
  assert.deepEqual(drawn, toBytes(decoded.pixels));
  assert.ok(Math.max(...drawn) - Math.min(...drawn) > 50, 'the mean image is not blank');
  assert.match(await page.innerText('[data-testid=selection-panel] figcaption'), /^Mean of the selection, decoded \(deterministic\)/);
  await page.screenshot({ path: path.join(OUT, 'selection-label.png') });
  await page.locator('[data-testid=selection-panel]').screenshot({ path: path.join(OUT, 'selection-panel.png') });
});

test('Shift-click on another label adds it, and the counts per label show both', async () => {
  await page.click('[data-testid=select-label-5]', { modifiers: ['Shift'] });
  const three = withLabel(3).length;
  const five = withLabel(5).length;
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid=selection-count]')?.textContent === `${n} images`,
    (three + five).toLocaleString('en-US'),
  );
  assert.equal(await page.innerText('[data-testid=selection-how]'), 'label 3, + label 5');
  assert.equal(await page.locator('[data-testid=selection-labels] .row').count(), 2);
  await page.locator('[data-testid=selection-panel]').screenshot({ path: path.join(OUT, 'selection-two-labels.png') });
});

test('export CSV downloads one row for each selected image, numbered as the selection', async () => {
  await page.click('[data-testid=select-label-3]');
  const expected = withLabel(3);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=selection-export]')]);
  assert.match(download.suggestedFilename(), new RegExp(`-selection-${expected.length}\\.csv$`));
  const rows = parse(readFileSync((await download.path())!, 'utf8'), { columns: true }) as Record<string, string>[];
  assert.deepEqual(
    rows.map((r) => Number(r.index)),
    expected,
  );
  assert.ok(rows.every((r) => r.label === '3'));
});

test('a search by number selects exactly that image; one that finds nothing says what is shown', async () => {
  await search('123');
  await page.waitForFunction(() => document.querySelector('[data-testid=selection-count]')?.textContent === '1 image');
  assert.equal(await page.innerText('[data-testid=selection-how]'), 'search “123”');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=selection-images] canvas').length === 1);
  assert.equal(await page.getAttribute('[data-testid=selection-images] canvas', 'aria-label'), 'image #123');

  await search('99999');
  assert.equal(
    await page.innerText('[data-testid=selection-search-error]'),
    `No shown image is number 99,999; the scatter shows the test set, numbers 0–${(points.count - 1).toLocaleString('en-US')}.`,
  );
  assert.equal(await page.getAttribute('[data-testid=selection-search]', 'aria-invalid'), 'true');
  assert.equal(await page.innerText('[data-testid=selection-count]'), '1 image', 'the selection stays as it was');
  await page.screenshot({ path: path.join(OUT, 'selection-search-error.png') });

  // A range, as typed, tells how many it would select before it is made.
  await page.fill('[data-testid=selection-search]', '100-199');
  assert.equal(await page.innerText('[data-testid=selection-search-hint]'), 'Enter selects 100 shown images.');
  await page.press('[data-testid=selection-search]', 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=selection-count]')?.textContent === '100 images');

  // A label by number, as the legend names it.
  await search('label:7');
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid=selection-count]')?.textContent === `${n} images`,
    withLabel(7).length.toLocaleString('en-US'),
  );
  assert.equal(await page.innerText('[data-testid=selection-how]'), 'search “label:7”: label 7');
  await search('100-199');
  await page.waitForFunction(() => document.querySelector('[data-testid=selection-count]')?.textContent === '100 images');
});

test('clicking an image of the selection picks its point; Clear empties the selection', async () => {
  await page.click('[data-testid=selection-images] button >> nth=2');
  await page.waitForFunction(() => document.querySelector('[data-testid=decode-panel]')?.textContent?.includes('Test image #102,'));
  await page.click('[data-testid=selection-clear]');
  await page.waitForSelector('[data-testid=selection-empty]');
  assert.equal(await page.$('[data-testid=selection-images]'), null);
  assert.equal(await page.$('[data-testid=selection-mean]'), null);
  assert.deepEqual(pageErrors(page), []);
});
