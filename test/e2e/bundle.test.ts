import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_RENDERER_DIR } from './browser.js';

// The app's own renderer build carries no test hooks; the test build, which
// the browser tests serve, does (so the search below finds what it looks for).
const APP_RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));
const HOOKS = ['latentExplorerScatter', 'framesDrawn'];

function scripts(dir: string): string {
  assert.ok(existsSync(path.join(dir, 'index.html')), `${dir} is not built`);
  const assets = path.join(dir, 'assets');
  const files = readdirSync(assets).filter((f) => f.endsWith('.js'));
  assert.ok(files.length > 0, `${assets} holds no script`);
  return files.map((f) => readFileSync(path.join(assets, f), 'utf8')).join('\n');
}

test('the production renderer holds no test hooks', () => {
  const code = scripts(APP_RENDERER_DIR);
  for (const hook of HOOKS) assert.equal(code.includes(hook), false, `${hook} in ${APP_RENDERER_DIR}`);
});

test('the test build holds the hooks the browser tests use', () => {
  const code = scripts(TEST_RENDERER_DIR);
  for (const hook of HOOKS) assert.ok(code.includes(hook), `${hook} missing from ${TEST_RENDERER_DIR}`);
});
