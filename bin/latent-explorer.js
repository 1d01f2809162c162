#!/usr/bin/env node
// Runs the TypeScript sources directly: nothing to build before the CLI works.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
