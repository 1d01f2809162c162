import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { writeSyntheticFolder } from '../helpers/fixtures.js';
import { answerConfirm, startApp, trainFromForm, waitStatus, type AppUnderTest } from './browser.js';

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
  assert.match(await page.innerText('[aria-label="Loss curves"]'), /Curves appear with the first batch\./);
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

test('during the first epoch the chart already draws each batch; KL has an axis of its own', async () => {
  await page.fill('[data-testid=idx-folder]', writeSyntheticFolder({ train: 3000, test: 100, h: 8, w: 6 }));
  await page.fill('[data-testid=epochs]', '1');
  await page.fill('[data-testid=batch]', '10');
  await page.fill('[data-testid=limit]', '0');
  await page.click('[data-testid=train]');
  await answerConfirm(page, 'ok');
  await page.waitForFunction(() => {
    const [batch, of] = (document.querySelector('[data-testid=stats-batch]')?.textContent ?? '').split(' / ').map(Number);
    return batch !== undefined && of !== undefined && batch >= 60 && batch < of;
  });
  assert.equal((await app.engine.getSession({})).history.length, 0, 'no epoch has ended yet');
  // With no epoch yet, the only blue in the chart is the line of the batches (axes and grid are grey).
  const blue = await page.evaluate((sel) => {
    const c = document.querySelector(`${sel} canvas`) as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 2]! - d[i]! > 40 && d[i + 2]! - d[i + 1]! > 20) n++;
    return n;
  }, CHART);
  assert.ok(blue > 30, `the batches are drawn (${blue} blue pixels)`);
  assert.doesNotMatch(await page.innerText('[aria-label="Loss curves"]'), /Curves appear/);
  assert.equal(await page.locator(`${CHART} .u-axis`).count(), 3, 'epoch, nats and a separate KL axis');
  assert.match(await page.innerText('[aria-label="What the lines are"]'), /KL, right axis/);
  await app.engine.stopTraining({});
  await waitStatus(page, 'stopped', OUT);
});
