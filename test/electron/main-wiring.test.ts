import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DESKTOP_CSP } from '../../electron/app-protocol.js';

// The built main process (dist/electron/main.mjs, what the app runs) in plain
// Node, with a stand-in for Electron (fixtures/fake-electron.mjs): the one
// check that main.ts wires every tested piece in, in the right order.
const MAIN = 'dist/electron/main.mjs';
const HOOK = new URL('./fixtures/electron-hook.mjs', import.meta.url).href;

interface Report {
  order: unknown[];
  windows: number;
  webPreferences: Record<string, unknown>;
  loadURL: string;
  index: { status: number; type: string; csp: string; length: number };
  traversal: { status: number };
  navigation: Record<string, Record<string, 'allowed' | 'prevented'>>;
  webviewPrevented: boolean;
  windowOpen: unknown;
  permissionRequest: boolean[];
  permissionCheck: boolean;
  ipc: { on: string[]; handle: string[] };
}

function start(devUrl?: string): { report: Report; stderr: string } {
  assert.ok(existsSync(MAIN), `${MAIN} is built (npm run build)`);
  const env = { ...process.env };
  delete env.LATENT_EXPLORER_DEV_URL;
  if (devUrl !== undefined) env.LATENT_EXPLORER_DEV_URL = devUrl;
  const r = spawnSync(process.execPath, ['--import', HOOK, MAIN], { encoding: 'utf8', timeout: 120000, env });
  const line = r.stdout.split('\n').find((l) => l.startsWith('fake-electron-report:'));
  assert.ok(line, `the window loaded its page (exit ${r.status}): ${r.stderr}`);
  return { report: JSON.parse(line.slice('fake-electron-report:'.length)) as Report, stderr: r.stderr };
}

test('the built app registers app:// before ready, serves the page from it, and guards the window', () => {
  const { report, stderr } = start();
  assert.equal(stderr.includes('LATENT_EXPLORER_DEV_URL'), false);
  assert.deepEqual(report.order, [
    { registerSchemesAsPrivileged: [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }], beforeReady: true },
    'ready',
    { handle: 'app' },
  ]);
  assert.equal(report.loadURL, 'app://latent-explorer/index.html');
  assert.deepEqual([report.index.status, report.index.type, report.index.csp], [200, 'text/html; charset=utf-8', DESKTOP_CSP]);
  assert.ok(report.index.length > 0);
  assert.equal(report.traversal.status, 403);
  assert.equal(report.windows, 1);
  assert.match(String(report.webPreferences.preload), /dist\/electron\/preload\.cjs$/);
  assert.deepEqual(
    [
      report.webPreferences.contextIsolation,
      report.webPreferences.sandbox,
      report.webPreferences.nodeIntegration,
      report.webPreferences.webviewTag,
      report.webPreferences.disableBlinkFeatures,
    ],
    [true, true, false, false, 'Auxclick'],
  );
  for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
    assert.deepEqual(
      report.navigation[event],
      {
        'app://latent-explorer/index.html': 'allowed',
        'http://127.0.0.1:5173/': 'prevented',
        'https://evil.example/': 'prevented',
      },
      event,
    );
  }
  assert.equal(report.webviewPrevented, true);
  assert.deepEqual(report.windowOpen, { action: 'deny' });
  assert.deepEqual(report.permissionRequest, [false]);
  assert.equal(report.permissionCheck, false);
  assert.deepEqual(report.ipc, { on: ['latent-explorer:rpc'], handle: ['latent-explorer:choose-path'] });
});

test('a loopback development server is loaded and trusted instead; any other LATENT_EXPLORER_DEV_URL is ignored with a warning', () => {
  const dev = start('http://127.0.0.1:5173/');
  assert.equal(dev.report.loadURL, 'http://127.0.0.1:5173/');
  assert.equal(dev.report.navigation['will-navigate']!['http://127.0.0.1:5173/'], 'allowed');
  assert.equal(dev.report.navigation['will-navigate']!['app://latent-explorer/index.html'], 'prevented');

  const remote = start('https://evil.example:5173/');
  assert.equal(remote.report.loadURL, 'app://latent-explorer/index.html');
  const warnings = remote.stderr.split('\n').filter((l) => l.includes('LATENT_EXPLORER_DEV_URL'));
  assert.deepEqual(warnings, [
    'latent-explorer: ignoring LATENT_EXPLORER_DEV_URL="https://evil.example:5173/": only http://127.0.0.1, http://localhost or http://[::1] with a port is accepted; loading the built app.',
  ]);
  assert.equal(remote.report.navigation['will-navigate']!['https://evil.example/'], 'prevented');
});
