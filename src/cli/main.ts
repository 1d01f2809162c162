import { Command, CommanderError } from 'commander';
import { UserError } from '../contract/errors.js';
import { registerTrain } from './commands/train.js';
import { registerModelCommands } from './commands/model.js';
import { registerServe } from './commands/serve.js';
import { registerExploreCommands } from './commands/explore.js';
import { registerImport } from './commands/import.js';

/** The `latent-explorer` command line. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('latent-explorer')
    .description('Train variational autoencoders and explore their latent space.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith('error:') ? `latent-explorer: ${s.slice(7)}` : s) })
    .showSuggestionAfterError(true);
  registerTrain(program);
  registerModelCommands(program);
  registerExploreCommands(program);
  registerImport(program);
  registerServe(program);
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version end here too, with exit code 0.
      return err.exitCode;
    }
    const message = err instanceof UserError ? err.message : `unexpected error: ${(err as Error).stack ?? err}`;
    process.stderr.write(`latent-explorer: ${message}\n`);
    return err instanceof UserError ? 1 : 70;
  }
}
