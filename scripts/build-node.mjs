// Bundles what runs on Node: the desktop shell (main process and the engine
// thread as ES modules, the sandboxed preload as CommonJS) and the command
// line with its own engine thread, so the installed package runs plain
// JavaScript and needs no TypeScript loader. Packages stay in node_modules.
import { copyFile } from 'node:fs/promises';
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', packages: 'external', sourcemap: true, logLevel: 'warning' };

await Promise.all([
  build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.mjs', format: 'esm' }),
  build({ ...common, entryPoints: ['src/engine/engine-thread.ts'], outfile: 'dist/electron/engine-thread.mjs', format: 'esm' }),
  build({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'] }),
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli/main.mjs', format: 'esm' }),
  build({ ...common, entryPoints: ['src/engine/engine-thread.ts'], outfile: 'dist/cli/engine-thread.mjs', format: 'esm' }),
  // Adam's helper thread (src/train/adam.ts), beside each bundle that trains.
  build({ ...common, entryPoints: ['src/train/adam-thread.ts'], outfile: 'dist/electron/adam-thread.mjs', format: 'esm' }),
  build({ ...common, entryPoints: ['src/train/adam-thread.ts'], outfile: 'dist/cli/adam-thread.mjs', format: 'esm' }),
  // The UMAP thread (src/latent/umap.ts), beside each bundle that places points.
  build({ ...common, entryPoints: ['src/latent/umap-thread.ts'], outfile: 'dist/electron/umap-thread.mjs', format: 'esm' }),
  build({ ...common, entryPoints: ['src/latent/umap-thread.ts'], outfile: 'dist/cli/umap-thread.mjs', format: 'esm' }),
]);

// Started as a file by the threaded wasm backend (src/engine/wasm-threads.ts), beside the bundles that start it.
await Promise.all(['dist/electron', 'dist/cli'].map((dir) => copyFile('src/engine/wasm-pthread.cjs', `${dir}/wasm-pthread.cjs`)));
