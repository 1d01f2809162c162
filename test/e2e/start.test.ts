import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startApp, waitStatus, type AppUnderTest } from './browser.js';

// The first screen as a newcomer meets it: starting points with times
// measured on this machine, and one click from nothing to a model training.
const OUT = path.resolve('test-output');
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

test('the first screen offers four starting points with measured times, and trains the chosen one in one click', async () => {
  const card = page.locator('[data-testid=start]');
  await card.waitFor();
  assert.match(await card.innerText(), /Train your first VAE on MNIST/);
  for (const id of ['quick', 'sharp', 'conv', 'binarised']) assert.equal(await page.locator(`[data-testid=preset-${id}]`).count(), 1);
  // Every time is measured by the engine, then told as a person would say it.
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid^=estimate-]')].every((e) => /^about \d/.test(e.textContent ?? '')), null, {
    timeout: 60000,
  });
  const quick = await page.innerText('[data-testid=estimate-quick]');
  assert.match(await page.innerText('[data-testid=start-train]'), new RegExp(`Train “A quick look”, ${quick}`));
  assert.match(await page.innerText('[data-testid=start-next]'), /click a point to see its image/);
  await page.screenshot({ path: path.join(OUT, 'start.png') });
  // With nothing loaded, every disabled control says why.
  for (const [id, why] of [
    ['export-latent', 'Train or open a model first'],
    ['export-history', 'The history starts when an epoch ends'],
    ['scatter-png', 'Nothing is drawn yet'],
    ['reseed', 'Train or open a model first'],
    ['explore-show', 'Train or open a model first'],
    ['pause', 'Nothing is training'],
    ['save-model', 'There is no model to save yet'],
  ] as const) {
    assert.equal(await page.isDisabled(`[data-testid=${id}]`), true, `${id} is disabled`);
    assert.equal(await page.getAttribute(`[data-testid=${id}]`, 'title'), why, id);
  }

  await page.click('label:has([data-testid=preset-sharp])');
  assert.match(await page.innerText('[data-testid=start-train]'), /Train “Sharp reconstructions”, about/);
  await page.click('[data-testid=start-train]');
  await waitStatus(page, 'running', OUT);
  assert.equal(await card.count(), 0, 'the first screen gives way to the model training');
  assert.equal(await page.inputValue('[data-testid=latent]'), '16', 'the form shows what is training');
  const s = await app.engine.getSession({});
  assert.equal(s.model?.latentDim, 16);
  assert.equal(s.training?.epochs, 10);
  await app.engine.stopTraining({});
  await waitStatus(page, 'stopped', OUT);
});
