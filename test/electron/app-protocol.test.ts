import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { APP_SCHEME_PRIVILEGES, contentTypeFor, createAppHandler, DESKTOP_CSP, resolveAppPath } from '../../electron/app-protocol.js';
import { APP_INDEX_URL } from '../../electron/app-url.js';

const SECRET = "the user's private key";
const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A renderer folder, and beside it files the protocol must never serve. */
function fixture() {
  const top = mkdtempSync(path.join(os.tmpdir(), 'le-app-protocol-'));
  made.push(top);
  const root = path.join(top, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  const files: Record<string, string | Uint8Array> = {
    'index.html': '<!doctype html><title>app</title>',
    'assets/index-abc.js': 'export const x = 1;',
    'assets/index-abc.css': 'body{color:red}',
    'icon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'assets/pic.png': Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2]),
    'assets/kernel.wasm': Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
    '.env': SECRET,
  };
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(root, name), body);
  writeFileSync(path.join(top, 'secret.txt'), SECRET);
  mkdirSync(path.join(top, 'renderer-old'));
  writeFileSync(path.join(top, 'renderer-old', 'secret.txt'), SECRET);
  return { top, root, files };
}

const get = (handler: ReturnType<typeof createAppHandler>, url: string, method = 'GET') => handler({ url, method });

test("the app's files are served with their Content-Type and the desktop CSP", async () => {
  const { root, files } = fixture();
  const handler = createAppHandler(root);
  const expected: [string, string][] = [
    ['index.html', 'text/html; charset=utf-8'],
    ['assets/index-abc.js', 'text/javascript; charset=utf-8'],
    ['assets/index-abc.css', 'text/css; charset=utf-8'],
    ['icon.svg', 'image/svg+xml'],
    ['assets/pic.png', 'image/png'],
    ['assets/kernel.wasm', 'application/wasm'],
  ];
  for (const [name, type] of expected) {
    const r = await get(handler, `app://latent-explorer/${name}?v=1#top`);
    assert.equal(r.status, 200, name);
    assert.equal(r.headers.get('content-type'), type, name);
    assert.equal(r.headers.get('content-security-policy'), DESKTOP_CSP, name);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', name);
    const body = files[name]!;
    assert.deepEqual(new Uint8Array(await r.arrayBuffer()), typeof body === 'string' ? new TextEncoder().encode(body) : body, name);
  }
  const home = await get(handler, 'app://latent-explorer/');
  assert.equal(await home.text(), files['index.html']);
  assert.equal(contentTypeFor('x.MJS'), 'text/javascript; charset=utf-8');
  assert.equal(contentTypeFor('notes.bin'), 'application/octet-stream');
});

test('the desktop CSP is strict and has no WebSocket sources', () => {
  const directives = new Map(
    DESKTOP_CSP.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values.join(' ')] as const;
    }),
  );
  assert.equal(directives.get('default-src'), "'none'");
  assert.equal(directives.get('script-src'), "'self'");
  assert.equal(directives.get('connect-src'), "'self'");
  assert.equal(directives.get('object-src'), "'none'");
  assert.equal(directives.get('base-uri'), "'none'");
  assert.equal(directives.get('form-action'), "'none'");
  assert.equal(directives.get('frame-ancestors'), "'none'");
  assert.doesNotMatch(DESKTOP_CSP, /ws:|wss:|unsafe-eval|\*/);
});

test('app:// is registered standard, secure and fetchable, never CORS-open', () => {
  assert.deepEqual(APP_SCHEME_PRIVILEGES, { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } });
});

test('no URL reaches a file outside the renderer folder, however it is spelt', async () => {
  const { top, root } = fixture();
  const handler = createAppHandler(root);
  const attempts = [
    'app://latent-explorer/../secret.txt',
    'app://latent-explorer/assets/../../secret.txt',
    'app://latent-explorer/%2e%2e/secret.txt',
    'app://latent-explorer/%2E%2E/%2e%2e/secret.txt',
    'app://latent-explorer/.%2e/renderer-old/secret.txt',
    'app://latent-explorer/..%2fsecret.txt',
    'app://latent-explorer/%2e%2e%2fsecret.txt',
    'app://latent-explorer/assets%2f..%2f..%2fsecret.txt',
    'app://latent-explorer/..%5csecret.txt',
    'app://latent-explorer/..\\secret.txt',
    'app://latent-explorer/assets\\..\\..\\secret.txt',
    `app://latent-explorer/${encodeURIComponent(path.join(top, 'secret.txt'))}`,
    `app://latent-explorer/${path.join(top, 'secret.txt')}`,
    `app://latent-explorer//${path.join(top, 'secret.txt')}`,
    'app://latent-explorer/C:%5csecret.txt',
    'app://latent-explorer/C:/secret.txt',
    'app://latent-explorer/secret.txt%00.html',
    'app://latent-explorer/.env',
    'app://latent-explorer/assets/%2e',
    'app://latent-explorer/%E0%A4%A',
  ];
  for (const url of attempts) {
    const r = await get(handler, url);
    assert.ok([400, 403, 404].includes(r.status), `${url}: ${r.status}`);
    assert.notEqual(await r.text(), SECRET, url);
    assert.equal(r.headers.get('content-security-policy'), DESKTOP_CSP, url);
  }
  // Those no URL parser normalises away are refused outright, not merely missed.
  for (const url of [
    'app://latent-explorer/..%2fsecret.txt',
    'app://latent-explorer/..%5csecret.txt',
    'app://latent-explorer/..\\secret.txt',
    'app://latent-explorer//etc/passwd',
    'app://latent-explorer/.env',
    'app://latent-explorer/x%00',
  ]) {
    const r = resolveAppPath(url, root);
    assert.deepEqual([r.ok, r.ok ? 0 : r.status], [false, 403], url);
  }
  assert.deepEqual(resolveAppPath('app://latent-explorer/%E0%A4%A', root), { ok: false, status: 400, reason: 'a malformed escape in the path' });
});

test('another host, scheme or port is refused; unknown files and folders are 404', async () => {
  const { root } = fixture();
  const handler = createAppHandler(root);
  for (const url of [
    'app://evil/index.html',
    'app://latent-explorer:8080/index.html',
    'app://u:p@latent-explorer/index.html',
    'app://latent-explorer.evil/index.html',
    'http://latent-explorer/index.html',
    'file:///index.html',
    'nonsense',
  ]) {
    const r = await get(handler, url);
    assert.ok(r.status === 403 || r.status === 400, `${url}: ${r.status}`);
    assert.equal(r.headers.get('content-security-policy'), DESKTOP_CSP);
  }
  for (const url of ['app://latent-explorer/missing.js', 'app://latent-explorer/assets', 'app://latent-explorer/index.html/x']) {
    const r = await get(handler, url);
    assert.equal(r.status, 404, url);
    assert.equal(r.headers.get('content-security-policy'), DESKTOP_CSP);
  }
});

test('only GET and HEAD; a read that fails for another reason is a 500', async () => {
  const { root } = fixture();
  const handler = createAppHandler(root);
  const head = await get(handler, APP_INDEX_URL, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
  const post = await get(handler, APP_INDEX_URL, 'POST');
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('content-security-policy'), DESKTOP_CSP);
  const denied = createAppHandler(root, async () => {
    throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
  });
  const r = await get(denied, APP_INDEX_URL);
  assert.equal(r.status, 500);
  assert.equal(r.headers.get('content-security-policy'), DESKTOP_CSP);
});

test('the built renderer loads under app://: relative asset paths that the protocol serves', async () => {
  const dist = path.resolve('dist/renderer');
  assert.ok(existsSync(path.join(dist, 'index.html')), 'dist/renderer is built (npm run build)');
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(refs.some((r) => r.endsWith('.js')) && refs.some((r) => r.endsWith('.css')), refs.join(' '));
  const handler = createAppHandler(dist);
  for (const ref of refs) {
    assert.match(ref, /^\.\//, `${ref} is relative, so it resolves under app://latent-explorer/`);
    const r = await get(handler, new URL(ref, APP_INDEX_URL).href);
    assert.equal(r.status, 200, ref);
    if (ref.endsWith('.js')) assert.equal(r.headers.get('content-type'), 'text/javascript; charset=utf-8', 'module scripts need a JavaScript type');
  }
});
