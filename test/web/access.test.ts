import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import {
  accessPolicy,
  checkToken,
  cookieName,
  hostAllowed,
  newToken,
  originAllowed,
  sameToken,
  setCookieHeader,
  startUrl,
  tokenOf,
} from '../../src/web/access.js';
import { UserError } from '../../src/contract/errors.js';
import { nestedDeeperThan } from '../../src/rpc/guard.js';

const token = 'a'.repeat(48);
const loop = accessPolicy('127.0.0.1', 8080, token);

test('a loopback server answers only to loopback names on its own port', () => {
  for (const h of ['127.0.0.1:8080', 'localhost:8080', 'LOCALHOST:8080', '[::1]:8080']) assert.equal(hostAllowed(h, loop), true, h);
  for (const h of [
    undefined,
    '',
    'evil.example:8080',
    'evil.example',
    '127.0.0.1',
    '127.0.0.1:8081',
    'localhost',
    '127.0.0.1:8080.evil.example',
    'localhost:8080@evil.example',
    `${os.hostname()}:8080`,
    '127.0.0.1:80800',
  ]) {
    assert.equal(hostAllowed(h, loop), false, String(h));
  }
});

test("a WebSocket Origin must be the server's own; no Origin (not a browser) passes", () => {
  assert.equal(originAllowed(undefined, loop), true);
  for (const o of ['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080']) assert.equal(originAllowed(o, loop), true, o);
  for (const o of [
    'null',
    '',
    'https://evil.example',
    'http://127.0.0.1:8081',
    'http://127.0.0.1',
    'http://127.0.0.1:8080.evil.example',
    'http://127.0.0.1.evil.example:8080',
    'file://',
    'chrome-extension://abc',
    'http://localhost:8080/path',
    'http://user@localhost:8080',
  ]) {
    assert.equal(originAllowed(o, loop), false, o);
  }
});

test("a server bound beyond loopback also answers to this machine's name, and --allow-host names on any port", () => {
  const wide = accessPolicy('0.0.0.0', 9000, token, ['explorer.example.org']);
  assert.equal(hostAllowed(`${os.hostname()}:9000`, wide), true);
  assert.equal(hostAllowed('explorer.example.org', wide), true);
  assert.equal(hostAllowed('explorer.example.org:443', wide), true);
  assert.equal(originAllowed('https://explorer.example.org', wide), true);
  assert.equal(hostAllowed('evil.example:9000', wide), false);
  assert.equal(originAllowed('https://evil.example', wide), false);
});

test("the token comes from the query, an Authorization header or the port's own cookie, compared in constant time", () => {
  const url = (q: string) => new URL(`http://127.0.0.1:8080/${q}`);
  assert.deepEqual(tokenOf(url(`?token=${token}`), {}, loop), { token, fromQuery: true });
  assert.deepEqual(tokenOf(url(''), { authorization: `token ${token}` }, loop), { token, fromQuery: false });
  assert.deepEqual(tokenOf(url(''), { cookie: `other=1; ${cookieName(loop)}=${token}` }, loop), { token, fromQuery: false });
  // Another server's cookie (cookies are shared across ports) does not count.
  assert.equal(tokenOf(url(''), { cookie: `latent-explorer-token-9999=${token}` }, loop).token, undefined);
  assert.equal(sameToken(token, loop), true);
  for (const bad of [undefined, null, '', 'a'.repeat(47), 'b'.repeat(48), `${token}x`]) assert.equal(sameToken(bad, loop), false, String(bad));
  assert.match(setCookieHeader(loop), /^latent-explorer-token-8080=a{48}; HttpOnly; SameSite=Strict; Path=\/$/);
});

test('tokens: random ones differ; a fixed one must be long and printable; the URL to open carries it', () => {
  assert.notEqual(newToken(), newToken());
  assert.match(newToken(), /^[0-9a-f]{48}$/);
  assert.equal(checkToken('x'.repeat(16)), 'x'.repeat(16));
  for (const bad of ['short', 'with space in the middle!', '\u0000'.repeat(20)]) {
    assert.throws(
      () => checkToken(bad),
      (e: unknown) => e instanceof UserError && /at least 16 printable characters/.test(e.message),
    );
  }
  assert.equal(startUrl('127.0.0.1', 8080, 'tok'), 'http://127.0.0.1:8080/?token=tok');
  assert.equal(startUrl('0.0.0.0', 8080, 'tok'), 'http://127.0.0.1:8080/?token=tok');
  assert.equal(startUrl('::1', 8080, 'tok'), 'http://[::1]:8080/?token=tok');
});

test('nesting is measured without recursion, so a message thousands deep is refused, not a stack overflow', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(nestedDeeperThan(deep), true);
  assert.equal(nestedDeeperThan({ t: 'req', id: 1, method: 'startTraining', input: { model: { hidden: [512] } } }), false);
  assert.equal(nestedDeeperThan({ a: new Float32Array(10) }, 1), false, 'typed arrays are leaves');
});
