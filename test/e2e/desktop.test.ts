import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import type { Client } from '../../src/rpc/client.js';
import { writeSyntheticFolder } from '../helpers/fixtures.js';
import { answerConfirm, canvasBytes, clickablePoint, startApp, type AppUnderTest, toBytes, trainFromForm, waitNotice, waitStatus } from './browser.js';

// The renderer's desktop path in Chromium: a stand-in for Electron's preload
// (test/e2e/desktop-bridge.ts) gives the page the same window.latentExplorer
// the desktop app has, so the IPC transport and the native folder dialogs run
// as they do in the app. The Electron binary itself cannot be fetched here.
const OUT = path.resolve('test-output');
let app: AppUnderTest;
let page: Page;
let engine: Client;

type Answer = string | null | { error: string };
const answer = (a: Answer) => page.evaluate((x) => (window as unknown as { desktopDialogs: { answers: Answer[] } }).desktopDialogs.answers.push(x), a);
const requests = () => page.evaluate(() => (window as unknown as { desktopDialogs: { requests: unknown[] } }).desktopDialogs.requests);

before(async () => {
  mkdirSync(OUT, { recursive: true });
  const bridge = await build({
    entryPoints: ['test/e2e/desktop-bridge.ts'],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
  });
  app = await startApp(bridge.outputFiles[0]!.text);
  ({ page, engine } = app);
});

after(async () => {
  await app?.close();
});

test("through the preload's port the app trains, draws the scatter and decodes a clicked point exactly", async () => {
  assert.equal(await page.locator('[data-testid=model-dir]').count(), 0, 'no path field: the desktop app uses native dialogs');
  assert.equal(await page.isDisabled('[data-testid=save-model-dialog]'), true, 'nothing to save yet');
  await trainFromForm(page, 1, 2000);
  await waitStatus(page, 'done', OUT);
  await page.waitForFunction(() => document.querySelector('[data-testid=projection-note]')?.textContent?.includes('3 latent dims'));
  const pts = await engine.latentPoints({});
  const target = await clickablePoint(page, 0, pts.count);
  assert.ok(target, 'some point can be clicked');
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction((i) => document.querySelector('[data-testid=decode-panel]')?.textContent?.includes(`Test image #${i},`) ?? false, target.i);
  const decoded = await engine.decode({ z: pts.mean.slice(target.i * 3, target.i * 3 + 3) });
  assert.deepEqual(await canvasBytes(page, 'decoded-mean'), toBytes(decoded.pixels));
});

test('"Save model as…" and "Open model…" go through the native dialog; cancel and a failing dialog lose nothing', async () => {
  const dir = path.join(OUT, `desktop-model-${process.pid}`);
  const z = Float32Array.from([0.25, -0.5, 1]);
  const saved = await engine.decode({ z });

  await answer(dir);
  await page.click('[data-testid=save-model-dialog]');
  await waitNotice(page, /^Saved to /);
  assert.equal(await page.getAttribute('[data-testid=notice]', 'data-tone'), 'info');
  assert.deepEqual(await requests(), [{ purpose: 'save-model', suggestedName: 'mnist-latent-3' }]);
  assert.ok(existsSync(path.join(dir, 'manifest.json')));
  assert.equal(await page.innerText('[data-testid=model-folder]'), `Folder: ${dir}`);

  // Cancelled: nothing happens, nothing is said.
  await page.click('[data-testid=save-model-dialog]');
  await page.waitForFunction(() => (window as unknown as { desktopDialogs: { requests: unknown[] } }).desktopDialogs.requests.length === 2);
  assert.equal(await page.locator('[data-testid=notice]').count(), 0);
  // A dialog that fails: its sentence, and the session stays.
  await answer({ error: 'The dialog could not open.' });
  await page.click('[data-testid=open-model-dialog]');
  await waitNotice(page, /The dialog could not open\./);
  assert.equal(await page.getAttribute('[data-testid=notice]', 'data-tone'), 'error');
  assert.equal(await page.getAttribute('[data-testid=notice]', 'role'), 'alert');
  assert.equal((await engine.getSession({})).modelDir, dir);

  // Train something else, then open the saved model: it decodes as it did.
  await page.fill('[data-testid=latent]', '2');
  await trainFromForm(page, 1, 500);
  await page.waitForFunction(() => document.querySelector('header')?.textContent?.includes('latent 2,'));
  await waitStatus(page, 'done', OUT);
  assert.equal((await engine.getSession({})).model?.latentDim, 2);
  await answer(dir);
  await page.click('[data-testid=open-model-dialog]');
  assert.match(await answerConfirm(page, 'ok'), /^Discard the unsaved model \(MNIST, latent 2, .*\)\? Its training will be lost\.$/);
  await waitNotice(page, /^Opened /);
  assert.deepEqual((await requests()).at(-1), { purpose: 'open-model' });
  assert.deepEqual((await engine.decode({ z })).pixels, saved.pixels);
  assert.equal(await page.inputValue('[data-testid=latent]'), '3', "the form takes the opened model's settings");
  const opened = await engine.getSession({});
  const last = opened.history.at(-1)!;
  const dims = opened.dataset!.height * opened.dataset!.width * opened.dataset!.channels;
  const summary = await page.innerText('[data-testid=trained-summary]');
  assert.match(summary, /Trained\s+1 epoch\b/);
  assert.ok(summary.includes(`${last.test.total.toFixed(2)} nats (${(last.test.total / (dims * Math.LN2)).toFixed(3)} bits/dim)`), summary);
  await page.screenshot({ path: path.join(OUT, 'desktop-opened.png') });
  assert.deepEqual((page as Page & { errors?: string[] }).errors, []);
});

test('IDX data is chosen with the native dialog: a folder, or an image file and its labels', async () => {
  const dir = writeSyntheticFolder({ train: 300, test: 60, h: 8, w: 6 });
  await page.selectOption('[data-testid=dataset]', 'folder');
  await answer(dir);
  await page.click('[data-testid=choose-idx-folder]');
  await page.waitForFunction((d) => (document.querySelector('[data-testid=idx-folder]') as HTMLInputElement).value === d, dir);
  await page.click('[data-testid=choose-idx-folder]'); // cancelled: the folder stays
  await page.waitForTimeout(200);
  assert.equal(await page.inputValue('[data-testid=idx-folder]'), dir);
  await page.fill('[data-testid=hidden]', '32');
  await trainFromForm(page, 1, 0);
  await page.waitForFunction(() => document.querySelector('header')?.textContent?.includes('8×6'));
  await waitStatus(page, 'done', OUT);

  await page.selectOption('[data-testid=dataset]', 'files');
  await answer(path.join(dir, 'train-images-idx3-ubyte'));
  await page.click('[data-testid=choose-idx-images]');
  await answer(path.join(dir, 'train-labels-idx1-ubyte'));
  await page.click('[data-testid=choose-idx-labels]');
  await page.waitForFunction(() => (document.querySelector('[data-testid=idx-labels]') as HTMLInputElement).value !== '');
  assert.equal(await page.inputValue('[data-testid=idx-images]'), path.join(dir, 'train-images-idx3-ubyte'));
  assert.deepEqual((await requests()).slice(-4), [{ purpose: 'idx-folder' }, { purpose: 'idx-folder' }, { purpose: 'idx-file' }, { purpose: 'idx-file' }]);
  await trainFromForm(page, 1, 0);
  await answerConfirm(page, 'ok');
  await page.waitForFunction(() => document.querySelector('header')?.textContent?.includes('train-images-idx3-ubyte, 8×6'));
  await waitStatus(page, 'done', OUT);
  const s = await engine.getSession({});
  assert.equal(s.dataset?.spec.kind, 'files');
  assert.deepEqual([s.dataset?.height, s.dataset?.width], [8, 6]);
  await page.screenshot({ path: path.join(OUT, 'desktop-idx-files.png') });
});
