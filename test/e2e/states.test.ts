import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { writeSyntheticFolder } from '../helpers/fixtures.js';
import { answerConfirm, startApp, waitStatus, type AppUnderTest } from './browser.js';

// What the training panel says once a run has ended early: after a pause,
// after a stop inside an epoch, and after a loss that became NaN.
const OUT = path.resolve('test-output');
let app: AppUnderTest;
let page: Page;
let folder: string;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  app = await startApp();
  page = app.page;
  folder = writeSyntheticFolder({ train: 3000, test: 100, h: 8, w: 6 });
});

after(async () => {
  await app?.close();
});

async function trainOnFolder(epochs: number, batch: number, lr: string): Promise<void> {
  await page.selectOption('[data-testid=dataset]', 'folder');
  await page.fill('[data-testid=idx-folder]', folder);
  await page.fill('[data-testid=hidden]', '32');
  await page.fill('[data-testid=epochs]', String(epochs));
  await page.fill('[data-testid=batch]', String(batch));
  await page.fill('[data-testid=limit]', '0');
  await page.fill('[data-testid=lr]', lr);
  await page.click('[data-testid=train]');
}

test("the engine's refusal stays beside the control that caused it until dismissed, whatever is asked meanwhile", async () => {
  await page.selectOption('[data-testid=dataset]', 'folder');
  await page.fill('[data-testid=idx-folder]', '/no/such/folder');
  await page.click('[data-testid=train]');
  const refusal = page.locator('[data-testid=error-train]');
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /\/no\/such\/folder/);
  assert.equal(await page.locator('[data-testid=notice]').count(), 0, 'not in the notice line at the top');
  // Another request, which the engine also refuses, is told at its own place; the first stays.
  await page.fill('[data-testid=model-dir]', '/no/such/model');
  await page.click('[data-testid=open-model]');
  await page.locator('[data-testid=error-models]').waitFor();
  assert.equal(await refusal.count(), 1, 'the data refusal is still there');
  await page.locator('[aria-label="Data and model"]').screenshot({ path: path.join(OUT, 'states-refusal.png') });
  await page.click('[data-testid=dismiss-train]');
  assert.equal(await refusal.count(), 0);
  await page.click('[data-testid=dismiss-models]');
});

test('paused, the panel shows no ETA; stopped inside an epoch, it says which weights were kept and where Continue starts', async () => {
  await trainOnFolder(3, 10, '0.001');
  await page.waitForFunction(() => /^2 \//.test(document.querySelector('[data-testid=epoch]')?.textContent ?? ''), null, { timeout: 60000 });
  await page.click('[data-testid=pause]');
  await waitStatus(page, 'paused', OUT);
  assert.equal(await page.innerText('[data-testid=eta]'), 'paused');
  await page.click('[data-testid=resume]');
  await waitStatus(page, 'running', OUT);
  await page.click('[data-testid=stop]');
  await waitStatus(page, 'stopped', OUT);
  const outcome = await page.innerText('[data-testid=outcome]');
  assert.match(
    outcome,
    /^Stopped during epoch 2, after \d+ of its 300 batches\. The model keeps the weights of epoch 1, the last one finished; those batches were set aside, so Continue starts epoch 2 afresh\.$/,
  );
  assert.equal(await page.innerText('[data-testid=trained-epochs]'), '1 epoch', 'the panel shows what the model holds, not where the run was');
  assert.equal(await page.locator('[data-testid=eta]').count(), 0);
  assert.match((await page.getAttribute('[data-testid=continue]', 'title')) ?? '', /from epoch 2/);
  assert.equal((await app.engine.getSession({})).history.length, 1);
  await page.locator('[aria-label=Training]').screenshot({ path: path.join(OUT, 'states-stopped.png') });
});

test('after a NaN the model is back at its starting weights, drawn and usable, and the panel says what to do', async () => {
  await trainOnFolder(1, 10, '1');
  await answerConfirm(page, 'ok');
  await waitStatus(page, 'failed', OUT);
  assert.match(
    await page.innerText('[aria-label=Training] [role=alert]'),
    /The loss became NaN at epoch 1, batch \d+; training stopped\. Try a lower learning rate\./,
  );
  assert.match(
    await page.innerText('[data-testid=outcome]'),
    /The model is back at the weights it started with, as no epoch finished: the scatter, decodes and exports show it/,
  );
  const points = await app.engine.latentPoints({});
  assert.ok(points.count > 0 && Array.from(points.mean).every(Number.isFinite), 'the restored model encodes the test set to finite points');
  assert.equal(await page.isEnabled('[data-testid=continue]'), true);
  await page.waitForFunction(() => /latent dims|drawn as they are/.test(document.querySelector('[data-testid=projection-note]')?.textContent ?? ''));
  await page.screenshot({ path: path.join(OUT, 'states-failed.png') });
});

test('a denoising VAE trained from the form: the Denoising view says what the model was trained to do', async () => {
  await page.selectOption('[data-testid=denoise]', 'gaussian');
  await page.fill('[data-testid=denoise-amount]', '0.3');
  assert.match(await page.innerText('[data-testid=denoise-hint]'), /scored against the clean image/);
  // The model the NaN left has no finished epoch, so nothing unsaved is asked about.
  await trainOnFolder(1, 100, '0.001');
  await waitStatus(page, 'done', OUT);
  assert.deepEqual((await app.engine.getSession({})).training?.denoise, { noise: 'gaussian', amount: 0.3 });
  await page.selectOption('[data-testid=explore-kind]', 'denoise');
  assert.match(
    await page.innerText('[data-testid=denoise-note]'),
    /This model was trained as a denoiser \(Gaussian noise of σ 0\.3\): it maps noisy images back to clean ones/,
  );
  await page.click('[data-testid=explore-show]');
  await page.waitForSelector('[data-testid=explore-grid]');
  await page.screenshot({ path: path.join(OUT, 'states-denoiser.png') });
});
