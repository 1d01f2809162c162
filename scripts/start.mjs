// `npm start`: build, then open the desktop app. Where no window can open (no
// Electron binary and none to fetch, no display, Electron dying at start), say
// why in one line and serve the same interface in the browser instead, so the
// first command a newcomer runs always ends in a working app.
// Arguments after `npm start --` go to the browser mode (`serve`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const electronDir = path.dirname(require.resolve('electron/package.json'));
const serveArgs = process.argv.slice(2);

/** A fetch that has not finished by then is given up: a blackholed network must not hang the start. */
const FETCH_LIMIT_MS = 180_000;
/** A failing fetch (no network) ends well before this, so only a real download announces itself. */
const FETCH_NOTICE_MS = 3_000;
/** Electron dying sooner than this means the window never came up (missing libraries, sandbox). */
const EARLY_EXIT_MS = 10_000;
/** One Ctrl-C can arrive twice (the terminal's, and npm forwarding its own); repeats this close are one press. */
const REPEAT_MS = 500;
const DEFAULT_PORT = 8080;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
// A child in its own process group hears a Ctrl-C only through us, once. Windows
// has no process groups and gives a detached child a console of its own.
const ownGroup = process.platform !== 'win32';

/** Set by Ctrl-C or a stop signal: the user ended the run, which is a clean exit. */
let stopRequested = false;

function build() {
  const steps = [
    [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'],
    [path.join(root, 'scripts/build-node.mjs')],
  ];
  return steps.every((args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status === 0);
}

/** The Electron executable, or undefined when it is not on disk (index.js honours ELECTRON_OVERRIDE_DIST_PATH). */
function electronBinary() {
  try {
    const binary = require('electron');
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined; // index.js throws while path.txt is missing; a failed load is not cached
  }
}

/** The line of a child's output that says what went wrong, trimmed to fit in a sentence. */
function tellingLine(text) {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const line = lines.find((l) => /error|fatal/i.test(l)) ?? lines.at(-1);
  if (!line) return undefined;
  const bare = line.replace(/^[A-Za-z]*Error:\s*/, '');
  return bare.length > 200 ? `${bare.slice(0, 199)}…` : bare;
}

/** Runs Electron's own installer quietly; resolves to why it failed, or undefined. */
function fetchElectron() {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return Promise.resolve('ELECTRON_SKIP_BINARY_DOWNLOAD is set');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(electronDir, 'install.js')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    const keep = (chunk) => {
      if (output.length < 65536) output += chunk;
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const notice = setTimeout(() => console.log('Fetching the Electron binary (first start only)…'), FETCH_NOTICE_MS);
    const limit = setTimeout(() => {
      timedOut = true;
      child.kill();
    }, FETCH_LIMIT_MS);
    const done = (reason) => {
      clearTimeout(notice);
      clearTimeout(limit);
      resolve(reason);
    };
    child.on('error', (err) => done(err.message));
    child.on('close', (code) => {
      if (timedOut) done(`no download within ${FETCH_LIMIT_MS / 60_000} minutes`);
      else if (code !== 0) done(tellingLine(output) ?? `the installer exited with code ${code}`);
      else done(undefined);
    });
  });
}

/** The process that stop signals go to, once there is one. */
let current;
let lastForward = -Infinity;

function onStopSignal(signal) {
  stopRequested = true;
  if (!current) process.exit(0); // between two children: nothing left to stop
  const now = Date.now();
  if (now - lastForward < REPEAT_MS) return;
  lastForward = now;
  // Without process groups the console has already handed Ctrl-C to the child.
  if (!ownGroup && signal === 'SIGINT') return;
  current.kill(signal);
}

/**
 * Starts Electron and watches its first seconds. Resolves to `{ failed }` when
 * it died before the window could have come up, else to the exit code to pass on.
 */
function launchElectron(binary) {
  return new Promise((resolve) => {
    const child = spawn(binary, [root], { cwd: root, stdio: ['inherit', 'inherit', 'pipe'], detached: ownGroup });
    current = child;
    // Held back while a failure could still turn into the one-line explanation.
    let held = '';
    let early = true;
    const release = () => {
      early = false;
      process.stderr.write(held);
      held = '';
    };
    const timer = setTimeout(release, EARLY_EXIT_MS);
    child.stderr.on('data', (chunk) => {
      if (early) held += chunk;
      else process.stderr.write(chunk);
    });
    let settled = false;
    const settle = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      current = undefined;
      resolve(outcome);
    };
    child.on('error', (err) => settle({ failed: err.message }));
    child.on('close', (code, signal) => {
      if (early && !stopRequested && (code !== 0 || signal)) {
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        const why = tellingLine(held);
        settle({ failed: why ? `${how}: ${why}` : how });
        return;
      }
      release();
      settle({ code: stopRequested ? 0 : (code ?? 1) });
    });
  });
}

function optionValue(args, name) {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

function portIsFree(port, host) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** 8080 unless it is taken (then any free port), or whatever port the user asked for. */
async function portArgs() {
  if (optionValue(serveArgs, '--port') !== undefined) return [];
  const free = await portIsFree(DEFAULT_PORT, optionValue(serveArgs, '--host') ?? '127.0.0.1');
  return ['--port', free ? String(DEFAULT_PORT) : '0'];
}

async function serveInBrowser(why) {
  console.log(`${why}: serving Latent Explorer in your browser instead.`);
  const args = [path.join(root, 'bin/latent-explorer.js'), 'serve', '--open', ...(await portArgs()), ...serveArgs];
  if (stopRequested) process.exit(0);
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', detached: ownGroup });
  current = child;
  child.on('error', (err) => console.error(`Could not start the browser mode: ${err.message}`));
  child.on('close', (code) => process.exit(stopRequested ? 0 : (code ?? 1)));
}

function noDisplay() {
  const desktop = process.platform === 'darwin' || process.platform === 'win32';
  return !desktop && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
}

if (process.env.LATENT_EXPLORER_SKIP_BUILD !== '1' && !build()) process.exit(1);

let binary = electronBinary();
let fetchFailure;
if (!binary) {
  fetchFailure = await fetchElectron();
  binary = electronBinary();
}

// From here on a child in its own process group may run: a stop signal must
// reach it, so the handlers are in place before the first spawn.
for (const s of SIGNALS) process.on(s, onStopSignal);

if (!binary) {
  const reason = fetchFailure ?? 'the installer left no binary behind';
  await serveInBrowser(`The Electron binary is not installed and could not be downloaded (${reason})`);
} else if (noDisplay()) {
  await serveInBrowser('No display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset)');
} else {
  const outcome = await launchElectron(binary);
  if ('failed' in outcome) await serveInBrowser(`Electron exited at start (${outcome.failed})`);
  else process.exit(outcome.code);
}
