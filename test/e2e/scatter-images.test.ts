import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { ScatterHook } from '../../renderer/src/lib/scatter/test-hook.js';
import { openApp, pageErrors, startTrained, type AppUnderTest } from './browser.js';

// What the scatter draws besides dots, in the browser mode: the points as
// their images where there is room (a level of detail that never piles
// them up and shows more as the view zooms in), and the prior's samples
// beside the encoded points, which boxes do not select. Screenshots land in
// test-output/.
const OUT = path.resolve('test-output');
let app: AppUnderTest;
let page: Page;
let count = 0;

type Hooked = Window & { latentExplorerScatter: ScatterHook };

before(async () => {
  mkdirSync(OUT, { recursive: true });
  ({ app, count } = await startTrained(OUT));
  page = app.page;
});

after(async () => {
  await app?.close();
});

/** The canvas's pixels as RGBA bytes, drawn now. */
function pixels(): Promise<number[]> {
  return page.evaluate(() => {
    const v = (window as unknown as Hooked).latentExplorerScatter;
    v.renderNow();
    const c = document.createElement('canvas');
    c.width = v.canvas.width;
    c.height = v.canvas.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(v.canvas, 0, 0);
    return Array.from(ctx.getImageData(0, 0, c.width, c.height).data);
  });
}

/** Pixels whose colour differs between two pictures of the canvas. */
function changed(a: number[], b: number[]): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 4) if (Math.abs(a[i]! - b[i]!) + Math.abs(a[i + 1]! - b[i + 1]!) + Math.abs(a[i + 2]! - b[i + 2]!) > 30) n++;
  return n;
}

/** Near-black pixels: the test images' background, which neither theme's dots nor the light background have. */
function dark(p: number[]): number {
  let n = 0;
  for (let i = 0; i < p.length; i += 4) if (p[i]! < 40 && p[i + 1]! < 40 && p[i + 2]! < 40) n++;
  return n;
}

const rows = () => page.evaluate(() => (window as unknown as Hooked).latentExplorerScatter.thumbnailRows());

/** The rows drawn as images once the choice has settled and their images have come (unchanged over two looks). */
async function settledRows(unlike: number[] = []): Promise<number[]> {
  const before = JSON.stringify(unlike);
  await page.waitForFunction((b) => {
    const r = (window as unknown as Hooked).latentExplorerScatter.thumbnailRows();
    return r.length > 0 && JSON.stringify(r) !== b;
  }, before);
  let last = '';
  for (;;) {
    await page.waitForTimeout(400);
    const now = JSON.stringify(await rows());
    if (now === last) return JSON.parse(now) as number[];
    last = now;
  }
}

/** Where each row is drawn, in client pixels. */
function placesOf(r: number[]): Promise<{ x: number; y: number }[]> {
  return page.evaluate((list) => list.map((i) => (window as unknown as Hooked).latentExplorerScatter.screenPosition(i)!), r);
}

test('Images draws points as their thumbnails, at most the cap, none piled on another, more as the view zooms in', async () => {
  const dots = await pixels();
  assert.equal(await page.getAttribute('[data-testid=scatter-images]', 'aria-pressed'), 'false');
  await page.click('[data-testid=scatter-images]');
  assert.equal(await page.getAttribute('[data-testid=scatter-images]', 'aria-pressed'), 'true');
  const shown = await settledRows();
  const cap = await page.evaluate(() => (window as unknown as Hooked).latentExplorerScatter.thumbnailCap);
  assert.ok(shown.length > 0 && shown.length <= cap && shown.length < count, `${shown.length} thumbnails of ${count} points (cap ${cap})`);
  // Thumbnails are 32 CSS px at the style's size 1: no two centres closer than that along both x and y.
  const at = await placesOf(shown);
  for (let i = 0; i < at.length; i++) {
    for (let j = i + 1; j < at.length; j++) {
      const apart = Math.max(Math.abs(at[i]!.x - at[j]!.x), Math.abs(at[i]!.y - at[j]!.y));
      assert.ok(apart >= 31.9, `rows ${shown[i]} and ${shown[j]} drawn ${apart.toFixed(1)} px apart`);
    }
  }
  const images = await pixels();
  const diff = changed(dots, images);
  assert.ok(diff > shown.length * 200, `${diff} pixels changed for ${shown.length} thumbnails`);
  assert.ok(dark(images) > dark(dots) + shown.length * 100, `near-black pixels ${dark(dots)} → ${dark(images)}: the images' own pixels are drawn`);
  await page.locator('.scatter-panel').screenshot({ path: path.join(OUT, 'scatter-images-on.png') });

  // Closer in, the points spread apart on screen: room for more of them, and others.
  await page.evaluate(() => (window as unknown as Hooked).latentExplorerScatter.zoom(0.45));
  const zoomed = await settledRows(shown);
  assert.notDeepEqual(new Set(zoomed), new Set(shown));
  assert.ok(zoomed.length > shown.length, `${shown.length} → ${zoomed.length} thumbnails zoomed in`);
  await page.locator('.scatter-panel').screenshot({ path: path.join(OUT, 'scatter-images-zoomed.png') });

  // Picking still finds the point under a thumbnail's centre.
  const [first] = await placesOf([zoomed[0]!]);
  assert.equal(await page.evaluate(([x, y]) => (window as unknown as Hooked).latentExplorerScatter.pick(x!, y!), [first!.x, first!.y]), zoomed[0]);

  // A selection: the thumbnails outside it fade as the dots do, those in it stay; none fade once it is cleared.
  const faded = () => page.evaluate(() => (window as unknown as Hooked).latentExplorerScatter.thumbnailFadedRows());
  assert.deepEqual(await faded(), []);
  const labels = (await app.engine.latentPoints({})).labels!;
  const label = labels[zoomed[0]!]!;
  await page.fill('[data-testid=selection-search]', `label:${label}`);
  await page.press('[data-testid=selection-search]', 'Enter');
  await page.waitForFunction(() => (window as unknown as Hooked).latentExplorerScatter.thumbnailFadedRows().length > 0);
  const out = await faded();
  assert.deepEqual(
    out,
    zoomed.filter((r) => labels[r] !== label),
    'exactly the drawn thumbnails of other labels fade',
  );
  await page.locator('.scatter-panel').screenshot({ path: path.join(OUT, 'scatter-images-selection.png') });
  await page.click('[data-testid=selection-clear]');
  await page.waitForFunction(() => (window as unknown as Hooked).latentExplorerScatter.thumbnailFadedRows().length === 0);

  // Images off: dots again.
  await page.click('[data-testid=scatter-images]');
  await page.waitForFunction(() => (window as unknown as Hooked).latentExplorerScatter.thumbnailRows().length === 0);
  await page.click('button:text-is("Reset view")');
  await page.waitForTimeout(300);
});

test('Prior draws 2000 samples of N(0, I) beside the points; a box round everything selects only the encoded points', async () => {
  const before = await pixels();
  const button = '[data-testid=scatter-prior]';
  assert.equal(await page.getAttribute(button, 'aria-pressed'), 'false');
  assert.match((await page.getAttribute(button, 'title'))!, /prior N\(0, I\).*same projection.*decodes go wrong/);
  await page.click(button);
  await page.waitForFunction(() => (window as unknown as Hooked).latentExplorerScatter.priorCount > 0);
  assert.equal(await page.evaluate(() => (window as unknown as Hooked).latentExplorerScatter.priorCount), 2000);
  assert.equal(await page.getAttribute(button, 'aria-pressed'), 'true');
  assert.match(await page.innerText('[data-testid=prior-key]'), /prior samples/);
  const withPrior = await pixels();
  const diff = changed(before, withPrior);
  assert.ok(diff > 2000, `${diff} pixels changed with the prior shown`);
  await page.locator('.scatter-panel').screenshot({ path: path.join(OUT, 'scatter-prior.png') });

  await page.click('[data-testid=tool-box]');
  const b = (await page.locator('[data-testid=scatter-canvas]').boundingBox())!;
  await page.mouse.move(b.x + 2, b.y + 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width - 2, b.y + b.height - 2, { steps: 10 });
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('[data-testid=selection-how]')?.textContent?.startsWith('box:'));
  assert.equal(await page.innerText('[data-testid=selection-how]'), `box: ${count.toLocaleString('en-US')} points`);
  assert.equal(await page.evaluate(() => (window as unknown as Hooked).latentExplorerScatter.highlightedCount), count);
  await page.click('[data-testid=tool-orbit]');

  await page.click(button);
  await page.waitForFunction(() => (window as unknown as Hooked).latentExplorerScatter.priorCount === 0);
  assert.deepEqual(pageErrors(page), []);
});

test('the prior and the thumbnails read in the dark theme too', async () => {
  const dark = await openApp(app.browser, app.server.url, 'dark');
  await dark.waitForFunction(() => ((window as unknown as Hooked).latentExplorerScatter?.axisTexts().length ?? 0) > 0);
  await dark.click('[data-testid=scatter-prior]');
  await dark.click('[data-testid=scatter-images]');
  await dark.waitForFunction(() => {
    const v = (window as unknown as Hooked).latentExplorerScatter;
    return v.priorCount === 2000 && v.thumbnailRows().length > 0;
  });
  await dark.waitForTimeout(500);
  await dark.locator('.scatter-panel').screenshot({ path: path.join(OUT, 'scatter-prior-dark.png') });
  assert.deepEqual(pageErrors(dark), []);
  await dark.close();
});
