import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, whyNoBrowser } from '../../src/util/open-browser.js';

test('a Linux desktop with X or Wayland gets a browser', () => {
  assert.equal(whyNoBrowser({ DISPLAY: ':0' }, 'linux'), undefined);
  assert.equal(whyNoBrowser({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux'), undefined);
  assert.equal(whyNoBrowser({ DISPLAY: ':0' }, 'freebsd'), undefined);
});

test('Linux without a display gets no browser, and says so', () => {
  assert.match(whyNoBrowser({}, 'linux') ?? '', /DISPLAY and WAYLAND_DISPLAY are unset/);
  assert.match(whyNoBrowser({ DISPLAY: '', WAYLAND_DISPLAY: '' }, 'linux') ?? '', /no display/);
});

test('macOS, Windows and WSL open a browser without a display variable', () => {
  assert.equal(whyNoBrowser({}, 'darwin'), undefined);
  assert.equal(whyNoBrowser({}, 'win32'), undefined);
  assert.equal(whyNoBrowser({ WSL_DISTRO_NAME: 'Debian' }, 'linux'), undefined);
});

test('CI never opens a browser, on any platform', () => {
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    assert.equal(whyNoBrowser({ CI: 'true', DISPLAY: ':0' }, platform), 'running under CI');
    assert.equal(whyNoBrowser({ CI: '1', DISPLAY: ':0' }, platform), 'running under CI');
  }
});

test('LATENT_EXPLORER_NO_BROWSER=1 opens nothing and wins over every other reason', () => {
  assert.equal(whyNoBrowser({ LATENT_EXPLORER_NO_BROWSER: '1', DISPLAY: ':0' }, 'darwin'), 'LATENT_EXPLORER_NO_BROWSER is set');
  assert.equal(whyNoBrowser({ LATENT_EXPLORER_NO_BROWSER: '1', CI: 'true' }, 'linux'), 'LATENT_EXPLORER_NO_BROWSER is set');
});

test('flags written as off count as unset', () => {
  for (const off of ['', '0', 'false', 'FALSE', 'no']) {
    assert.equal(whyNoBrowser({ CI: off, DISPLAY: ':0' }, 'linux'), undefined, `CI=${off}`);
    assert.equal(whyNoBrowser({ LATENT_EXPLORER_NO_BROWSER: off }, 'win32'), undefined, `NO_BROWSER=${off}`);
  }
});

test('openBrowser reports why it did not open instead of opening', async () => {
  assert.deepEqual(await openBrowser('http://127.0.0.1:1/', { LATENT_EXPLORER_NO_BROWSER: '1' }, 'linux'), {
    opened: false,
    reason: 'LATENT_EXPLORER_NO_BROWSER is set',
  });
  const headless = await openBrowser('http://127.0.0.1:1/', {}, 'linux');
  assert.equal(headless.opened, false);
  assert.match(headless.reason ?? '', /no display/);
});
