import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APP_INDEX_URL, isAppUrl, parseDevUrl } from '../../electron/app-url.js';

test("the app URL check accepts only the app's own page on app://latent-explorer", () => {
  assert.equal(APP_INDEX_URL, 'app://latent-explorer/index.html');
  for (const ok of [APP_INDEX_URL, `${APP_INDEX_URL}#x`, `${APP_INDEX_URL}?a=1`]) assert.equal(isAppUrl(ok), true, ok);
  for (const bad of [
    'file:///opt/latent-explorer/resources/app.asar/dist/renderer/index.html',
    'file:///etc/passwd',
    'app://evil/index.html',
    'app://latent-explorer:8080/index.html',
    'app://user@latent-explorer/index.html',
    'app://latent-explorer/other.html',
    'app://latent-explorer/assets/index.html',
    'app://latent-explorer.evil.example/index.html',
    'apps://latent-explorer/index.html',
    'https://latent-explorer/index.html',
    'http://localhost:5173/',
    'not a url',
    '',
  ]) {
    assert.equal(isAppUrl(bad), false, bad);
  }
});

test('with a development server, only its origin is the app', () => {
  const origin = 'http://localhost:5173';
  assert.equal(isAppUrl('http://localhost:5173/', origin), true);
  assert.equal(isAppUrl('http://localhost:5173/src/main.ts?x#y', origin), true);
  assert.equal(isAppUrl('http://localhost:5174/', origin), false);
  assert.equal(isAppUrl('http://127.0.0.1:5173/', origin), false);
  assert.equal(isAppUrl('https://localhost:5173/', origin), false);
  assert.equal(isAppUrl('http://u:p@localhost:5173/', origin), false);
  assert.equal(isAppUrl(APP_INDEX_URL, origin), false, 'the dev server replaces the built app');
});

test('LATENT_EXPLORER_DEV_URL is taken only as http on a loopback host with a port', () => {
  assert.equal(parseDevUrl(undefined), null);
  assert.equal(parseDevUrl(''), null);
  assert.equal(parseDevUrl('  '), null);
  assert.deepEqual(parseDevUrl('http://127.0.0.1:5173/'), { url: 'http://127.0.0.1:5173/', origin: 'http://127.0.0.1:5173' });
  assert.deepEqual(parseDevUrl('http://localhost:5173'), { url: 'http://localhost:5173/', origin: 'http://localhost:5173' });
  assert.deepEqual(parseDevUrl('http://[::1]:3000/app/'), { url: 'http://[::1]:3000/app/', origin: 'http://[::1]:3000' });
  const refused: [string, RegExp][] = [
    ['https://localhost:5173/', /only http:\/\/127\.0\.0\.1/],
    ['file:///tmp/index.html', /only http:/],
    ['ws://localhost:5173/', /only http:/],
    ['http://example.com:5173/', /not 127\.0\.0\.1, localhost or \[::1\]/],
    ['http://192.168.1.4:5173/', /not 127\.0\.0\.1/],
    ['http://0.0.0.0:5173/', /not 127\.0\.0\.1/],
    ['http://localhost.evil.example:5173/', /not 127\.0\.0\.1/],
    ['http://127.0.0.1.nip.io:5173/', /not 127\.0\.0\.1/],
    ['http://localhost/', /names no port/],
    ['http://localhost:80/', /names no port/],
    ['http://user:pw@localhost:5173/', /user name or password/],
    ['localhost:5173', /only http:/],
    ['not a url', /not a URL/],
  ];
  for (const [raw, why] of refused) {
    const r = parseDevUrl(raw);
    assert.ok(r && 'warning' in r, raw);
    assert.match(r.warning, why, raw);
    assert.match(r.warning, /^latent-explorer: ignoring LATENT_EXPLORER_DEV_URL=.*; loading the built app\.$/, raw);
    assert.equal(r.warning.includes('\n'), false, 'one line');
  }
});
