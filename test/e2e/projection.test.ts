import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { ScatterHook } from '../../renderer/src/lib/scatter/test-hook.js';
import { clickablePoint, pageErrors, startApp, trainFromForm, waitStatus, type AppUnderTest } from './browser.js';

// The projection controls in the browser mode: which images the scatter
// shows, and PCA, chosen axes and UMAP (with its progress), each placing
// the points and later points alike. Screenshots land in test-output/.
const OUT = path.resolve('test-output');
let app: AppUnderTest;
let page: Page;
let errors: string[];

type Hooked = Window & { latentExplorerScatter: ScatterHook };
const note = () => page.locator('[data-testid=projection-note]').textContent();
/** Waits until the scatter draws `n` points (and no more). */
const drawn = (n: number) =>
  page.waitForFunction(
    (k) => {
      const v = (window as unknown as Hooked).latentExplorerScatter;
      return v.screenPosition(k - 1) !== null && v.screenPosition(k) === null;
    },
    n,
    { timeout: 120_000 },
  );

before(async () => {
  mkdirSync(OUT, { recursive: true });
  app = await startApp();
  page = app.page;
  errors = pageErrors(page);
  await page.fill('[data-testid=latent]', '5');
  await trainFromForm(page, 1, 1500);
  await waitStatus(page, 'done', OUT);
  await page.waitForFunction(() => document.querySelector('[data-testid=projection-note]')?.textContent?.includes('PCA'));
});

after(async () => {
  await app?.close();
});

test('five latent dims start as PCA in 3D; chosen dims as axes place the points at those coordinates, named on the axes', async () => {
  assert.match((await note())!, /5 latent dims projected to 3D by PCA \(\d+% \+ \d+% \+ \d+% of the variance\)/);
  await page.selectOption('[data-testid=projection-method]', 'axes');
  await page.selectOption('[data-testid=axis-y]', '3');
  await page.selectOption('[data-testid=axis-z]', '');
  await page.waitForFunction(() => document.querySelector('[data-testid=projection-note]')?.textContent?.includes('z0, z3 as the axes'));
  assert.match((await note())!, /Latent dims z0, z3 as the axes; the other 3 are not shown/);
  const texts = await page.evaluate(() => (window as unknown as Hooked).latentExplorerScatter.axisTexts());
  assert.ok(texts.includes('z0') && texts.includes('z3') && !texts.includes('z1'), `axis names: ${texts.join(' ')}`);
  // The engine placed them exactly at (z0, z3, 0).
  const pts = await app.engine.latentPoints({ projection: { method: 'axes', axes: [0, 3] } });
  for (const i of [0, 7, 42]) {
    assert.equal(pts.positions[i * 3], pts.mean[i * 5]);
    assert.equal(pts.positions[i * 3 + 1], pts.mean[i * 5 + 3]);
    assert.equal(pts.positions[i * 3 + 2], 0);
  }
  // A click on empty space decodes z with z0 and z3 from the click and the rest at 0.
  const box = (await page.locator('[data-testid=scatter-canvas]').boundingBox())!;
  await page.mouse.click(box.x + 8, box.y + box.height - 8);
  await page.waitForSelector('[data-testid=space-z]');
  const z = await page.locator('[data-testid=space-z]').textContent();
  const values = /z = \(([^)]*)\)/.exec(z!)?.[1]?.split(',').map(Number) ?? [];
  assert.equal(values.length, 5, `the decoded z: ${z}`);
  assert.deepEqual([values[1], values[2], values[4]], [0, 0, 0], 'dims not shown are decoded at the prior mean');
  // A picked point's sampled z lie round its mean: violet rays from the mean to each, placed on these axes.
  const violet = () =>
    page.evaluate(() => {
      const src = document.querySelector('[data-testid=scatter-canvas]') as HTMLCanvasElement;
      const c = document.createElement('canvas');
      [c.width, c.height] = [src.width, src.height];
      const ctx = c.getContext('2d')!;
      ctx.drawImage(src, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i]! - 0x7c) < 20 && Math.abs(d[i + 1]! - 0x3a) < 20 && Math.abs(d[i + 2]! - 0xed) < 20) n++;
      return n;
    });
  assert.equal(await violet(), 0, 'no rays before a point is picked');
  const point = await clickablePoint(page, 0, 500);
  await page.mouse.click(point!.x, point!.y);
  await page.waitForFunction(() => document.querySelector('[data-testid=decode-panel]')?.textContent?.includes('sample 4'));
  await page.waitForTimeout(400);
  assert.ok((await violet()) > 10, 'the sampled z are drawn as rays');
  await page.screenshot({ path: path.join(OUT, 'projection-axes.png') });
});

test('PCA in 2D lies on a plane; both sets show test and training images together; a bad seed is a sentence beside its field', async () => {
  await page.selectOption('[data-testid=projection-method]', 'pca');
  await page.click('[data-testid=projection-2d]');
  await page.waitForFunction(() => document.querySelector('[data-testid=projection-note]')?.textContent?.includes('to 2D by PCA'));
  const ds = (await app.engine.getSession({})).dataset!;
  await page.selectOption('[data-testid=point-set]', 'both');
  await drawn(ds.testCount + ds.trainCount);
  await page.selectOption('[data-testid=projection-method]', 'umap');
  await page.fill('[data-testid=umap-seed]', '-1');
  assert.equal(await page.locator('[data-testid=projection-error]').textContent(), 'The seed must be a whole number from 0 to 2147483647.');
  assert.ok(await page.locator('[data-testid=umap-fit]').isDisabled());
  await page.fill('[data-testid=umap-seed]', '7');
  await page.selectOption('[data-testid=point-set]', 'test');
  await drawn(ds.testCount);
});

test('UMAP fits with its progress shown, is the same for the same seed, and a click in empty space decodes nothing (UMAP has no way back)', async () => {
  await page.selectOption('[data-testid=projection-method]', 'umap');
  await page.fill('[data-testid=umap-seed]', '7');
  await page.click('[data-testid=umap-fit]');
  await page.waitForSelector('[data-testid=projection-progress]', { timeout: 30_000 });
  await page.screenshot({ path: path.join(OUT, 'projection-umap-progress.png') });
  await page.waitForFunction(() => document.querySelector('[data-testid=projection-note]')?.textContent?.includes('by UMAP in 2D (seed 7'), undefined, {
    timeout: 120_000,
  });
  assert.equal(await page.locator('[data-testid=projection-progress]').count(), 0, 'the progress goes once the points are drawn');
  assert.ok(await page.locator('[data-testid=umap-fit]').isDisabled(), 'nothing to fit: this UMAP is shown');
  const shown = await page.evaluate(() => {
    const v = (window as unknown as Hooked).latentExplorerScatter;
    return [0, 1, 2].map((i) => v.screenPosition(i));
  });
  const again = await app.engine.latentPoints({ projection: { method: 'umap', dims: 2, seed: 7, neighbours: 15 } });
  const first = await app.engine.latentPoints({ projection: { method: 'umap', dims: 2, seed: 7, neighbours: 15 } });
  assert.deepEqual(Array.from(again.positions), Array.from(first.positions), 'the same seed, the same picture');
  assert.ok(shown.every((s) => s !== null));
  const texts = await page.evaluate(() => (window as unknown as Hooked).latentExplorerScatter.axisTexts());
  assert.ok(texts.includes('UMAP 1') && texts.includes('UMAP 2'));
  const box = (await page.locator('[data-testid=scatter-canvas]').boundingBox())!;
  await page.locator('[data-testid=decode-panel]').evaluate((el) => (el.dataset.before = el.textContent ?? ''));
  await page.mouse.click(box.x + 6, box.y + 6);
  await page.waitForTimeout(300);
  assert.equal(
    await page.locator('[data-testid=decode-panel]').evaluate((el) => el.textContent === el.dataset.before),
    true,
    'no decode for a click in a UMAP',
  );
  await page.screenshot({ path: path.join(OUT, 'projection-umap.png') });
  assert.deepEqual(errors, []);
});
