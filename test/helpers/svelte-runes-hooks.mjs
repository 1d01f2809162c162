import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { compileModule } from 'svelte/compiler';

// Module hooks (run on Node's loader thread): `.svelte.ts` and `.svelte.js`
// files use runes, which only the Svelte compiler understands. Types are
// stripped first, as Vite does before handing them to the compiler.
const RUNES = /\.svelte\.(ts|js)$/;

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !RUNES.test(new URL(url).pathname)) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  let source = await readFile(filename, 'utf8');
  if (filename.endsWith('.ts')) {
    source = (await transform(source, { loader: 'ts', format: 'esm', target: 'es2022', sourcefile: filename })).code;
  }
  const { js } = compileModule(source, { filename, generate: 'client' });
  return { format: 'module', source: js.code, shortCircuit: true };
}
