import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_INDEX_URL, isAppUrl } from '../../electron/app-url.js';
import { createAppWindow, denyPermissions, guardNavigation, type NavigationEventLike, type SessionLike, type WebContentsLike } from '../../electron/window.js';

/** Stands in for BrowserWindow: keeps the options it was made with. */
class FakeWindow {
  constructor(readonly options: BrowserWindowConstructorOptions) {}
}

test('the window is made with every web preference the security checklist asks for', () => {
  const w = createAppWindow(FakeWindow, '/opt/le/dist/electron/preload.cjs');
  assert.deepEqual(w.options.webPreferences, {
    preload: '/opt/le/dist/electron/preload.cjs',
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    disableBlinkFeatures: 'Auxclick',
    spellcheck: false,
  });
  assert.equal(w.options.title, 'Latent Explorer');
});

/** A webContents with listeners by event name and the window-open handler it was given. */
function fakeContents() {
  const listeners = new Map<string, ((e: NavigationEventLike) => void)[]>();
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | null = null;
  const contents: WebContentsLike = {
    on: (event, l) => listeners.set(event, [...(listeners.get(event) ?? []), l]),
    setWindowOpenHandler: (h) => void (openHandler = h),
  };
  /** Fires an event; true when some listener prevented it. */
  const fire = (event: string, url = '') => {
    let prevented = false;
    const e = { url, preventDefault: () => void (prevented = true) };
    const ls = listeners.get(event) ?? [];
    assert.ok(ls.length > 0, `a listener for ${event}`);
    ls.forEach((l) => l(e));
    return prevented;
  };
  return { contents, fire, open: (url: string) => openHandler?.({ url }) };
}

/** A fake window's contents under the app's navigation guard, and the refusals it logged. */
function guarded(): { f: ReturnType<typeof fakeContents>; refused: string[] } {
  const f = fakeContents();
  const refused: string[] = [];
  guardNavigation(
    f.contents,
    (u) => isAppUrl(u),
    (r) => refused.push(r),
  );
  return { f, refused };
}

test("navigations, redirects and frame navigations go only to the app's own page", () => {
  const { f, refused } = guarded();
  for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
    assert.equal(f.fire(event, APP_INDEX_URL), false, `${event} to the app`);
    assert.equal(f.fire(event, `${APP_INDEX_URL}#decode`), false, `${event} to the app, with a fragment`);
    for (const away of [
      'https://evil.example/',
      'file:///etc/passwd',
      'app://evil/index.html',
      'app://latent-explorer/other.html',
      'javascript:alert(1)',
      'about:blank',
      'data:text/html,<p>x</p>',
    ]) {
      assert.equal(f.fire(event, away), true, `${event} to ${away}`);
    }
  }
  assert.equal(refused.length, 21);
  assert.match(refused[0]!, /stopped a navigation to https:\/\/evil\.example\//);
});

test('with a development server, navigation stays on its origin', () => {
  const f = fakeContents();
  guardNavigation(f.contents, (u) => isAppUrl(u, 'http://127.0.0.1:5173'));
  assert.equal(f.fire('will-navigate', 'http://127.0.0.1:5173/'), false);
  assert.equal(f.fire('will-navigate', 'http://127.0.0.1:5174/'), true);
  assert.equal(f.fire('will-navigate', APP_INDEX_URL), true);
});

test("no window ever opens, not even for the app's own page, and no webview attaches", () => {
  const { f, refused } = guarded();
  for (const url of ['https://example.com/', APP_INDEX_URL, 'about:blank']) assert.deepEqual(f.open(url), { action: 'deny' }, url);
  assert.equal(f.fire('will-attach-webview'), true);
  assert.equal(refused.length, 4);
});

test('every permission request is denied and every permission check says no', () => {
  const handlers: {
    request?: Parameters<SessionLike['setPermissionRequestHandler']>[0];
    check?: Parameters<SessionLike['setPermissionCheckHandler']>[0];
  } = {};
  const session: SessionLike = {
    setPermissionRequestHandler: (h) => void (handlers.request = h),
    setPermissionCheckHandler: (h) => void (handlers.check = h),
  };
  const refused: string[] = [];
  denyPermissions(session, (r) => refused.push(r));
  const { request, check } = handlers;
  assert.ok(request && check);
  for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'fullscreen', 'openExternal', 'unknown']) {
    const answers: boolean[] = [];
    request(null, permission, (granted) => answers.push(granted));
    assert.deepEqual(answers, [false], permission);
    assert.equal(check(null, permission), false, permission);
  }
  assert.match(refused[0]!, /denied the permission "media"/);
});
