import { register } from 'node:module';

/**
 * Lets plain Node import the renderer's `.svelte.ts` state modules, compiled
 * by Svelte for the client as Vite would (see svelte-runes-hooks.mjs).
 * Modules a test file imports statically are loaded before its code runs:
 * import runes modules after calling this, with `await import(...)`.
 */
export function registerSvelteRunes(): void {
  register('./svelte-runes-hooks.mjs', import.meta.url);
}
