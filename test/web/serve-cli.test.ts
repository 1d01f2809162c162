import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/latent-explorer.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `latent-explorer serve …`; `until` may end it (SIGINT) once stdout shows what it waits for. */
function serveCli(args: string[], until?: RegExp, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', ...args], { env: { ...process.env, LATENT_EXPLORER_NO_BROWSER: '1', ...env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    let asked = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!asked && until?.test(stdout)) {
        asked = true; // once: a second Ctrl-C quits at once, as it should
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('serve on a busy port says so in one line, suggests --port 0, and exits 1', async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const { port } = blocker.address() as AddressInfo;
  try {
    const r = await serveCli(['--port', String(port)]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^latent-explorer: Port ${port} is already in use; pick another with --port N, or --port 0 for a free one\\.$`, 'm'));
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+|Unhandled/);
  } finally {
    blocker.close();
  }
});

test('serve prints the address with its token; Ctrl-C ends it with code 0', async () => {
  const r = await serveCli(['--port', '0'], /Latent Explorer is at (http:\/\/\S+)\n/);
  const url = /Latent Explorer is at (http:\/\/\S+)/.exec(r.stdout)![1]!;
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
  assert.equal(r.code, 0);
});

test('a fixed token comes from --token or LATENT_EXPLORER_TOKEN; a short one is refused with a sentence', async () => {
  const fixed = 'fixed-token-for-scripts-0123456789';
  const a = await serveCli(['--port', '0', '--token', fixed], /Latent Explorer is at/);
  assert.match(a.stdout, new RegExp(`\\?token=${fixed}\\n`));
  const b = await serveCli(['--port', '0'], /Latent Explorer is at/, { LATENT_EXPLORER_TOKEN: fixed });
  assert.match(b.stdout, new RegExp(`\\?token=${fixed}\\n`));
  const c = await serveCli(['--port', '0', '--token', 'abc']);
  assert.equal(c.code, 1);
  assert.match(c.stderr, /A token must be at least 16 printable characters/);
});

test('listening beyond loopback says who can reach it and how to do it safely', async () => {
  const r = await serveCli(['--port', '0', '--host', '0.0.0.0'], /Latent Explorer is at/);
  assert.match(r.stdout, /Latent Explorer is at http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  assert.match(r.stderr, /Warning: listening on 0\.0\.0\.0 lets other machines reach the engine/);
  assert.match(r.stderr, /SSH tunnel \(ssh -L \d+:127\.0\.0\.1:\d+ /);
  assert.match(r.stderr, /TLS proxy in front \(and name it with --allow-host\)/);
  const local = await serveCli(['--port', '0'], /Latent Explorer is at/);
  assert.doesNotMatch(local.stderr, /Warning/);
});

test('a served page needs the token: without it 401, with it a cookie and the app', async () => {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env: { ...process.env, LATENT_EXPLORER_NO_BROWSER: '1' } });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /Latent Explorer is at (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited (${code})`)));
    });
    const origin = new URL(url).origin;
    assert.equal((await fetch(`${origin}/`)).status, 401);
    const traded = await fetch(url, { redirect: 'manual' });
    assert.equal(traded.status, 303);
    assert.equal(traded.headers.get('location'), '/');
    const cookie = traded.headers.get('set-cookie')!;
    assert.match(cookie, /HttpOnly; SameSite=Strict/);
    const page = await fetch(`${origin}/`, { headers: { cookie: cookie.split(';')[0]! } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>Latent Explorer<\/title>/);
    assert.match(page.headers.get('content-security-policy') ?? '', /connect-src 'self';/);
  } finally {
    child.kill('SIGINT');
  }
});
