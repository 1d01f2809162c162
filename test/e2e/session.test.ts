import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { RpcError } from '../../src/rpc/client.js';
import { decodeReply } from '../../src/rpc/codec.js';
import type { RunningServer } from '../../src/web/web-server.js';
import { tempDir } from '../helpers/fixtures.js';
import {
  answerConfirm,
  canvasBytes,
  clickablePoint,
  connectEngine,
  labelColourCounts,
  openApp,
  pageErrors,
  serveForTest,
  startApp,
  toBytes,
  trainFromForm,
  waitNotice,
  waitStatus,
  type AppUnderTest,
} from './browser.js';

// One session every window agrees on, and nothing the user trained or kept is
// lost: two windows on one engine, saving over folders, discarding unsaved
// training, the autosave a restarted engine offers back, and a page that
// reconnects by itself. Screenshots land in test-output/session-*.png.
const OUT = path.resolve('test-output');
let app: AppUnderTest;
let a: Page;
let b: Page;
/** A window whose WebSocket the test can make deaf to the engine's events, so it misses a change of model. */
let deaf: Page;
let dropEvents = false;
const servers: RunningServer[] = [];

before(async () => {
  mkdirSync(OUT, { recursive: true });
  app = await startApp();
  a = app.page;
  b = await openApp(app.browser, app.server.url);
});

after(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
  await app?.close();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(OUT, `session-${name}.png`) });
const headerHas = (page: Page, text: string) => page.waitForFunction((t) => document.querySelector('header')?.textContent?.includes(t) ?? false, text);
const noteHas = (page: Page, text: string) =>
  page.waitForFunction((t) => document.querySelector('[data-testid=projection-note]')?.textContent?.includes(t) ?? false, text);

/** Waits until the scatter shows at least six label colours. */
async function waitForColours(page: Page): Promise<number[]> {
  let counts: number[] = [];
  for (let i = 0; i < 50; i++) {
    counts = await labelColourCounts(page);
    if (counts.filter((c) => c >= 20).length >= 6) return counts;
    await page.waitForTimeout(200);
  }
  assert.fail(`the scatter never showed the label colours: ${counts.join(', ')}`);
}

/** Clicks a point in the page's scatter and checks its decoded mean against the engine's own decode. */
async function decodeAPoint(page: Page): Promise<number> {
  const pts = await app.engine.latentPoints({});
  const target = await clickablePoint(page, 0, pts.count);
  assert.ok(target, 'some point can be clicked');
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction((i) => document.querySelector('[data-testid=decode-panel]')?.textContent?.includes(`Test image #${i},`) ?? false, target.i);
  const k = pts.latentDim;
  const decoded = await app.engine.decode({ z: pts.mean.slice(target.i * k, (target.i + 1) * k) });
  assert.deepEqual(await canvasBytes(page, 'decoded-mean'), toBytes(decoded.pixels));
  return target.i;
}

test('two windows show one session: a model trained in one is described, drawn and decoded in the other', async () => {
  await trainFromForm(a, 1, 2000);
  await waitStatus(a, 'done', OUT);
  await headerHas(b, 'latent 3,');
  await noteHas(b, '3 latent dims');
  await b.waitForSelector('[data-testid=unsaved]');
  await a.waitForSelector('[data-testid=unsaved]');
  await waitForColours(b);
  await decodeAPoint(b);
  await shot(b, 'window-b-latent-3');
});

test('training again while the model is unsaved asks first; Cancel keeps it, Discard trains anew and every window follows', async () => {
  const before = await app.engine.getSession({});
  await a.fill('[data-testid=latent]', '16');
  await trainFromForm(a, 1, 2000);
  await a.waitForSelector('[data-testid=confirm-dialog][open]');
  assert.equal(await a.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'confirm-cancel', 'focus starts on the safe answer');
  assert.equal(await a.getAttribute('[data-testid=confirm-dialog]', 'role'), 'alertdialog');
  await shot(a, 'discard-question');
  const question = await answerConfirm(a, 'cancel');
  assert.equal(question, 'Discard the unsaved model (MNIST, latent 3, hidden 512, 1 epoch)? Its training will be lost.');
  const kept = await app.engine.getSession({});
  assert.deepEqual([kept.modelId, kept.model?.latentDim, kept.history.length, kept.unsaved], [before.modelId, 3, 1, true]);
  assert.equal(await a.locator('[data-testid=notice]').count(), 0, 'nothing happened, nothing is said');

  // Escape answers Cancel too.
  await a.click('[data-testid=train]');
  await a.waitForSelector('[data-testid=confirm-dialog][open]');
  await a.keyboard.press('Escape');
  await a.waitForSelector('[data-testid=confirm-dialog]:not([open])', { state: 'attached' });
  assert.equal((await app.engine.getSession({})).modelId, before.modelId);

  deaf = await openApp(app.browser, app.server.url, 'light', undefined, (page) =>
    page.routeWebSocket(/\/rpc$/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((m) => {
        if (dropEvents && typeof m !== 'string' && (decodeReply(new Uint8Array(m)) as { t?: string }).t === 'evt') return;
        ws.send(m);
      });
    }),
  );
  await noteHas(deaf, '3 latent dims');
  dropEvents = true;

  await a.click('[data-testid=train]');
  await answerConfirm(a, 'ok');
  // The status reads 'done' from the old model until the new one shows.
  await headerHas(a, 'latent 16,');
  await waitStatus(a, 'done', OUT);
  // Window B had latent 3 points and a decoded point: it drops them and draws the new model.
  await headerHas(b, 'latent 16,');
  assert.equal(await b.inputValue('[data-testid=latent]'), '16', "the form shows the new model's settings");
  await noteHas(b, '16 latent dims projected to 3D by PCA');
  assert.match(await b.innerText('[data-testid=decode-panel]'), /Click a point to decode it/);
  await waitForColours(b);
  await decodeAPoint(b);
  await shot(b, 'window-b-latent-16');
  assert.deepEqual(pageErrors(b), []);
  assert.deepEqual(pageErrors(a), []);

  // A request made for the model that was replaced is refused, never answered with the wrong shapes.
  const now = (await app.engine.getSession({})).modelId;
  assert.notEqual(now, before.modelId);
  const stale = await connectEngine(app.server, { modelId: () => before.modelId });
  const current = await connectEngine(app.server, { modelId: () => now });
  try {
    await assert.rejects(stale.client.latentPoints({}), (e: unknown) => e instanceof RpcError && e.code === 'MODEL_CHANGED');
    await assert.rejects(stale.client.decode({ z: new Float32Array(3) }), (e: unknown) => e instanceof RpcError && e.code === 'MODEL_CHANGED');
    assert.equal((await stale.client.getSession({})).modelId, now, 'requests that name no model still work');
    assert.equal((await current.client.latentPoints({})).latentDim, 16);
  } finally {
    stale.close();
    current.close();
  }
});

test('a window that missed the change is refused (not answered with the wrong shapes), told, and catches up', async () => {
  assert.match(await deaf.innerText('header'), /latent 3,/, 'it still shows the old model');
  const target = await clickablePoint(deaf, 0, 10000);
  assert.ok(target, 'some point of the old scatter can be clicked');
  await deaf.mouse.click(target.x, target.y);
  await waitNotice(deaf, /^The model changed in another window; this window now shows the new one\.$/);
  await headerHas(deaf, 'latent 16,');
  await noteHas(deaf, '16 latent dims projected to 3D by PCA');
  assert.equal(await deaf.inputValue('[data-testid=latent]'), '16');
  assert.match(await deaf.innerText('[data-testid=decode-panel]'), /Click a point to decode it/);
  await waitForColours(deaf);
  await shot(deaf, 'caught-up');
  assert.deepEqual(pageErrors(deaf), []);
  await deaf.close();
});

test("saving never destroys: a folder of the user's files is refused untouched; a saved model is replaced only when confirmed", async () => {
  const home = tempDir('le-save-');
  const theirs = path.join(home, 'documents');
  mkdirSync(path.join(theirs, 'taxes'), { recursive: true });
  const files = { 'thesis.tex': Buffer.from('\\documentclass{article}\n'), 'taxes/return.pdf': Buffer.from('%PDF-1.7 not a real return\n') };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(theirs, name), bytes);

  await a.fill('[data-testid=model-dir]', theirs);
  await a.click('[data-testid=save-model]');
  // The refusal is told beside the folder field, where the save was asked for.
  await a.waitForFunction(() => /nothing in it was touched/.test(document.querySelector('[data-testid=error-models]')?.textContent ?? ''));
  assert.match(
    await a.innerText('[data-testid=error-models]'),
    new RegExp(`^${theirs.replace(/[/.]/g, '\\$&')} holds taxes, thesis\\.tex, which is not a Latent Explorer model`),
  );
  await shot(a, 'save-refused');
  assert.deepEqual(readdirSync(theirs, { recursive: true }).map(String).sort(), ['taxes', 'taxes/return.pdf', 'thesis.tex']);
  for (const [name, bytes] of Object.entries(files)) assert.deepEqual(readFileSync(path.join(theirs, name)), bytes, `${name} unchanged`);
  assert.equal(await a.locator('[data-testid=unsaved]').count(), 1, 'still unsaved');

  const abs = path.join(home, 'latent-16');
  // Written as the user might type it; the notice names the folder as the engine resolved it.
  await a.fill('[data-testid=model-dir]', `${home}/models/../latent-16/`);
  await a.click('[data-testid=save-model]');
  await waitNotice(a, /^Saved to /);
  assert.equal(await a.innerText('[data-testid=notice]'), `Saved to ${abs}`, 'the notice names the absolute folder');
  await a.waitForSelector('[data-testid=unsaved]', { state: 'detached' });
  await b.waitForSelector('[data-testid=unsaved]', { state: 'detached' });
  const manifest = path.join(abs, 'manifest.json');
  const first = { bytes: readFileSync(manifest), stat: statSync(manifest) };

  // The same folder again: the app asks, naming the model it would replace.
  await a.fill('[data-testid=model-dir]', abs);
  await a.click('[data-testid=save-model]');
  await a.waitForSelector('[data-testid=confirm-dialog][open]');
  await shot(a, 'replace-question');
  const question = await answerConfirm(a, 'cancel');
  assert.match(
    question,
    new RegExp(`^Replace the model in ${abs.replace(/[/.]/g, '\\$&')} \\(MNIST, latent 16, 1 epoch, saved \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\)\\?$`),
  );
  const cancelled = statSync(manifest);
  assert.deepEqual(readFileSync(manifest), first.bytes);
  assert.deepEqual([cancelled.ino, cancelled.mtimeMs], [first.stat.ino, first.stat.mtimeMs], 'Cancel leaves the folder as it was');

  await a.click('[data-testid=save-model]');
  await answerConfirm(a, 'ok');
  await waitNotice(a, /^Saved to /);
  assert.equal(await a.innerText('[data-testid=notice]'), `Saved to ${abs}`);
  assert.notEqual(statSync(manifest).ino, first.stat.ino, 'Replace wrote the model anew');
  assert.equal(JSON.parse(readFileSync(manifest, 'utf8')).config.latentDim, 16);
  await shot(a, 'replaced');
});

// A page on a server whose engine autosaves into `dataDir`: the connection and recovery tests share it.
let dataDir: string;
let server: RunningServer;
let p: Page;

async function serveOn(port: number, token?: string): Promise<RunningServer> {
  const s = await serveForTest({ port, host: '127.0.0.1', dataDir, ...(token ? { token } : {}) });
  servers.push(s);
  return s;
}

test('a lost connection shows a banner, reconnects by itself, and says the engine restarted and what it kept', async () => {
  dataDir = tempDir('le-data-');
  server = await serveOn(0);
  p = await openApp(app.browser, server.url);
  await trainFromForm(p, 1, 2000);
  await waitStatus(p, 'done', OUT);
  await p.waitForSelector('[data-testid=unsaved]');
  const { port, token } = server;

  await server.close();
  await p.waitForSelector('[data-testid=connection-banner]');
  await p.waitForSelector('#app[data-connection=lost]');
  assert.equal(await p.getAttribute('[data-testid=connection-banner]', 'role'), 'alert');
  assert.match(await p.innerText('[data-testid=connection-banner]'), /^Connection to the engine lost; reconnecting…/);
  assert.equal(await p.title(), 'Latent Explorer (disconnected)');
  await shot(p, 'connection-lost');
  // Tries keep failing while no server listens: the banner says what to do if it came back with a new token.
  await p.waitForFunction(
    () =>
      document
        .querySelector('[data-testid=connection-banner]')
        ?.textContent?.includes('If the server was restarted, open the address it printed (with its token).') ?? false,
  );
  await shot(p, 'connection-lost-hint');

  server = await serveOn(port, token);
  await p.waitForSelector('#app[data-connection=ready]', { timeout: 30000 });
  await p.waitForSelector('[data-testid=connection-banner]', { state: 'detached' });
  assert.equal(await p.title(), 'Latent Explorer');
  await waitNotice(p, /^The engine restarted/);
  assert.equal(await p.innerText('[data-testid=notice]'), 'The engine restarted: a model that was only in memory is gone. Its last autosave can be reopened.');
  assert.match(
    await p.innerText('[data-testid=recovery-banner]'),
    /^A model from your last session was kept: MNIST, latent 3, hidden 512, 1 epoch, autosaved .+\./,
  );
  assert.equal(await p.locator('[data-testid=model-meta]').count(), 0, 'the model that was only in memory is no longer shown');
  await shot(p, 'reconnected');
});

test('a fresh page offers the autosaved model; training first asks, Reopen brings it back unsaved in every window', async () => {
  const q = await openApp(app.browser, server.url);
  await q.waitForSelector('[data-testid=recovery-banner]');
  await shot(q, 'recovery-offered');
  // Training a new model would bury the autosave: the app asks first.
  await trainFromForm(q, 1, 2000);
  assert.match(
    await answerConfirm(q, 'cancel'),
    /^Discard the model from your last session \(MNIST, latent 3, hidden 512, 1 epoch\)\? Its training will be lost\.$/,
  );
  const engine = await connectEngine(server);
  try {
    const s = await engine.client.getSession({});
    assert.deepEqual([s.model, s.recovery?.description], [null, 'MNIST, latent 3, hidden 512, 1 epoch'], 'Cancel: nothing trained, the offer stands');
  } finally {
    engine.close();
  }

  await q.click('[data-testid=recovery-reopen]');
  await q.waitForSelector('[data-testid=recovery-banner]', { state: 'detached' });
  await headerHas(q, 'latent 3,');
  await q.waitForSelector('[data-testid=unsaved]');
  await noteHas(q, '3 latent dims');
  assert.match(await q.innerText('[data-testid=trained-summary]'), /Trained\s+1 epoch\b/);
  await waitForColours(q);
  await shot(q, 'recovered');
  // The page that lived through the restart follows.
  await p.waitForSelector('[data-testid=recovery-banner]', { state: 'detached' });
  await headerHas(p, 'latent 3,');
  await p.waitForSelector('[data-testid=unsaved]');
  assert.deepEqual(pageErrors(q), []);
  await q.close();
});

test('discarding the autosave asks first, then forgets it', async () => {
  // The reopened model is still unsaved: after another restart it is offered again.
  const { port, token } = server;
  await server.close();
  await p.waitForSelector('[data-testid=connection-banner]');
  server = await serveOn(port, token);
  await p.waitForSelector('[data-testid=recovery-banner]', { timeout: 30000 });
  await p.click('[data-testid=recovery-discard]');
  assert.match(
    await answerConfirm(p, 'cancel'),
    /^Discard the model from your last session \(MNIST, latent 3, hidden 512, 1 epoch\)\? Its training will be lost\.$/,
  );
  assert.equal(await p.locator('[data-testid=recovery-banner]').count(), 1, 'Cancel keeps the offer');
  await p.click('[data-testid=recovery-discard]');
  await answerConfirm(p, 'ok');
  await p.waitForSelector('[data-testid=recovery-banner]', { state: 'detached' });
  const engine = await connectEngine(server);
  try {
    assert.equal((await engine.client.getSession({})).recovery, null);
  } finally {
    engine.close();
  }
  await shot(p, 'autosave-discarded');
});

test('an autosave that cannot be written is told as a warning, and training goes on', async () => {
  const blocked = path.join(tempDir('le-blocked-'), 'a-file');
  writeFileSync(blocked, 'not a folder\n');
  const s = await serveForTest({ port: 0, host: '127.0.0.1', dataDir: path.join(blocked, 'data') });
  servers.push(s);
  const page = await openApp(app.browser, s.url);
  await trainFromForm(page, 1, 1000);
  await waitStatus(page, 'done', OUT);
  await page.waitForSelector('[data-testid=autosave-error]');
  assert.match(await page.innerText('[data-testid=autosave-error]'), /^The autosave into .+ failed: /);
  await page.waitForSelector('[data-testid=unsaved]');
  await shot(page, 'autosave-failed');
  await page.close();
});
