import { readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

// The layers (src/, electron/, renderer/) and who may import whom are held
// here, so a wrong import fails `npm run lint` instead of waiting for review.
// Relative paths are matched whatever their depth: `../../../src/engine/x.js`
// and `../engine/x.js` both name the folder they reach.

const code = '**/*.{js,mjs,cjs,ts,mts,cts}';
const svelteFiles = ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'];
// Runs in Node: the renderer's build configuration, not the renderer.
const rendererBuildConfig = ['renderer/*.config.{js,ts}'];

const electronPackage = { regex: '^electron(/|$)', message: 'Only electron/ may import Electron.' };
const intoRenderer = { regex: '^\\.{1,2}/(.*/)?renderer(/|$)', message: 'Only the renderer bundle imports renderer/.' };
const intoElectron = { regex: '^\\.{1,2}/(.*/)?electron(/|$)', message: 'src/ runs without Electron: it never imports electron/.' };
const nodeBuiltin = {
  regex: `^(node:|(${builtinModules.filter((m) => !m.startsWith('_')).join('|')})(/|$))`,
  message: 'The renderer runs in a browser: no Node built-ins.',
};
// The renderer sees the engine only through the contract and the RPC client.
const srcBeyondContract = {
  regex: '^\\.{1,2}/(.*/)?src/(?!(contract|rpc)/)',
  message: 'The renderer reaches src/ only through src/contract and src/rpc.',
};
// src/contract and src/rpc are bundled into the renderer, so they stay
// self-contained: no other src/ folder, no Node built-ins.
const srcFolders = readdirSync(new URL('./src', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'contract' && entry.name !== 'rpc')
  .map((entry) => entry.name);
const contractLeavesItself = {
  regex: `^\\.{1,2}/(.*/)?(${srcFolders.join('|')})/`,
  message: 'src/contract and src/rpc are bundled into the renderer: they import only each other.',
};
const contractNodeBuiltin = { ...nodeBuiltin, message: 'src/contract and src/rpc are bundled into the renderer: no Node built-ins.' };

/** The same patterns for static imports and for `import('...')` with a literal path. */
function restrictImports(patterns) {
  return {
    'no-restricted-imports': ['error', { patterns: patterns.map(({ regex, message }) => ({ regex, message })) }],
    'no-restricted-syntax': [
      'error',
      ...patterns.map(({ regex, message }) => ({
        selector: `ImportExpression > Literal.source[value=/${regex.replaceAll('/', '\\/')}/]`,
        message,
      })),
    ],
  };
}

export default defineConfig(
  globalIgnores(['dist/', 'out/', 'node_modules/', 'test-output/', 'coverage/', 'resources/']),

  { files: [code], extends: [js.configs.recommended] },
  { files: [code, ...svelteFiles], extends: [ts.configs.recommended] },
  {
    files: ['renderer/**'],
    extends: [svelte.configs.recommended],
    languageOptions: { globals: globals.browser },
    rules: {
      // State keeps sets and maps in `$state.raw` and replaces them on every
      // change (a new Set, never an in-place add), which this rule cannot tell
      // from a forgotten SvelteSet.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
  {
    files: svelteFiles,
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['src/**', 'electron/**', 'test/**', 'bench/**', 'scripts/**', 'bin/**', '*.config.js', ...rendererBuildConfig],
    languageOptions: { globals: globals.node },
  },

  // CommonJS files (the wasm backend's thread worker) load their modules with require().
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },

  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },

  // The layers.
  { files: ['src/**'], rules: restrictImports([electronPackage, intoRenderer, intoElectron]) },
  {
    files: ['src/contract/**', 'src/rpc/**'],
    rules: restrictImports([electronPackage, intoRenderer, intoElectron, contractLeavesItself, contractNodeBuiltin]),
  },
  {
    files: ['renderer/**'],
    ignores: rendererBuildConfig,
    rules: restrictImports([electronPackage, nodeBuiltin, srcBeyondContract]),
  },
  { files: ['electron/**'], rules: restrictImports([intoRenderer]) },

  // Files small enough to hold in your head.
  {
    files: ['src/**', 'electron/**', 'renderer/**'],
    rules: { 'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }] },
  },

  // Formatting belongs to Prettier.
  svelte.configs.prettier,
  prettier,
);
