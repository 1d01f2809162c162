import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = path.dirname(require.resolve('electron/package.json'));
const installed = existsSync(path.join(electronDir, 'path.txt'));

// `npm start` where Electron cannot be fetched: the download is pointed at a
// closed local port (and an empty cache), so this holds on any machine.
test('npm start without an Electron binary says why and points to the browser mode', { skip: installed && 'the Electron binary is installed here, so npm start would open the app' }, () => {
  const r = spawnSync(process.execPath, ['scripts/start.mjs'], {
    encoding: 'utf8',
    timeout: 240000,
    env: { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: mkdtempSync(path.join(os.tmpdir(), 'le-electron-cache-')) },
  });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /Fetching the Electron binary \(first start only\)/);
  assert.match(r.stderr, /could not start its desktop window: the Electron binary is not installed and could not be downloaded/);
  assert.match(r.stderr, /`npm run serve`, then open http:\/\/127\.0\.0\.1:8080\//);
  assert.equal(existsSync(path.join(electronDir, 'path.txt')), false, 'no half-installed Electron is left');
});
