#!/usr/bin/env node
// The command line, as built by `npm run build` (plain JavaScript in dist/cli).
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.mjs', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write('latent-explorer: the command line is not built yet; run "npm run build" in the project folder first.\n');
  process.exit(1);
}
const { main } = await import(built.href);
process.exitCode = await main(process.argv.slice(2));
