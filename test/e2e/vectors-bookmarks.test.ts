import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Client } from '../../src/rpc/client.js';
import type { ScatterHook } from '../../renderer/src/lib/scatter/test-hook.js';
import { answerConfirm, canvasBytes, clickablePoint, pageErrors, startApp, trainFromForm, waitNotice, waitStatus, type AppUnderTest } from './browser.js';
import { tempDir } from '../helpers/fixtures.js';

// Attribute vectors and bookmarks in the browser mode: a vector made from a
// selection, followed with the slider and combined in an expression; a view
// bookmarked beside the saved model, listed again after a reload, and put
// back when opened. Screenshots land in test-output/.
const OUT = path.resolve('test-output');
let app: AppUnderTest;
let page: Page;
let engine: Client;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  app = await startApp();
  ({ page, engine } = app);
});

after(async () => {
  await app?.close();
});

type GroupHook = { choose(indices: number[], how: string): void; size(): number };
const groupSize = () => page.evaluate(() => (window as unknown as { latentExplorerGroup: GroupHook }).latentExplorerGroup.size());
const pose = () => page.evaluate(() => (window as unknown as { latentExplorerScatter: ScatterHook }).latentExplorerScatter.pose());

let modelDir: string;
let ones: number[];
let picked: number;

test('a vector from the selection: the slider moves the decode along it, the strip shows t = −3 … 3, and expressions are parsed strictly', async () => {
  await trainFromForm(page, 1, 2000);
  await waitStatus(page, 'done', OUT);
  await page.waitForSelector('[data-testid=recon-strip]');
  // Before the model has a folder, the bookmarks panel says what it needs.
  assert.equal(await page.innerText('[data-testid=bookmarks-need-folder]'), 'Save the model to keep bookmarks beside it.');
  modelDir = path.join(tempDir('le-keep-e2e-'), 'model');
  await page.fill('[data-testid=model-dir]', modelDir);
  await page.click('[data-testid=save-model]');
  await waitNotice(page, /^Saved to/);
  await page.waitForSelector('[data-testid=bookmark-name]');

  const pts = await engine.latentPoints({});
  ones = [];
  for (let r = 0; r < pts.count; r++) if (pts.labels![r] === 1) ones.push(pts.first + r);
  assert.ok(ones.length > 10);
  await page.evaluate((idx) => (window as unknown as { latentExplorerGroup: GroupHook }).latentExplorerGroup.choose(idx, 'label 1'), ones);
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid=vector-draft]')?.textContent?.includes(`Makes: mean of ${n} images (label 1) − mean of the other`),
    ones.length,
  );
  // The name is checked beside its field, with the engine's own rules.
  await page.fill('[data-testid=vector-name]', 'x'.repeat(81));
  assert.equal(await page.innerText('#vector-name-error'), 'Keep the name to 80 characters.');
  assert.equal(await page.isDisabled('[data-testid=make-vector]'), true);
  await page.fill('[data-testid=vector-name]', 'ones');
  await page.click('[data-testid=make-vector]');
  await page.waitForFunction(() => document.querySelector('[data-testid=vector-list]')?.textContent?.includes('ones'));
  const kept = await engine.listVectors({});
  assert.deepEqual(
    kept.map((v) => v.name),
    ['ones'],
  );
  assert.equal(kept[0]!.vector.length, 3);

  // Pick a point, then follow the vector from it.
  const target = await clickablePoint(page, 0, pts.count);
  assert.ok(target, 'some point can be clicked');
  picked = target.i;
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction((i) => document.querySelector('[data-testid=decode-panel]')?.textContent?.includes(`Test image #${i},`), target.i);
  await page.click('[data-testid=follow-vector-0]');
  await page.waitForSelector('[data-testid=vector-moved]');
  await page.waitForSelector('[data-testid=vector-strip] canvas');
  assert.equal(await page.locator('[data-testid=vector-strip] canvas').count(), 7);
  assert.deepEqual(await page.locator('[data-testid=vector-strip] figcaption').allInnerTexts(), [
    't = −3',
    't = −2',
    't = −1',
    't = 0',
    't = 1',
    't = 2',
    't = 3',
  ]);
  // At t = 0 the moved decode is the decoded mean itself.
  const atZero = await canvasBytes(page, 'vector-moved');
  assert.deepEqual(atZero, await canvasBytes(page, 'decoded-mean'));
  await page.$eval('[data-testid=vector-t]', (el) => {
    const input = el as HTMLInputElement;
    input.value = '2.5';
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction(() => document.querySelector('[data-testid=vectors-panel]')?.textContent?.includes('t = 2.5'));
  await page.waitForFunction((before) => {
    const c = document.querySelector('[data-testid=vector-moved]') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    return Array.from({ length: c.width * c.height }, (_, i) => d[i * 4]).some((v, i) => v !== before[i]);
  }, atZero);
  const z = pts.mean.slice(picked * 3, picked * 3 + 3);
  const moved = Float32Array.from(z, (v, d) => v + 2.5 * kept[0]!.vector[d]!);
  const expected = Array.from((await engine.decode({ z: moved })).pixels, (v) => Math.max(0, Math.min(255, Math.round(v * 255))));
  assert.deepEqual(await canvasBytes(page, 'vector-moved'), expected, 'the slider decodes z + t·v');

  // Expressions: unknown names are named; a known one is decoded beside the original.
  await page.fill('[data-testid=vector-expression]', 'ones − twos + threes');
  await page.click('[data-testid=apply-expression]');
  assert.equal(await page.innerText('[data-testid=expression-error]'), 'No vector is named “twos”, “threes”. The vectors kept are “ones”.');
  await page.fill('[data-testid=vector-expression]', 'ones + ones - ones');
  await page.click('[data-testid=apply-expression]');
  await page.waitForSelector('[data-testid=arithmetic-image]');
  assert.match(await page.innerText('[data-testid=arithmetic-result]'), /ones \+ ones − ones \(deterministic\)/);
  const plusOne = Float32Array.from(z, (v, d) => v + kept[0]!.vector[d]!);
  const expectedSum = Array.from((await engine.decode({ z: plusOne })).pixels, (v) => Math.max(0, Math.min(255, Math.round(v * 255))));
  assert.deepEqual(await canvasBytes(page, 'arithmetic-image'), expectedSum);
  await page.locator('[data-testid=vectors-panel]').screenshot({ path: path.join(OUT, 'vectors-panel.png') });
  await page.screenshot({ path: path.join(OUT, 'vectors-app.png') });
  assert.deepEqual(pageErrors(page), []);
});

test("the engine's refusal of a vector stands beside the vectors panel, not in the notice line, until dismissed or the next action there", async () => {
  await page.evaluate((idx) => (window as unknown as { latentExplorerGroup: GroupHook }).latentExplorerGroup.choose(idx, 'label 1'), ones);
  await page.fill('[data-testid=vector-name]', 'spare');
  await page.click('[data-testid=make-vector]');
  await page.waitForFunction(() => document.querySelector('[data-testid=vector-list]')?.textContent?.includes('spare'));
  // Deleted meanwhile from elsewhere: this window still lists it, and the engine refuses to delete it again.
  await engine.deleteVector({ name: 'spare' });
  await page.click('[data-testid=delete-vector-1]');
  await page.waitForSelector('[data-testid=error-vectors]');
  assert.equal(await page.innerText('[data-testid=error-vectors] span'), 'There is no vector named "spare".');
  assert.equal(await page.locator('[data-testid=error-bookmarks]').count(), 0, 'only beside the panel that asked');
  assert.equal(await page.locator('[data-testid=notice][data-tone=error]').count(), 0, 'the notice line holds no refusal');
  const column = page.locator('aside.right');
  await page.locator('[data-testid=error-vectors]').scrollIntoViewIfNeeded();
  await column.screenshot({ path: path.join(OUT, 'panels-error.png') });
  await page.click('[data-testid=dismiss-vectors]');
  await page.waitForSelector('[data-testid=error-vectors]', { state: 'detached' });

  // Asked again, then cleared by the next action the engine takes: saving it anew and deleting it.
  await page.click('[data-testid=delete-vector-1]');
  await page.waitForSelector('[data-testid=error-vectors]');
  await page.fill('[data-testid=vector-name]', 'spare');
  await page.click('[data-testid=make-vector]');
  await page.waitForSelector('[data-testid=error-vectors]', { state: 'detached' });
  await page.click('[data-testid=delete-vector-1]');
  await page.waitForFunction(() => !document.querySelector('[data-testid=vector-list]')?.textContent?.includes('spare'));
  assert.deepEqual(
    (await engine.listVectors({})).map((v) => v.name),
    ['ones'],
  );
  assert.deepEqual(pageErrors(page), []);
});

test('a bookmark is kept beside the model, listed after a reload, and opening it restores the selection, camera and picked point', async () => {
  const saved = { position: [2.5, 1.5, 3] as [number, number, number], target: [0.2, -0.1, 0] as [number, number, number] };
  await page.evaluate((p) => (window as unknown as { latentExplorerScatter: ScatterHook }).latentExplorerScatter.setPose(p), saved);
  await page.fill('[data-testid=bookmark-name]', 'Ones, close up');
  await page.click('[data-testid=save-bookmark]');
  await page.waitForFunction(() => document.querySelector('[data-testid=bookmark-list]')?.textContent?.includes('Ones, close up'));
  assert.ok(existsSync(path.join(modelDir, 'bookmarks', 'ones-close-up.json')));
  // The same name again: the app asks, and Cancel keeps the old one.
  await page.fill('[data-testid=bookmark-name]', 'Ones, close up');
  await page.click('[data-testid=save-bookmark]');
  assert.match(await answerConfirm(page, 'cancel'), /A bookmark named “Ones, close up” is kept beside this model already/);
  await page.locator('[data-testid=bookmarks-panel]').screenshot({ path: path.join(OUT, 'bookmarks-panel.png') });

  await page.reload();
  await page.waitForSelector('#app[data-connection="ready"]');
  await page.waitForFunction(() => document.querySelector('[data-testid=bookmark-list]')?.textContent?.includes('Ones, close up'));
  // Opened again from its folder: still listed, and the vector came back with it.
  await page.fill('[data-testid=model-dir]', modelDir);
  await page.click('[data-testid=open-model]');
  await waitNotice(page, /^Opened /);
  await page.waitForFunction(() => document.querySelector('[data-testid=bookmark-list]')?.textContent?.includes('Ones, close up'));
  await page.waitForFunction(() => document.querySelector('[data-testid=vector-list]')?.textContent?.includes('ones'));
  assert.equal(await groupSize(), 0);
  await page.waitForFunction(() => document.querySelector('[data-testid=scatter-canvas]'));

  await page.click('[data-testid=open-bookmark-0]');
  await page.waitForFunction((n) => (window as unknown as { latentExplorerGroup: GroupHook }).latentExplorerGroup.size() === n, ones.length);
  await page.waitForFunction((i) => document.querySelector('[data-testid=decode-panel]')?.textContent?.includes(`Test image #${i},`), picked);
  const now = await pose();
  for (let k = 0; k < 3; k++) {
    assert.ok(Math.abs(now.position[k]! - saved.position[k]!) < 1e-4, `camera position ${now.position.join(', ')}`);
    assert.ok(Math.abs(now.target[k]! - saved.target[k]!) < 1e-4, `camera target ${now.target.join(', ')}`);
  }
  await page.screenshot({ path: path.join(OUT, 'bookmarks-restored.png') });

  // Deleting asks first; Cancel keeps it, Delete removes its file.
  await page.click('[data-testid=delete-bookmark-0]');
  assert.match(await answerConfirm(page, 'cancel'), /Delete the bookmark “Ones, close up”\?/);
  assert.ok(existsSync(path.join(modelDir, 'bookmarks', 'ones-close-up.json')));
  await page.click('[data-testid=delete-bookmark-0]');
  await answerConfirm(page, 'ok');
  await page.waitForSelector('[data-testid=bookmark-list]', { state: 'detached' });
  assert.deepEqual(readdirSync(path.join(modelDir, 'bookmarks')), []);
  assert.deepEqual(pageErrors(page), []);
});
