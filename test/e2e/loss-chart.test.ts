import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { writeSyntheticFolder } from '../helpers/fixtures.js';
import { startApp, trainFromForm, waitStatus, type AppUnderTest } from './browser.js';

// The loss chart is one uPlot, mounted with the panel and fed each epoch as
// it comes, never built anew. A small IDX folder keeps the training short.
const OUT = path.resolve('test-output');
const CHART = '[data-testid=loss-chart]';
let app: AppUnderTest;
let page: Page;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  app = await startApp();
  page = app.page;
});

after(async () => {
  await app?.close();
});

const picture = () => page.evaluate((sel) => (document.querySelector(`${sel} canvas`) as HTMLCanvasElement).toDataURL(), CHART);

test('the loss chart is mounted once: another epoch extends the curves already drawn', async () => {
  assert.match(await page.innerText('[aria-label="Loss curves"]'), /Curves appear after the first epoch\./);
  assert.equal(await page.locator(`${CHART} .uplot`).count(), 1, 'mounted before any epoch');
  await page.evaluate((sel) => {
    (document.querySelector(`${sel} .uplot`) as HTMLElement).dataset.mounted = 'at start';
  }, CHART);

  await page.selectOption('[data-testid=dataset]', 'folder');
  await page.fill('[data-testid=idx-folder]', writeSyntheticFolder({ train: 400, test: 100, h: 8, w: 6 }));
  await page.fill('[data-testid=hidden]', '64');
  await trainFromForm(page, 2, 0);
  await waitStatus(page, 'done', OUT);
  await page.waitForFunction(() => !document.querySelector('[aria-label="Loss curves"]')?.textContent?.includes('Curves appear'));
  const twoEpochs = await picture();

  await page.fill('[aria-label=Training] input', '1');
  await page.click('[aria-label=Training] button:has-text("Continue")');
  await page.waitForFunction(([sel, b]) => (document.querySelector(`${sel} canvas`) as HTMLCanvasElement).toDataURL() !== b, [CHART, twoEpochs] as const);
  await waitStatus(page, 'done', OUT);
  assert.equal((await app.engine.getSession({})).history.length, 3);
  assert.equal(await page.locator(`${CHART} .uplot`).count(), 1, 'one chart');
  assert.equal(await page.getAttribute(`${CHART} .uplot`, 'data-mounted'), 'at start', 'the chart mounted at the start, updated in place');
  await page.locator('[aria-label="Loss curves"]').screenshot({ path: path.join(OUT, 'loss-chart.png') });
});
