import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

// The renderer is a static bundle: Electron loads it from disk, and
// `latent-explorer serve` hosts it for the browser mode. `--mode test` builds
// the same app with its test hooks (the scatter's handle for browser tests and
// benchmarks) into its own folder; the app's own build has none of them.
export default defineConfig(({ mode }) => {
  const testBuild = mode === 'test';
  return {
    root: fileURLToPath(new URL('.', import.meta.url)),
    base: './',
    plugins: [svelte()],
    define: { __TEST_HOOKS__: JSON.stringify(testBuild) },
    build: {
      outDir: fileURLToPath(new URL(testBuild ? '../dist/renderer-test' : '../dist/renderer', import.meta.url)),
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 2000,
    },
  };
});
