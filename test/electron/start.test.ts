import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const electronDir = path.dirname(require.resolve('electron/package.json'));
const installed = existsSync(path.join(electronDir, 'path.txt'));
const root = fileURLToPath(new URL('../..', import.meta.url));
const builtPage = path.join(root, 'dist/renderer/index.html');
const INSTEAD = ': serving Latent Explorer in your browser instead.';
const URL_LINE = /Latent Explorer is at (http:\/\/\S+)/;
const linuxOnly = process.platform !== 'linux' && 'the display check and the fake binary are Linux-specific';

/** The environment of a machine with no display, no Electron override and no browser to open. */
function headlessEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LATENT_EXPLORER_NO_BROWSER: '1', ...extra };
  for (const name of ['DISPLAY', 'WAYLAND_DISPLAY', 'ELECTRON_OVERRIDE_DIST_PATH', 'ELECTRON_SKIP_BINARY_DOWNLOAD', 'LATENT_EXPLORER_TOKEN']) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

/** A folder holding a shell script where Electron's executable would be. */
function fakeElectron(script: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'le-fake-electron-'));
  const file = path.join(dir, 'electron');
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return dir;
}

interface Started {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match in stdout; rejects when the time is up or the script exits first. */
  waitFor(pattern: RegExp, ms: number): Promise<RegExpMatchArray>;
  exited(ms: number): Promise<number | null>;
  kill(): void;
}

function npmStart(env: NodeJS.ProcessEnv): Started {
  const child = spawn(process.execPath, ['scripts/start.mjs', '--port', '0'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const within = <T>(ms: number, what: string, work: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms\nstdout:\n${out}\nstderr:\n${err}`)), ms);
    });
    return Promise.race([work, late]).finally(() => clearTimeout(timer));
  };
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor: (pattern, ms) =>
      within(
        ms,
        `no ${pattern}`,
        new Promise<RegExpMatchArray>((resolve, reject) => {
          const check = () => {
            const m = pattern.exec(out);
            if (m) {
              child.stdout?.off('data', check);
              resolve(m);
            }
          };
          child.stdout?.on('data', check);
          void closed.then(() => reject(new Error(`start.mjs exited before printing ${pattern}\nstdout:\n${out}\nstderr:\n${err}`)));
          check();
        }),
      ),
    exited: (ms) => within(ms, 'no exit', closed),
    // The server runs in a process group of its own, so its process is killed by id.
    kill: () => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      const children = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout ?? '';
      for (const pid of children.split('\n').filter((p) => p.trim())) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      child.kill('SIGKILL');
    },
  };
}

/** The reason line stands alone: the very next stdout line is the address. */
function assertOneLineThenUrl(stdout: string, reason: RegExp): void {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l.endsWith(INSTEAD));
  assert.ok(at >= 0, `no "…${INSTEAD}" line in:\n${stdout}`);
  assert.match(lines[at] ?? '', reason);
  assert.match(lines[at + 1] ?? '', URL_LINE, 'the address follows the reason directly');
}

/** Opens the printed address as a browser would: following redirects and keeping the cookies they set. */
async function assertServesTheApp(printed: string): Promise<void> {
  let url = new URL(printed);
  const cookies: string[] = [];
  for (let hop = 0; hop < 5; hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: cookies.join('; ') }, signal: AbortSignal.timeout(30000) });
    for (const c of res.headers.getSetCookie()) cookies.push(c.split(';')[0] ?? '');
    const next = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && next) {
      url = new URL(next, url);
      continue;
    }
    assert.equal(res.status, 200, `GET ${url.href}`);
    assert.match(await res.text(), /<title>Latent Explorer<\/title>/);
    return;
  }
  assert.fail(`too many redirects from ${printed}`);
}

async function stopWithCtrlC(app: Started): Promise<void> {
  app.child.kill('SIGINT');
  assert.equal(await app.exited(60000), 0, `Ctrl-C ends npm start cleanly\nstderr:\n${app.stderr()}`);
}

// Where Electron cannot be fetched: the download is pointed at a closed local
// port (and an empty cache), so this holds on any machine.
test(
  'npm start without an Electron binary says why in one line and serves the app in the browser',
  { skip: installed && 'the Electron binary is installed here, so npm start would open the app' },
  async () => {
    const app = npmStart(
      headlessEnv({
        ELECTRON_MIRROR: 'http://127.0.0.1:9/',
        electron_config_cache: mkdtempSync(path.join(os.tmpdir(), 'le-electron-cache-')),
      }),
    );
    try {
      const [, url] = await app.waitFor(URL_LINE, 240000); // includes the build
      assertOneLineThenUrl(app.stdout(), /^The Electron binary is not installed and could not be downloaded \(.*ECONNREFUSED.*\): serving/);
      assert.doesNotMatch(app.stdout() + app.stderr(), /at .*install\.js|RequestError/, 'the failed download stays quiet');
      await assertServesTheApp(url ?? '');
      await stopWithCtrlC(app);
      assert.equal(existsSync(path.join(electronDir, 'path.txt')), false, 'no half-installed Electron is left');
    } finally {
      app.kill();
    }
  },
);

const skipBuild = (): Record<string, string> => (existsSync(builtPage) ? { LATENT_EXPLORER_SKIP_BUILD: '1' } : {});

test('npm start with Electron but no display serves the app in the browser', { skip: linuxOnly }, async () => {
  const marker = path.join(os.tmpdir(), `le-electron-ran-${process.pid}`);
  const app = npmStart(headlessEnv({ ...skipBuild(), ELECTRON_OVERRIDE_DIST_PATH: fakeElectron(`touch ${marker}`) }));
  try {
    const [, url] = await app.waitFor(URL_LINE, 240000);
    assertOneLineThenUrl(app.stdout(), /^No display to open a window on \(DISPLAY and WAYLAND_DISPLAY are unset\): serving/);
    assert.equal(existsSync(marker), false, 'Electron is not started without a display');
    await assertServesTheApp(url ?? '');
    await stopWithCtrlC(app);
  } finally {
    app.kill();
  }
});

test('npm start where Electron dies at once says so in one line and serves the app in the browser', { skip: linuxOnly }, async () => {
  const dist = fakeElectron('echo "electron: error while loading shared libraries: libgtk-3.so.0: cannot open shared object file" >&2\nexit 1');
  const app = npmStart(headlessEnv({ ...skipBuild(), DISPLAY: ':99', ELECTRON_OVERRIDE_DIST_PATH: dist }));
  try {
    const [, url] = await app.waitFor(URL_LINE, 240000);
    assertOneLineThenUrl(app.stdout(), /^Electron exited at start \(exit code 1: .*libgtk-3\.so\.0.*\): serving/);
    assert.doesNotMatch(app.stderr(), /libgtk/, "Electron's own output is not repeated beside the line");
    await assertServesTheApp(url ?? '');
    await stopWithCtrlC(app);
  } finally {
    app.kill();
  }
});

test('npm start with Electron and a display runs Electron with the app, and Ctrl-C ends both', { skip: linuxOnly }, async () => {
  const app = npmStart(
    headlessEnv({
      ...skipBuild(),
      DISPLAY: ':99',
      ELECTRON_OVERRIDE_DIST_PATH: fakeElectron('echo "electron started with $1"\nexec sleep 120 >/dev/null 2>&1'),
    }),
  );
  try {
    const [, dir] = await app.waitFor(/electron started with (\S+)/, 240000);
    assert.equal(path.resolve(dir ?? ''), path.resolve(root));
    await stopWithCtrlC(app);
    assert.doesNotMatch(app.stdout(), /Latent Explorer is at|instead/, 'no browser mode while the window runs');
  } finally {
    app.kill();
  }
});
