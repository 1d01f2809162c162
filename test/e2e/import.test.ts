import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startApp, type AppUnderTest } from './browser.js';
import { writeSyntheticFolder } from '../helpers/fixtures.js';
import { setupTf } from '../helpers/tf.js';
import { written } from '../helpers/imported-nets.js';

// Networks trained elsewhere, imported from the form: asked about where their
// outputs do not say, then explored and saved like a model trained here.
const OUT = path.resolve('test-output');
let app: AppUnderTest;
let data: string;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  await setupTf();
  data = writeSyntheticFolder({ train: 64, test: 40, h: 8, w: 6 });
  app = await startApp();
});

after(async () => {
  await app?.close();
});

test('import from the form: an unclear encoder is asked about beside the button, then the model is shown, unsaved, with its scatter', async () => {
  const { page, engine } = app;
  const { req } = await written('pair-unnamed', true);
  await page.selectOption('[data-testid=dataset]', 'folder');
  await page.fill('[data-testid=idx-folder]', data);
  await page.click('[data-testid=import] summary');
  await page.click('[data-testid=import-model]');
  assert.match(await page.innerText('[data-testid=import-error]'), /Give the encoder's and the decoder's model\.json\./);
  await page.fill('[data-testid=import-encoder]', req.encoder);
  await page.fill('[data-testid=import-decoder]', req.decoder);
  await page.fill('[data-testid=import-roles]', 'mean,sigma');
  await page.click('[data-testid=import-model]');
  assert.match(await page.innerText('[data-testid=import-error]'), /Give the roles as mean, logvar and \(for three outputs\) z/);
  // Without roles the engine cannot tell which output is which, and says so.
  await page.fill('[data-testid=import-roles]', '');
  await page.click('[data-testid=import-model]');
  await page.waitForFunction(() => /Roles in the app/.test(document.body.innerText));
  assert.equal((await engine.getSession({})).model, null, 'nothing was imported');

  await page.fill('[data-testid=import-roles]', 'mean,logvar');
  await page.click('[data-testid=import-model]');
  await page.waitForFunction(() => document.querySelector('[data-testid=model-meta]')?.textContent?.includes('imported'));
  const s = await engine.getSession({});
  assert.equal(s.model?.arch, 'imported');
  assert.equal(s.unsaved, true);
  assert.match(await page.innerText('[data-testid=model-meta]'), /^latent 3, imported, bernoulli$/);
  assert.ok(await page.isVisible('[data-testid=unsaved]'));
  await page.waitForFunction(() => document.querySelector('[data-testid=projection-note]')?.textContent?.includes('3 latent dims'));
  await page.screenshot({ path: path.join(OUT, 'import.png') });
});
