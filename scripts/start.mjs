// `npm start`: build, make sure the Electron binary is there (npm ci skips its
// download), and launch the app. Where Electron cannot be had, say so and point
// to the browser mode, which runs the same interface.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const electronDir = path.dirname(require.resolve('electron/package.json'));

function run(cmd, args, quiet = false) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
  if (quiet && r.status !== 0) {
    const reason = `${r.stderr ?? ''}`.split('\n').find((l) => /error/i.test(l)) ?? `exit code ${r.status}`;
    console.error(`(The download failed: ${reason.trim()})`);
  }
  return r.status === 0;
}

if (!run(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'])
  || !run(process.execPath, [path.join(root, 'scripts/build-electron.mjs')])) {
  process.exit(1);
}

if (!existsSync(path.join(electronDir, 'path.txt'))) {
  console.log('Fetching the Electron binary (first start only)…');
  const ok = run(process.execPath, [path.join(electronDir, 'install.js')], true) && existsSync(path.join(electronDir, 'path.txt'));
  if (!ok) {
    console.error(
      '\nLatent Explorer could not start its desktop window: the Electron binary is not installed and could not be ' +
        'downloaded (npm installs the electron package without it, and this machine cannot fetch it). Everything else ' +
        'is in place. Run the same interface in your browser instead: `npm run serve`, then open http://127.0.0.1:8080/ ' +
        '(add `-- --port N` for another port). On a machine with internet access, `npm start` fetches Electron once and ' +
        'opens the desktop app.\n',
    );
    process.exit(1);
  }
}

const electron = require('electron');
const child = spawn(electron, [root], { cwd: root, stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
